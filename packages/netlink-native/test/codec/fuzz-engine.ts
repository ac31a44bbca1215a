// The decoder fuzzer shared by test/codec/decoder-fuzz.test.ts (a short run in CI) and
// scripts/fuzz.ts (the long run). It feeds arbitrary bytes and mutated valid messages (bit
// flips, truncation, corrupted length fields, splices) to parseMessages and every decoder; the
// only error allowed out of them is DecodeError. A seeded PRNG makes every run reproducible.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DecodeError,
  decodeAddress,
  decodeAddressAt,
  decodeDone,
  decodeError,
  decodeExtAck,
  decodeFdb,
  decodeLink,
  decodeLinkAt,
  decodeLinkPayload,
  decodeNeighbour,
  decodeNexthop,
  decodeNexthopBucket,
  decodeRoute,
  decodeRouteAt,
  decodeVethPeer,
  encodeDone,
  encodeError,
  encodeNewAddress,
  encodeNewLink,
  encodeNewRoute,
  listAttributes,
  type NetlinkMessage,
  NLM_F_ACK_TLVS,
  NLM_F_CAPPED,
  NLMSG_DONE,
  NLMSG_ERROR,
  parseAttributes,
  parseMessages,
  RTM_DELNEXTHOP,
  RTM_DELROUTE,
  RTM_NEWADDR,
  RTM_NEWLINK,
  RTM_NEWNEIGH,
  RTM_NEWNEXTHOP,
  RTM_NEWNEXTHOPBUCKET,
  RTM_NEWROUTE,
} from '../../src/codec/index.ts';
import { allReplyHex } from './fixtures.ts';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'golden');

/** Valid messages to mutate: golden requests, recorded kernel replies, and a few built here. */
export function buildCorpus(): Buffer[] {
  const out: Buffer[] = [];
  for (const f of readdirSync(GOLDEN)) {
    if (f.endsWith('.json'))
      out.push(Buffer.from(JSON.parse(readFileSync(join(GOLDEN, f), 'utf8')).hex, 'hex'));
  }
  for (const h of allReplyHex()) {
    const datagram = Buffer.from(h, 'hex');
    // whole datagrams, and each message alone (small inputs mutate into more interesting shapes)
    if (datagram.length <= 4096) out.push(datagram);
    let off = 0;
    let n = 0;
    while (off + 16 <= datagram.length && n < 8) {
      const len = datagram.readUInt32LE(off);
      out.push(Buffer.from(datagram.subarray(off, off + len)));
      off += (len + 3) & ~3;
      n++;
    }
  }
  const req = encodeNewAddress({ index: 3, address: '2001:db8::1', prefixLength: 64, label: undefined });
  out.push(
    encodeError({
      errno: 22,
      request: req,
      extAck: {
        message: 'bad attribute',
        offset: 24,
        cookie: Buffer.from([1, 2, 3]),
        policy: { type: 3, minValue: -5n, maxValue: 2n ** 40n, minLength: 1, maxLength: 16, mask: 0xffn },
        missingType: 7,
        missingNest: 16,
      },
    }),
    encodeError({ errno: 17, request: req, capped: true, extAck: { message: 'exists' } }),
    encodeDone({ errno: 4, extAck: { message: 'dump interrupted' } }),
    encodeNewLink({
      name: 'p0',
      kind: 'veth',
      mtu: 9000,
      mac: '02:00:00:00:00:01',
      peer: { name: 'p1', mtu: 9000 },
    }),
    encodeNewRoute({
      dst: '10.0.0.0',
      dstLength: 8,
      priority: 5,
      table: 1000,
      metrics: { mtu: 1400, ccAlgo: 'cubic' },
      nexthops: [
        { gateway: '10.1.1.1', oif: 2, weight: 3 },
        { gateway: '10.1.1.2', oif: 3 },
      ],
    }),
  );
  return out;
}

/** xorshift32: tiny, fast, deterministic. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  below(n: number): number {
    return n <= 0 ? 0 : this.next() % n;
  }
}

function randomBytes(rng: Rng, maxLen: number): Buffer {
  const b = Buffer.allocUnsafe(rng.below(maxLen + 1));
  for (let i = 0; i < b.length; i++) b[i] = rng.next() & 0xff;
  return b;
}

/** Offsets of attribute headers reachable from `start` (a guess at the structure, for targeted corruption). */
function attributeHeaders(b: Buffer, start: number): number[] {
  const out: number[] = [];
  let off = start;
  while (off + 4 <= b.length && out.length < 64) {
    out.push(off);
    const len = b.readUInt16LE(off);
    if (len < 4) break;
    off += (len + 3) & ~3;
  }
  return out;
}

