#!/usr/bin/env bash
# Everything that is published: dist/ (JS with .js imports, and .d.ts) of the three packages, in
# dependency order (agent's types come from the others' dist/), and the addon prebuild for this
# platform in packages/netlink-native/prebuilds/. `npm pack --workspaces` packs what this leaves.
set -euo pipefail
cd "$(dirname "$0")/.."
node_bin=node
[ -x node_modules/.bin/node ] && node_bin="$PWD/node_modules/.bin/node"
for pkg in netlink-native purelb-core agent; do
  rm -rf "packages/$pkg/dist"
  "$node_bin" node_modules/typescript/bin/tsc -p "packages/$pkg/tsconfig.build.json"
  echo "built packages/$pkg/dist"
done
if [ "$(uname -sm)" = "Linux x86_64" ]; then
  bash packages/netlink-native/scripts/prebuild.sh >/dev/null
  echo "built $(ls packages/netlink-native/prebuilds/*/*.node | tr '\n' ' ')"
else
  echo "no prebuild for $(uname -sm): prebuild.sh builds linux-x64 (and linux-arm64 with a cross compiler)" >&2
fi
