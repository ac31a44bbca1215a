// Exercises every native path for the leak checks (scripts/leak-check.sh): sockets opened and
// closed in and out of a namespace, batched sends, receives, a throwing callback, ENOBUFS-free
// floods, constructor failures, kernel filters attached, replaced, removed and refused,
// sendFrames and exchangeFrames success and failure, packet sockets (frames, memberships, filters,
// a throwing onData, constructor failures), named namespaces created, entered and deleted (and
// refused: a name taken, a name missing, a bad name), and exit with a netlink socket and a packet
// socket open and an exchange still listening.
// Usage: node leak-workload.mjs /path/to/netlink_native.node NETNS_NAME [rounds]
import { createRequire } from 'node:module';

const [addonPath, ns, roundsArg] = process.argv.slice(2);
const native = createRequire(import.meta.url)(addonPath);
const rounds = Number(roundsArg ?? 20);

const getLink = (seq, index = 0) => {
  const b = Buffer.alloc(32);
  b.writeUInt32LE(32, 0);
  b.writeUInt16LE(18, 4);
  b.writeUInt16LE(index ? 0x1 : 0x301, 6);
  b.writeUInt32LE(seq, 8);
  b.writeInt32LE(index, 20);
  return b;
};

function open(extra = {}) {
  let received = 0;
  let waiter;
  const socket = new native.NetlinkSocket({
    protocol: 0,
    rcvbuf: 1 << 20,
    sndbuf: 1 << 15,
    groups: [],
    onData: (chunk) => {
      received += chunk.length;
      waiter?.();
      if (extra.throws) throw new Error('thrown on purpose');
    },
    onError: () => {},
    ...extra,
  });
  const until = (bytes) =>
    new Promise((resolve) => {
      waiter = () => received >= bytes && resolve();
      waiter();
    });
  return { socket, until };
}

// Socket filters: keep everything (ret #-1), and one the kernel refuses (a jump past the end).
const keepAll = Buffer.alloc(8);
keepAll.writeUInt16LE(0x06, 0);
keepAll.writeUInt32LE(0xffffffff, 4);
const refused = Buffer.alloc(16);
refused.writeUInt16LE(0x05, 0); // ja +100
refused.writeUInt32LE(100, 4);
refused.writeUInt16LE(0x06, 8);