const INTERESTING_U16 = [0, 1, 3, 4, 5, 7, 8, 15, 16, 17, 0x7fff, 0x8000, 0xfffc, 0xffff];
const INTERESTING_U32 = [0, 1, 15, 16, 17, 19, 20, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff];

function mutate(rng: Rng, input: Buffer, corpus: Buffer[]): Buffer {
  let b = Buffer.from(input);
  const rounds = 1 + rng.below(4);
  for (let r = 0; r < rounds; r++) {
    switch (rng.below(9)) {
      case 0: // bit flips
        if (b.length > 0) {
          const flips = 1 + rng.below(4);
          for (let i = 0; i < flips; i++) {
            const at = rng.below(b.length);
            b[at] = (b[at] as number) ^ (1 << rng.below(8));
          }
        }
        break;
      case 1: // random byte
        if (b.length > 0) b[rng.below(b.length)] = rng.next() & 0xff;
        break;
      case 2: // truncate
        b = b.subarray(0, rng.below(b.length + 1));
        break;
      case 3: // extend with junk
        b = Buffer.concat([b, randomBytes(rng, 32)]);
        break;
      case 4: // corrupt nlmsg_len
        if (b.length >= 4) b.writeUInt32LE(INTERESTING_U32[rng.below(INTERESTING_U32.length)] as number, 0);
        break;
      case 5: {
        // corrupt an attribute length (after any fixed header size that rtnetlink uses)
        const hdr = [16, 20, 24, 28, 32, 36][rng.below(6)] as number;
        const heads = attributeHeaders(b, hdr);
        if (heads.length > 0) {
          const at = heads[rng.below(heads.length)] as number;
          const cur = b.readUInt16LE(at);
          const choice = rng.below(3);
          const v =
            choice === 0
              ? (INTERESTING_U16[rng.below(INTERESTING_U16.length)] as number)
              : choice === 1
                ? (cur + 1 + rng.below(8)) & 0xffff
                : Math.max(0, cur - 1 - rng.below(8));
          b.writeUInt16LE(v, at);
        }
        break;
      }
      case 6: // corrupt an attribute type (reach other decoder branches)
        {
          const heads = attributeHeaders(b, [16, 20, 24, 28, 32][rng.below(5)] as number);
          if (heads.length > 0)
            b.writeUInt16LE(
              rng.below(64) | (rng.below(4) << 14),
              (heads[rng.below(heads.length)] as number) + 2,
            );
        }
        break;
      case 7: {
        // splice with another corpus item
        const other = corpus[rng.below(corpus.length)] as Buffer;
        const cut = rng.below(b.length + 1);
        b = Buffer.concat([b.subarray(0, cut), other.subarray(rng.below(other.length + 1))]);
        break;
      }
      default: // random u32 somewhere 4-aligned (type, flags, index, family fields)
        if (b.length >= 4) b.writeUInt32LE(rng.next(), rng.below(b.length >>> 2) << 2);
    }
  }
  return b;
}

const ALLOWED = (e: unknown): boolean => e instanceof DecodeError;

function attempt(fn: () => unknown): number {
  try {
    fn();
    return 0;
  } catch (e) {
    if (ALLOWED(e)) return 1;
    throw e;
  }
}

/**
 * Runs every decoder (plus `extra` ones, for testing the harness itself) over one input; returns
 * how many of them threw DecodeError. Rethrows anything else.
 */
