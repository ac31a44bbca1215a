#!/usr/bin/env bash
# Every check the project has: format and lint (Biome, clang-format), types (tsc), the addon build,
# then every test under node --test. Tests that need root or a kernel feature say so when skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_OPTIONS="--conditions=purelb-source ${NODE_OPTIONS:-}"
bash scripts/ensure-tools.sh
echo "== node $(node -v)"
echo "== biome"; npx --no-install biome ci --colors=off --error-on-warnings .
echo "== clang-format"; clang-format --dry-run --Werror packages/netlink-native/src/native/*.cc packages/netlink-native/src/native/*.h
echo "== tsc"; npx --no-install tsc --noEmit -p tsconfig.json
echo "== build addon"; bash scripts/build-native.sh
echo "== tests"
node --test --test-concurrency=2 --test-timeout=300000 \
  'packages/*/test/**/*.test.ts' 'test/**/*.test.ts' "$@"
# The image test (podman build, then the image run as the DaemonSet runs it) keeps the CPU busy for
# minutes: it runs after the others, alone, so their timings are not its. Skipped when arguments were given.
[ $# -gt 0 ] || { echo "== image test"; exec node --test 'test/image/*.image-test.ts'; }
