#!/bin/sh
# purelb, the operator's command (`kubectl exec … -- purelb diagnose`): it only reads (netlink dumps and
# the API server with the pod's service account), so it runs without any capability. See node-run.sh.
PURELB_NAME=purelb
. /usr/local/lib/purelb-ts/node-run.sh
node_unprivileged "$PURELB_APP/purelb.js" "$@"
