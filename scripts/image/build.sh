#!/usr/bin/env bash
# Builds the image from the Dockerfile with podman, the way containers-here.md says works on this
# project's machines: installs podman, buildah, runc and mmdebstrap from Debian when missing (as root),
# uses scripts/image/containers.conf, makes local stand-ins for the base images when they cannot be
# pulled (stand-ins.sh), builds with the host's network (no bridge: nothing touches the host's firewall)
# and lends the build the host's CA bundle for npm without leaving it in the image.
# Usage: scripts/image/build.sh [TAG]   (default localhost/purelb-ts:test)
set -euo pipefail
cd "$(dirname "$0")/../.."
tag=${1:-localhost/purelb-ts:test}
missing=()
for tool in podman buildah runc mmdebstrap; do command -v "$tool" >/dev/null || missing+=("$tool"); done
# getcap: the image test reads the image's file capabilities with it.
command -v getcap >/dev/null || missing+=(libcap2-bin)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "missing: ${missing[*]} (install them, e.g. sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "== installing ${missing[*]} from Debian (apt-get install) for the image build"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
export CONTAINERS_CONF=${CONTAINERS_CONF:-$PWD/scripts/image/containers.conf}
bash scripts/image/stand-ins.sh
[ -d packages/netlink-native/prebuilds ] || npm run prebuilds -w @purelb-ts/netlink-native
etc=$(mktemp -d)
trap 'rm -rf "$etc"' EXIT
ca=${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}
cp "$ca" "$etc/ca.crt"
echo "cafile=/usr/local/etc/ca.crt" >"$etc/npmrc"
echo "== podman build -t $tag"
podman build -q --network=host -v "$etc:/usr/local/etc:ro" -t "$tag" . >/dev/null
podman image inspect -f '{{.Size}}' "$tag" | awk -v t="$tag" '{printf "== %s: %.0f MB\n", t, $1 / 1e6}'
