#!/usr/bin/env bash
# System tools the checks need that npm cannot bring: clang-format (C++ style) and iproute2.
# Installed from Debian when missing and running as root; otherwise a clear message.
set -euo pipefail
missing=()
command -v clang-format >/dev/null || missing+=(clang-format)
command -v ip >/dev/null || missing+=(iproute2)
command -v strace >/dev/null || missing+=(strace)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "missing tools: ${missing[*]} (install them, e.g. sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
