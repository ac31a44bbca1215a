#!/usr/bin/env bash
# The main job: builds what it needs, then runs the demo in a throw-away network namespace.
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
bash scripts/ensure-tools.sh
[ -e build/Release/netlink_native.node ] || [ -d packages/netlink-native/prebuilds ] || bash scripts/build-native.sh
export NODE_OPTIONS="--conditions=source ${NODE_OPTIONS:-}"
exec node packages/netlink-native/examples/seed-node.ts "${here[@]}" "$@"
