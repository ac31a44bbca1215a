#!/usr/bin/env bash
# System tools the checks need that npm cannot bring: clang-format (C++ style) and iproute2, and
# BIRD 2 for the routing test.
# Installed from Debian when missing and running as root; otherwise a clear message.
set -euo pipefail
missing=()
command -v clang-format >/dev/null || missing+=(clang-format)
command -v ip >/dev/null || missing+=(iproute2)
command -v strace >/dev/null || missing+=(strace)
# BIRD 2 for the routing test (test/routing/): optional. Installed from Debian when root; where it
# cannot be, that test skips and says why, and nothing else depends on it.
if ! [ -x /usr/sbin/bird ] && ! command -v bird >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bird2; } >/dev/null 2>&1 ||
      echo "could not install bird2: the routing test will skip" >&2
  else
    echo "bird2 not installed: the routing test will skip (sudo apt-get install bird2)" >&2
  fi
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "missing tools: ${missing[*]} (install them, e.g. sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
