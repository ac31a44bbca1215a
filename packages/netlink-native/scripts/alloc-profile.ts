// Profiling aid, not a test: what the JS side of batched address add/delete costs per request,
// with the kernel replaced by a fake socket that ACKs every message (so only our code is timed).
// Reports ns/op of wall and CPU time, heap bytes allocated per request (GC-freed bytes added
// back, from v8.GCProfiler) and the GC count and pause time.
//
//   node_modules/.bin/node --conditions=purelb-source packages/netlink-native/scripts/alloc-profile.ts \
//     [--batch 1000] [--requests 200000] [--family 4|6]
import { GCProfiler } from 'node:v8';
import { Netlink } from '../src/index.ts';
import type { NativeBinding, NativeSocketOptions } from '../src/native/binding.ts';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

const batch = Number(option('batch', '1000'));
const requests = Number(option('requests', '200000'));
const family = Number(option('family', '4'));
if (family !== 4 && family !== 6) throw new Error('--family must be 4 or 6');

const PORT_ID = 4242;
const ACK_LEN = 36; // nlmsghdr + errno + the request's header (NETLINK_CAP_ACK)

/** Answers every message of a send() with an ACK, one chunk per send, on a later turn like the addon. */
class FakeSocket {
  readonly portId = PORT_ID;
  readonly strictCheck = true;
  readonly extAck = true;
  readonly capAck = true;
  readonly rcvbuf = 8 * 1024 * 1024;
  readonly #onData: (chunk: Buffer) => void;

  constructor(options: NativeSocketOptions) {
    this.#onData = options.onData;
  }

  send(messages: Buffer, _token: number): void {
    let n = 0;
    for (let off = 0; off < messages.length; off += (messages.readUInt32LE(off) + 3) & ~3) n++;
    const chunk = Buffer.allocUnsafeSlow(n * ACK_LEN);
    let at = 0;
    for (let off = 0; off < messages.length; off += (messages.readUInt32LE(off) + 3) & ~3) {
      chunk.writeUInt32LE(ACK_LEN, at);
      chunk.writeUInt16LE(2, at + 4); // NLMSG_ERROR
      chunk.writeUInt16LE(0x100, at + 6); // NLM_F_CAPPED
      chunk.writeUInt32LE(messages.readUInt32LE(off + 8), at + 8);
      chunk.writeUInt32LE(PORT_ID, at + 12);
      chunk.writeInt32LE(0, at + 16);
      messages.copy(chunk, at + 20, off, off + 16);
      at += ACK_LEN;
    }
    setImmediate(() => this.#onData(chunk));
  }

  addMembership(): void {}
  dropMembership(): void {}
  setFilter(): void {}
  close(): void {}
}

const binding = { NetlinkSocket: FakeSocket } as unknown as Pick<
  NativeBinding,
  'NetlinkSocket' | 'sendFrames' | 'exchangeFrames'
>;
const nl = await Netlink.open({ binding });

const addressAt = (i: number): string =>
  family === 4
    ? `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`
    : `fd00::${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}`;
const addresses = Array.from({ length: batch }, (_, i) => addressAt(i + 1));
const prefixLength = family === 4 ? 32 : 128;
const flags = family === 6 ? ['nodad' as const] : undefined;

async function cycle(link: number): Promise<void> {
  const all: Promise<void>[] = new Array(batch);
  for (let i = 0; i < batch; i++) {
    const address = addresses[i] as string;
    all[i] = flags
      ? nl.addresses.add({ link, address, prefixLength, flags })
      : nl.addresses.add({ link, address, prefixLength });
  }
  await Promise.all(all);
  for (let i = 0; i < batch; i++)
    all[i] = nl.addresses.delete({ link, address: addresses[i] as string, prefixLength });
  await Promise.all(all);
}

// Warm-up: enough calls for V8 to optimise the hot path.
for (let i = 0; i < Math.max(5, 20000 / batch); i++) await cycle(2);

const cycles = Math.max(1, Math.round(requests / (2 * batch)));
const total = cycles * batch * 2;
const profiler = new GCProfiler();
const usedBefore = process.memoryUsage().heapUsed;
profiler.start();
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
for (let i = 0; i < cycles; i++) await cycle(2);
const wall = Number(process.hrtime.bigint() - t0);
const cpu = process.cpuUsage(cpu0);
const usedAfter = process.memoryUsage().heapUsed;
const gc = profiler.stop();

let freed = 0;
let pause = 0;
let scavenges = 0;
let fulls = 0;
for (const s of gc.statistics) {
  freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
  pause += s.cost;
  if (s.gcType === 'Scavenge' || s.gcType === 'MinorMarkSweep') scavenges++;
  else fulls++;
}
const allocated = usedAfter - usedBefore + freed;
const perOp = (n: number) => (n / total).toFixed(1);
console.log(
  JSON.stringify({
    family,
    batch,
    requests: total,
    wallNsPerOp: perOp(wall),
    cpuNsPerOp: perOp((cpu.user + cpu.system) * 1000),
    heapBytesPerOp: perOp(allocated),
    minorGCs: scavenges,
    majorGCs: fulls,
    gcPauseShare: `${(((pause * 1000) / wall) * 100).toFixed(1)}%`,
  }),
);
nl.close();
