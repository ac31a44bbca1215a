#!/bin/sh
# Sourced by the image's entry wrappers (purelb-agent, purelb); POSIX sh, so that no capability-carrying
# binary is executed before the capabilities have been checked.
#
# /usr/local/bin/node is the image's only node binary and carries the file capabilities
# cap_net_admin,cap_net_raw+ep. The kernel refuses to execute it (EPERM) when the bounding set lacks
# either, so:
#   node_privileged   checks the bounding set first and, if NET_ADMIN or NET_RAW is missing, says so and
#                     exits 1; otherwise execs node, which gains the two capabilities at exec.
#   node_unprivileged runs the same binary through the dynamic loader: the loader is what the kernel
#                     executes, so the file capabilities are not applied; node then runs with no
#                     capability at all whatever the bounding set is. For what needs none (the
#                     allocator, the operator's purelb command, --help). process.execPath is then the
#                     loader; none of purelb-ts' code starts child node processes.
# $PURELB_NODE_FLAGS (the heap caps) goes on node's command line: node ignores NODE_OPTIONS when it runs
# with file capabilities (AT_SECURE). Unset, it defaults to the flags of node-flags beside this file
# (its lines not starting with #); set, even empty, it replaces them.
PURELB_NODE=/usr/local/bin/node
PURELB_APP=/opt/purelb-ts/packages/agent/dist
PURELB_NODE_FLAGS_FILE=/usr/local/lib/purelb-ts/node-flags

if [ -z "${PURELB_NODE_FLAGS+set}" ]; then
  PURELB_NODE_FLAGS=
  if [ -r "$PURELB_NODE_FLAGS_FILE" ]; then
    while IFS= read -r purelb_line || [ -n "$purelb_line" ]; do
      purelb_line=${purelb_line#"${purelb_line%%[![:space:]]*}"}
      case "$purelb_line" in
        '' | '#'*) ;;
        *) PURELB_NODE_FLAGS="${PURELB_NODE_FLAGS:+$PURELB_NODE_FLAGS }$purelb_line" ;;
      esac
    done <"$PURELB_NODE_FLAGS_FILE"
  fi
fi

# CapBnd and NoNewPrivs of this shell, which node inherits.
purelb_read_status() {
  bnd= nnp=
  while read -r key value; do
    case "$key" in
      CapBnd:) bnd=$value ;;
      NoNewPrivs:) nnp=$value ;;
    esac
  done </proc/self/status
}

node_privileged() {
  purelb_read_status
  # CAP_NET_ADMIN is bit 12, CAP_NET_RAW bit 13.
  if [ -z "$bnd" ] || [ $((0x$bnd & 0x3000)) -ne $((0x3000)) ]; then
    echo "$PURELB_NAME: needs NET_ADMIN and NET_RAW (e.g. --cap-add NET_ADMIN --cap-add NET_RAW); in Kubernetes: securityContext.capabilities.add: [NET_ADMIN, NET_RAW]" >&2
    exit 1
  fi
  # With no_new_privs the kernel would start node without its file capabilities.
  if [ "$nnp" = 1 ]; then
    echo "$PURELB_NAME: needs NET_ADMIN and NET_RAW from node's file capabilities, which no_new_privs withholds (in Kubernetes, allowPrivilegeEscalation: true; not --security-opt no-new-privileges)" >&2
    exit 1
  fi
  # shellcheck disable=SC2086 # PURELB_NODE_FLAGS is a list of flags
  exec "$PURELB_NODE" $PURELB_NODE_FLAGS "$@"
}

node_unprivileged() {
  for loader in /lib64/ld-linux-x86-64.so.2 /lib/ld-linux-aarch64.so.1; do
    # shellcheck disable=SC2086
    [ -x "$loader" ] && exec "$loader" "$PURELB_NODE" $PURELB_NODE_FLAGS "$@"
  done
  echo "$PURELB_NAME: no dynamic loader found to run node without its file capabilities" >&2
  exit 1
}
