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

# Our addon: the development build at the repository root. Built when missing; when a native source
# is newer it is only reported (rebuilding here could pull it from under a test run in progress).
addon="$root/build/Release/netlink_native.node"
if [ ! -f "$addon" ]; then
  say "building the addon"
  (cd "$root" && bash scripts/build-native.sh >&2)
elif [ -n "$(find "$root/packages/netlink-native/src/native" -newer "$addon" -name '*.[ch]*' -print -quit)" ]; then
  say "warning: the addon is older than src/native; run \`npm run build:native\` to measure the current code"
fi

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

# Bounded: the harness also times out every command; this catches anything else.
timeout --kill-after=15 1800 "$node" --conditions=source "$here/harness.ts" \
  --ns "$ns" --peers "$cache" "${extra[@]}" "$@"
