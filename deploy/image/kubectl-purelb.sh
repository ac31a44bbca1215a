#!/bin/sh
# kubectl-purelb, the kubectl plugin name of the operator's command (`kubectl purelb status`): the same
# program as purelb, read-only, so it runs without any capability. See node-run.sh.
PURELB_NAME=kubectl-purelb
. /usr/local/lib/purelb-ts/node-run.sh
node_unprivileged "$PURELB_APP/purelb.js" "$@"
