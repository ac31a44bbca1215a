// Bridge fdb entries decoded from kernel replies recorded in a throw-away namespace (the `fdb`
// scenario of scripts/record-replies.ts: a vxlan device's remotes and a bridge port's entries),
// pinned as exact typed objects; the neighbour decoder refuses them and the get of a missing
// entry is the kernel's ENOENT.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DecodeError,
  decodeError,
  decodeFdb,
  decodeNeighbour,
  type FdbEntry,
  isFdbMessage,
  NLMSG_DONE,
  NLMSG_ERROR,
} from '../../src/codec/index.ts';
import { findStep, loadScenario, stepMessages } from './fixtures.ts';

const sc = loadScenario('fdb');
const ix = (name: string) => sc.ifindex[name] as number;

/** The entries of a recorded dump, cache ages left out (they are whatever the clock said). */
function entries(prefix: string): FdbEntry[] {
  const msgs = stepMessages(findStep(sc, prefix));
  assert.equal(msgs.at(-1)?.type, NLMSG_DONE);
  return msgs.slice(0, -1).map((m) => {
    assert.ok(isFdbMessage(m));
    const e = decodeFdb(m);
    assert.ok(e.cacheInfo === undefined || e.cacheInfo.used >= 0, 'cache ages in seconds');
    return { ...e, cacheInfo: undefined };
  });
}

const entry = (over: Partial<FdbEntry>): FdbEntry => ({
  index: ix('vx0'),
  lladdr: undefined,
  dst: undefined,
  vlan: undefined,
  port: undefined,
  vni: undefined,
  srcVni: undefined,
  via: undefined,
  nhId: undefined,
  master: undefined,
  linkNetnsId: undefined,
  state: 'permanent',
  stateBits: 0xc0,
  flags: ['self'],
  flagBits: 2,
  extFlagBits: undefined,
  cacheInfo: undefined,
  ...over,
});

test('every add was acknowledged', () => {
  for (const s of sc.steps.filter((x) => x.request.startsWith('append') || x.request.startsWith('add'))) {
    const [ack] = stepMessages(s);
    assert.equal(ack?.type, NLMSG_ERROR, s.request);
    assert.equal(decodeError(ack as NonNullable<typeof ack>).errno, 0, s.request);
  }
});

test("a vxlan device's dump: each remote of a MAC is an entry of its own, with port, vni and via", () => {
  const zero = '00:00:00:00:00:00';
  assert.deepEqual(entries('encodeGetFdbs({ index: vx0 })'), [
    entry({ lladdr: '02:00:00:00:00:0a', dst: '10.0.0.4', port: 8472, vni: 100, via: ix('v0') }),
    entry({ lladdr: zero, dst: '10.0.0.2' }),
    entry({ lladdr: zero, dst: '10.0.0.3' }),
  ]);
});

test("a bridge's dump: the port's static and local entries (NDA_MASTER), then the devices' own addresses", () => {
  const all = entries('encodeGetFdbs({ master: b0 })');
  const [stat, local, ...own] = all;
  const port = { index: ix('v1'), master: ix('b0'), flags: [], flagBits: 0, extFlagBits: 0 };
  assert.deepEqual(stat, entry({ ...port, lladdr: '02:00:00:00:01:01', state: 'static', stateBits: 0x40 }));
  assert.deepEqual(local, entry({ ...port, lladdr: local?.lladdr, state: 'permanent', stateBits: 0x80 }));
  assert.match(local?.lladdr ?? '', /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/, "the port's own MAC");
  assert.deepEqual(
    own.map((e) => [e.index, e.lladdr?.slice(0, 8), e.state, e.flags, e.master]),
    [
      [ix('v1'), '33:33:00', 'permanent', ['self'], undefined],
      [ix('v1'), '01:00:5e', 'permanent', ['self'], undefined],
      [ix('v1'), '33:33:ff', 'permanent', ['self'], undefined],
      [ix('b0'), '33:33:00', 'permanent', ['self'], undefined],
      [ix('b0'), '01:00:5e', 'permanent', ['self'], undefined],
      [ix('b0'), '33:33:00', 'permanent', ['self'], undefined],
      [ix('b0'), '01:00:5e', 'permanent', ['self'], undefined],
      [ix('b0'), '33:33:ff', 'permanent', ['self'], undefined],
    ],
  );
  for (const m of stepMessages(findStep(sc, 'encodeGetFdbs({ master: b0 })')).slice(0, -1)) {
    assert.throws(() => decodeNeighbour(m), DecodeError, 'fdb entries are not IPv4 / IPv6 neighbours');
  }
});

test('a get reply is the dump entry; a missing entry is ENOENT with the kernel message', () => {
  const [reply] = stepMessages(findStep(sc, 'encodeGetFdb({ lladdr: 02:00:00:00:00:0a'));
  assert.ok(reply);
  assert.deepEqual(
    { ...decodeFdb(reply), cacheInfo: undefined },
    entries('encodeGetFdbs({ index: vx0 })').find((e) => e.lladdr === '02:00:00:00:00:0a'),
  );
  const [error] = stepMessages(findStep(sc, 'encodeGetFdb({ lladdr: 02:00:00:00:01:09'));
  assert.equal(error?.type, NLMSG_ERROR);
  const decoded = decodeError(error as NonNullable<typeof error>);
  assert.equal(decoded.errno, 2);
  assert.equal(decoded.extAck?.message, 'Fdb entry not found');
});
