#!/usr/bin/env bash
# The main job: builds what it needs, then runs the node agent (packages/agent) in standalone mode on
# the examples/ manifests, in a throw-away network namespace shaped like the seed's node.
# Without root it explains how to run it, or re-executes itself in a user+network namespace where
# the kernel allows unprivileged ones.
set -euo pipefail
cd "$(dirname "$0")/.."
here=()
if [ "$(id -u)" != 0 ]; then
  if [ -z "${PURELB_DEMO_UNSHARED:-}" ] && unshare -rn true 2>/dev/null; then
    echo "not root: re-running inside 'unshare -rn' (a private user and network namespace)"
    exec env PURELB_DEMO_UNSHARED=1 unshare -rn "$0" "$@"
  fi
  if [ -z "${PURELB_DEMO_UNSHARED:-}" ]; then
    echo "The demo creates network namespaces and needs root: run 'sudo npm run demo'." >&2
    exit 1
  fi
  here=(--here)
fi
# Inside `unshare -rn` we look like uid 0 but cannot add named namespaces: use the private one we are in.
[ -n "${PURELB_DEMO_UNSHARED:-}" ] && here=(--here)
# The demo needs `ip` (iproute2) and nothing else from the system; it installs nothing itself.
if ! command -v ip >/dev/null; then
  echo "The demo needs ip (iproute2), which is not installed: e.g. 'sudo apt-get install iproute2', then run it again." >&2
  exit 1
fi
if [ ! -e build/Release/netlink_native.node ] && [ ! -d packages/netlink-native/prebuilds ]; then
  echo "building the netlink addon first (npm run build:native: needs python3, make and a C++17 compiler)"
  bash scripts/build-native.sh
fi
export NODE_OPTIONS="--conditions=purelb-source ${NODE_OPTIONS:-}"
# Node 24 from node_modules when npm put it there (the machine's own node may be older), as npm scripts do.
node_bin=node
[ -x node_modules/.bin/node ] && node_bin="$PWD/node_modules/.bin/node"
exec "$node_bin" packages/agent/examples/demo.ts "${here[@]}" "$@"