export function fuzzOne(input: Buffer, extra: readonly ((m: NetlinkMessage) => unknown)[] = []): number {
  let rejected = 0;
  let msgs: NetlinkMessage[] = [];
  try {
    msgs = parseMessages(input);
  } catch (e) {
    if (!ALLOWED(e)) throw e;
    rejected++;
  }
  // Decoders also see the raw bytes as a payload, so they are exercised even when framing fails.
  msgs.push({ type: 0, flags: 0, seq: 0, pid: 0, payload: input });
  for (const m of msgs) {
    const p = m.payload;
    rejected += attempt(() => decodeLink({ ...m, type: RTM_NEWLINK }));
    rejected += attempt(() => decodeAddress({ ...m, type: RTM_NEWADDR }));
    rejected += attempt(() =>
      decodeRoute({ ...m, type: m.type === RTM_DELROUTE ? RTM_DELROUTE : RTM_NEWROUTE }),
    );
    rejected += attempt(() =>
      decodeNexthop({ ...m, type: m.type === RTM_DELNEXTHOP ? RTM_DELNEXTHOP : RTM_NEWNEXTHOP }),
    );
    rejected += attempt(() => decodeNeighbour({ ...m, type: RTM_NEWNEIGH }));
    rejected += attempt(() => decodeFdb({ ...m, type: RTM_NEWNEIGH }));
    rejected += attempt(() => decodeNexthopBucket({ ...m, type: RTM_NEWNEXTHOPBUCKET }));
    rejected += attempt(() => decodeError({ ...m, type: NLMSG_ERROR }));
    rejected += attempt(() =>
      decodeError({ ...m, type: NLMSG_ERROR, flags: m.flags ^ (NLM_F_CAPPED | NLM_F_ACK_TLVS) }),
    );
    rejected += attempt(() => decodeDone({ ...m, type: NLMSG_DONE, flags: m.flags | NLM_F_ACK_TLVS }));
    rejected += attempt(() => decodeVethPeer(p));
    rejected += attempt(() => decodeLinkPayload(p, 0, p.length));
    rejected += attempt(() => parseAttributes(p, Math.min(4, p.length)));
    rejected += attempt(() => listAttributes(p, Math.min(16, p.length)));
    rejected += attempt(() => decodeExtAck(p, Math.min(4, p.length), p.length));
    // also the real type, so type checks themselves are fuzzed
    rejected += attempt(() => decodeLink(m));
    rejected += attempt(() => decodeRoute(m));
    rejected += attempt(() => decodeNexthop(m));
    rejected += attempt(() => decodeNexthopBucket(m));
    rejected += attempt(() => decodeNeighbour(m));
    rejected += attempt(() => decodeFdb(m));
    for (const fn of extra) rejected += attempt(() => fn(m));
  }
  // the range decoders straight over the raw input, with and without a header's worth skipped
  const skip = Math.min(16, input.length);
  rejected += attempt(() => decodeRouteAt(input, skip, input.length));
  rejected += attempt(() => decodeAddressAt(input, skip, input.length));
  rejected += attempt(() => decodeLinkAt(input, 0, input.length));
  rejected += attempt(() => decodeRouteAt(input, input.length, input.length + 1));
  return rejected;
}

export interface FuzzResult {
  inputs: number;
  /** Decoder calls that rejected their input with DecodeError (the expected outcome for bad bytes). */
  rejections: number;
  seconds: number;
}

/** Thrown when a decoder failed with anything but DecodeError; carries the input to reproduce. */
export class FuzzFailure extends Error {
  readonly input: Buffer;
  readonly iteration: number;
  constructor(cause: unknown, input: Buffer, iteration: number) {
    super(
      `decoder threw ${(cause as Error)?.name ?? typeof cause} on input #${iteration} (${input.toString('hex')}): ${String(cause)}`,
      { cause },
    );
    this.input = input;
    this.iteration = iteration;
  }
}

export function runFuzz(
  runs: number,
  seed: number,
  onProgress?: (done: number, elapsedSeconds: number) => void,
  progressEvery = 1_000_000,
): FuzzResult {
  const corpus = buildCorpus();
  const rng = new Rng(seed);
  // Capturing a stack for each of the millions of expected DecodeErrors costs ~4x the run time;
  // a failure reports the input (hex) and iteration instead.
  const stackLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return loop(runs, rng, corpus, onProgress, progressEvery);
  } finally {
    Error.stackTraceLimit = stackLimit;
  }
}

function loop(
  runs: number,
  rng: Rng,
  corpus: Buffer[],
  onProgress: ((done: number, elapsedSeconds: number) => void) | undefined,
  progressEvery: number,
): FuzzResult {
  const t0 = process.hrtime.bigint();
  let rejections = 0;
  for (let i = 0; i < runs; i++) {
    const input =
      rng.below(4) === 0
        ? randomBytes(rng, 256)
        : mutate(rng, corpus[rng.below(corpus.length)] as Buffer, corpus);
    try {
      rejections += fuzzOne(input);
    } catch (e) {
      throw new FuzzFailure(e, input, i);
    }
    if (onProgress && (i + 1) % progressEvery === 0)
      onProgress(i + 1, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { inputs: runs, rejections, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}
