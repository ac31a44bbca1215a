#!/bin/sh
# purelb-agent in the image: the node agent (needs NET_ADMIN and NET_RAW, from node's file capabilities)
# or, as `purelb-agent allocator`, the address allocator (needs no capability; its pod drops them all).
# See node-run.sh.
PURELB_NAME=purelb-agent
. /usr/local/lib/purelb-ts/node-run.sh
case "${1:-}" in
  allocator | --help | -h | help) node_unprivileged "$PURELB_APP/cli.js" "$@" ;;
esac
node_privileged "$PURELB_APP/cli.js" "$@"
