// Neighbour entries decoded from kernel replies recorded in a throw-away namespace (the
// `neighbours` scenario of scripts/record-replies.ts), pinned as exact typed objects and
// cross-checked against `ip -j neigh show` of the same namespace; malformed neighbour messages are
// DecodeErrors naming what was wrong.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AF_BRIDGE,
  AttrWriter,
  DecodeError,
  decodeError,
  decodeNeighbour,
  NDA_DST,
  NDA_LLADDR,
  NDMSG_LEN,
  NLMSG_DONE,
  NLMSG_ERROR,
  parseMessages,
  RTM_NEWADDR,
  RTM_NEWNEIGH,
} from '../../src/codec/index.ts';
import type { Neighbour } from '../../src/types.ts';
import { findStep, loadScenario, stepMessages } from './fixtures.ts';

const sc = loadScenario('neighbours');
const V0 = sc.ifindex.v0 as number;
const V1 = sc.ifindex.v1 as number;

/** The entries of a recorded step, cache ages left out (they are whatever the clock said). */
function entries(prefix: string): Neighbour[] {
  const msgs = stepMessages(findStep(sc, prefix));
  assert.equal(msgs.at(-1)?.type, NLMSG_DONE);
  return msgs.slice(0, -1).map((m) => {
    const n = decodeNeighbour(m);
    assert.ok(n.cacheInfo === undefined || n.cacheInfo.confirmed >= 0, 'cache ages in seconds');
    return { ...n, cacheInfo: undefined };
  });
}

const entry = (over: Partial<Neighbour> & Pick<Neighbour, 'address'>): Neighbour => ({
  family: 4,
  index: V0,
  lladdr: undefined,
  state: 'permanent',
  stateBits: 0x80,
  flags: [],
  flagBits: 0,
  extFlagBits: undefined,
  type: 1,
  probes: 0,
  protocol: undefined,
  vlan: undefined,
  master: undefined,
  linkNetnsId: undefined,
  cacheInfo: undefined,
  ...over,
});

/** The kernel adds IPv6 multicast (ff02::) entries of its own while the scenario runs. */
const notMulticast = (n: { address?: string; dst?: string }) =>
  !(n.address ?? n.dst ?? '').startsWith('ff02:');

test('a neighbour dump decodes every state, flag and protocol `ip neigh add` set', () => {
  const got = entries('encodeGetNeighbours()').filter(notMulticast);
  assert.deepEqual(got, [
    entry({ address: '10.0.0.3', lladdr: '02:00:00:00:00:03', state: 'stale', stateBits: 0x04 }),
    entry({ address: '10.0.0.4', lladdr: '02:00:00:00:00:04', state: 'noarp', stateBits: 0x40 }),
    entry({
      address: '10.0.0.10',
      state: 'incomplete',
      stateBits: 0x01,
      flags: ['managed'],
      extFlagBits: 1,
      probes: 4, // an unresolved entry counts its probes
    }),
    entry({ address: '10.0.0.2', lladdr: '02:00:00:00:00:02' }),
    entry({
      address: '10.0.0.7',
      lladdr: '02:00:00:00:00:07',
      flags: ['extern_learn'],
      flagBits: 0x10,
      protocol: 42,
    }),
    entry({
      address: '10.0.1.2',
      index: V1,
      lladdr: '02:00:00:00:01:02',
      state: 'reachable',
      stateBits: 0x02,
    }),
    entry({
      address: '2001:db8::2',
      family: 6,
      lladdr: '02:00:00:00:00:12',
      flags: ['router'],
      flagBits: 0x80,
    }),
  ]);
  const multicast = entries('encodeGetNeighbours()').filter((n) => !notMulticast(n));
  assert.ok(multicast.length > 0);
  assert.ok(
    multicast.every((n) => n.family === 6 && n.state === 'noarp' && n.type === 5 /* RTN_MULTICAST */),
  );
});

test('the recorded dump is what `ip -j neigh show nud all` printed of the same namespace', () => {
  const names: Record<number, string> = { [V0]: 'v0', [V1]: 'v1' };
  const ours = entries('encodeGetNeighbours()')
    .filter(notMulticast)
    .map((n) => {
      const o: Record<string, unknown> = { dst: n.address, dev: names[n.index] };
      if (n.lladdr !== undefined) o.lladdr = n.lladdr;
      for (const f of n.flags) o[f] = null;
      o.state = [n.state?.toUpperCase()];
      return o;
    });
  const theirs = (sc.ipJson['ip -j neigh show nud all'] as Record<string, unknown>[])
    .filter(notMulticast)
    .map(({ protocol: _, ...n }) => n);
  assert.deepEqual(ours, theirs);
});