for (let round = 0; round < rounds; round++) {
  const a = open({ netns: { path: `/var/run/netns/${ns}` }, groups: [1, 5], filter: keepAll });
  a.socket.setFilter(keepAll);
  try {
    a.socket.setFilter(refused);
  } catch {}
  a.socket.setFilter(undefined);
  a.socket.setFilter(undefined);
  a.socket.setFilter(keepAll);
  try {
    open({ groups: [1], filter: refused });
  } catch {}
  for (let i = 1; i <= 500; i++) a.socket.send(getLink(i, 1), i);
  a.socket.send(getLink(1000), 1000);
  await a.until(1);
  const b = open({ throws: true });
  b.socket.send(getLink(1), 1);
  await b.until(1);
  a.socket.close();
  b.socket.close();
  b.socket.close();
  try {
    open({ netns: { path: '/var/run/netns/plbt-none' } });
  } catch {}
  try {
    open({ groups: ['x'] });
  } catch {}
  await native.sendFrames({
    netns: { path: `/var/run/netns/${ns}` },
    ifindex: 1,
    protocol: 0x88b5,
    frames: [Buffer.alloc(60)],
    intervalMs: 0,
  });
  await native
    .sendFrames({ ifindex: 99999, protocol: 0x88b5, frames: [Buffer.alloc(60)], intervalMs: 0 })
    .catch(() => {});
  // lo returns every frame it sends: the receive path keeps them, the filter trims them to 20 bytes
  const probe = Buffer.alloc(60);
  probe.writeUInt16BE(0x88b5, 12);
  const keep20 = Buffer.alloc(16);
  keep20.writeUInt16LE(0x06, 0); // ret #20
  keep20.writeUInt32LE(20, 4);
  keep20.writeUInt16LE(0x06, 8); // (unreached) ret #0
  await native.exchangeFrames({
    netns: { path: `/var/run/netns/${ns}` },
    ifindex: 1,
    frames: [probe, probe],
    rounds: 2,
    intervalMs: 5,
    waitMs: 10,
    filter: keep20,
    multicast: [Buffer.from('3333ff000001', 'hex')],
  });
  await native
    .exchangeFrames({ ifindex: 99999, frames: [probe], rounds: 1, intervalMs: 0, waitMs: 0 })
    .catch(() => {});
  try {
    native.exchangeFrames({ ifindex: 1, frames: [probe], rounds: 0, intervalMs: 0, waitMs: 0 });
  } catch {}
  // Packet sockets (claim watches): frames received on lo, memberships, filters replaced and
  // refused, a throwing onData, and constructor failures.
  let heard = 0;
  let thrown = 0;
  let wake;
  const watch = (extra = {}) =>
    new native.PacketSocket({
      netns: { path: `/var/run/netns/${ns}` },
      ifindex: 1,
      filter: keep20,
      rcvbuf: 1 << 16,
      onData: (chunk) => {
        heard += chunk.length;
        wake?.();
      },
      onError: (_errno, code) => {
        if (code === 'ECALLBACK') thrown++;
        wake?.();
      },
      ...extra,
    });
  const p = watch();
  const q = watch({
    onData: () => {
      throw new Error('thrown on purpose');
    },
  });
  p.addMembership(Buffer.from('3333ff000001', 'hex'));
  p.dropMembership(Buffer.from('3333ff000001', 'hex'));
  p.setFilter(keep20);
  try {
    p.setFilter(refused);
  } catch {}
  const before = { heard, thrown };
  await native.sendFrames({
    netns: { path: `/var/run/netns/${ns}` },
    ifindex: 1,
    protocol: 0x88b5,
    frames: [probe, probe],
    intervalMs: 0,
  });
  await new Promise((resolve) => {
    wake = () => heard > before.heard && thrown > before.thrown && resolve();
    wake();
  });
  p.close();
  p.close();
  q.close();
  try {
    watch({ ifindex: 99999 });
  } catch {}
  try {
    watch({ filter: refused });
  } catch {}
  try {
    watch({ filter: undefined });
  } catch {}
  native.errnoName(17);
  native.errnoMessage(95);
}
// Named namespaces (createNetns/deleteNetns), in iproute2's run directory under this run's prefix.
const runDir = '/var/run/netns';
for (let round = 0; round < rounds; round++) {
  const name = `${ns}-made-${round}`;
  await native.createNetns({ dir: runDir, name });
  await native.createNetns({ dir: runDir, name }).catch(() => {}); // EEXIST
  const inside = open({ netns: { path: `${runDir}/${name}` } });
  inside.socket.send(getLink(1), 1);
  await inside.until(1);
  inside.socket.close();
  await native.deleteNetns({ dir: runDir, name });
  await native.deleteNetns({ dir: runDir, name }).catch(() => {}); // ENOENT
  try {
    native.createNetns({ dir: runDir, name: '..' });
  } catch {}
}
// A packet socket left open: environment teardown must release it too.
new native.PacketSocket({
  ifindex: 1,
  filter: keepAll,
  rcvbuf: 1 << 16,
  onData: () => {},
  onError: () => {},
});
// Leave one open, busy socket: environment teardown must release it.
const last = open();
for (let i = 1; i <= 200; i++) last.socket.send(getLink(i, 1), i);
await last.until(1);
// And one exchange still listening: the environment's cleanup must wake and free it.
native.exchangeFrames({
  netns: { path: `/var/run/netns/${ns}` },
  ifindex: 1,
  frames: [Buffer.alloc(60)],
  rounds: 1,
  intervalMs: 0,
  waitMs: 30000,
});
console.log('workload done');
process.exit(0);