test('a dump filtered by NDA_IFINDEX holds only that link', () => {
  const got = entries('encodeGetNeighbours({ index: v1 })');
  assert.ok(got.length >= 2);
  assert.ok(got.every((n) => n.index === V1));
});

test('a proxy dump decodes proxy entries: NTF_PROXY, NUD_NONE, no lladdr or cache info', () => {
  const msgs = stepMessages(findStep(sc, 'encodeGetNeighbours({ proxy: true })')).slice(0, -1);
  const proxy = (address: string, family: 4 | 6): Neighbour =>
    entry({ address, family, state: 'none', stateBits: 0, flags: ['proxy'], flagBits: 8, probes: undefined });
  assert.deepEqual(msgs.map(decodeNeighbour), [proxy('10.0.0.5', 4), proxy('2001:db8::5', 6)]);
  const ip = sc.ipJson['ip -j neigh show proxy'] as { dst: string }[];
  assert.deepEqual(
    ip.map((n) => n.dst),
    ['10.0.0.5', '2001:db8::5'],
  );
});

test('a get reply is the dump entry; a missing entry is ENOENT with the kernel message', () => {
  const [reply] = stepMessages(findStep(sc, 'encodeGetNeighbour({ index: v0, address: 2001:db8::2 })'));
  assert.ok(reply);
  assert.deepEqual(
    { ...decodeNeighbour(reply), cacheInfo: undefined },
    entries('encodeGetNeighbours()').find((n) => n.address === '2001:db8::2'),
  );
  const [error] = stepMessages(findStep(sc, 'encodeGetNeighbour({ index: v0, address: 10.0.0.99 })'));
  assert.equal(error?.type, NLMSG_ERROR);
  const decoded = decodeError(error as NonNullable<typeof error>);
  assert.equal(decoded.errno, 2);
  assert.equal(decoded.extAck?.message, 'Neighbour entry not found');
});

function message(family: number, build: (w: AttrWriter) => void, type = RTM_NEWNEIGH): Buffer {
  const w = new AttrWriter();
  w.begin(type, 0);
  const at = w.zeros(NDMSG_LEN);
  w.buf[at] = family;
  w.buf.writeInt32LE(3, at + 4);
  build(w);
  return w.finish();
}

const decode = (b: Buffer) =>
  decodeNeighbour(parseMessages(b)[0] as NonNullable<ReturnType<typeof parseMessages>[0]>);

test('malformed neighbour messages are DecodeErrors naming what was wrong', () => {
  const cases: [string, Buffer, RegExp][] = [
    ['no NDA_DST', message(2, (w) => w.bytes(NDA_LLADDR, new Uint8Array(6))), /without NDA_DST/],
    [
      'an IPv6 NDA_DST in an IPv4 entry',
      message(2, (w) => w.ip(NDA_DST, '2001:db8::1')),
      /NDA_DST of 16 bytes/,
    ],
    [
      'a bridge fdb entry',
      message(AF_BRIDGE, (w) => w.ip(NDA_DST, '10.0.0.1')),
      /neither AF_INET nor AF_INET6/,
    ],
    ['not a neighbour message', message(2, (w) => w.ip(NDA_DST, '10.0.0.1'), RTM_NEWADDR), /not a neighbour/],
    ['an attribute past the end', message(2, (w) => w.u32(NDA_DST, 0)).subarray(0, 34), /exceeds/],
  ];
  for (const [what, bytes, why] of cases) {
    if (what === 'an attribute past the end') bytes.writeUInt32LE(bytes.length, 0);
    assert.throws(
      () => decode(bytes),
      (e: unknown) => e instanceof DecodeError && why.test(e.message),
      what,
    );
  }
  const short = Buffer.alloc(16 + 8);
  short.writeUInt32LE(short.length, 0);
  short.writeUInt16LE(RTM_NEWNEIGH, 4);
  assert.throws(() => decode(short), /ndmsg needs 12 bytes, got 8/);
});
