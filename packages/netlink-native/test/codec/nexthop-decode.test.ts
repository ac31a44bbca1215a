// Nexthop objects decoded from kernel replies recorded in a throw-away namespace (the `nexthops`
// scenario of scripts/record-replies.ts, nexthop_compat_mode 0), pinned as exact typed objects and
// cross-checked against `ip -j nexthop show` of the same namespace; malformed nexthop messages
// are DecodeErrors naming what was wrong.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AttrWriter,
  DecodeError,
  decodeError,
  decodeNexthop,
  decodeRoute,
  NEXTHOP_GRP_TYPE_MPATH,
  NEXTHOP_GRP_TYPE_RES,
  NHA_GATEWAY,
  NHA_GROUP,
  NHA_ID,
  NHA_RES_GROUP,
  NHA_RES_GROUP_BUCKETS,
  NLMSG_DONE,
  parseMessages,
  RT_SCOPE_HOST,
  RT_SCOPE_LINK,
  RTM_NEWNEXTHOP,
  RTM_NEWROUTE,
  RTN_BLACKHOLE,
  RTNH_F_ONLINK,
} from '../../src/codec/index.ts';
import type { NexthopObject } from '../../src/types.ts';
import { findStep, loadScenario, stepMessages } from './fixtures.ts';

const sc = loadScenario('nexthops');
const V0 = sc.ifindex.v0;

const nexthop = (over: Partial<NexthopObject> & { id: number }): NexthopObject => ({
  family: 4,
  scope: 0,
  protocol: 0,
  flags: 0,
  oif: undefined,
  gateway: undefined,
  blackhole: false,
  fdb: false,
  group: undefined,
  groupType: undefined,
  resilient: undefined,
  encapType: undefined,
  encap: undefined,
  hwStats: undefined,
  ...over,
});

const EVERY_NEXTHOP: NexthopObject[] = [
  nexthop({ id: 10, scope: RT_SCOPE_LINK, oif: V0, gateway: '172.30.250.1' }),
  nexthop({ id: 11, scope: RT_SCOPE_LINK, oif: V0, gateway: '172.30.250.2', flags: RTNH_F_ONLINK }),
  // `ip nexthop add id 12 blackhole` without -6 is an IPv4 blackhole
  nexthop({ id: 12, blackhole: true }),
  nexthop({ id: 13, family: 6, scope: RT_SCOPE_LINK, oif: V0, gateway: '2001:db8:1::1' }),
  nexthop({ id: 14, scope: RT_SCOPE_HOST, oif: V0 }),
  nexthop({
    id: 20,
    family: undefined,
    group: [
      { id: 10, weight: 1 },
      { id: 11, weight: 3 },
    ],
    groupType: NEXTHOP_GRP_TYPE_MPATH,
  }),
  nexthop({
    id: 21,
    family: undefined,
    group: [
      { id: 10, weight: 1 },
      { id: 11, weight: 1 },
    ],
    groupType: NEXTHOP_GRP_TYPE_RES,
    resilient: { buckets: 8, idleTimer: 60, unbalancedTimer: 30, unbalancedTime: 0 },
  }),
  // an fdb nexthop has a gateway but no device
  nexthop({ id: 30, scope: RT_SCOPE_LINK, gateway: '172.30.250.3', fdb: true }),
  nexthop({ id: 31, family: undefined, fdb: true, group: [{ id: 30, weight: 1 }], groupType: 0 }),
];

function dumped(prefix: string): NexthopObject[] {
  const msgs = stepMessages(findStep(sc, prefix));
  assert.equal(msgs.at(-1)?.type, NLMSG_DONE, 'a dump ends with NLMSG_DONE');
  return msgs.filter((m) => m.type === RTM_NEWNEXTHOP).map(decodeNexthop);
}

test('a nexthop dump decodes every kind of nexthop object exactly', () => {
  assert.deepEqual(dumped('encodeGetNexthops()'), EVERY_NEXTHOP);
});

test('a groups-only dump holds the groups and nothing else', () => {
  assert.deepEqual(
    dumped('encodeGetNexthops({ groups: true })'),
    EVERY_NEXTHOP.filter((n) => n.group !== undefined),
  );
});

test('a nexthop get answers with that one object, resilient timers in seconds', () => {
  const msgs = stepMessages(findStep(sc, 'encodeGetNexthop(21)'));
  assert.equal(msgs.length, 1);
  assert.deepEqual(decodeNexthop(msgs[0] as never), EVERY_NEXTHOP[6]);
});

test('a get of a missing id is answered with ENOENT', () => {
  const msgs = stepMessages(findStep(sc, 'encodeGetNexthop(99)'));
  assert.equal(decodeError(msgs[0] as never).errno, 2);
});

test('with nexthop_compat_mode 0 a route through a nexthop object carries only its nhId', () => {
  const routes = stepMessages(findStep(sc, 'encodeGetRoutes'))
    .filter((m) => m.type === RTM_NEWROUTE)
    .map(decodeRoute);
  const byDst = new Map(routes.map((r) => [r.dst ?? 'default', r]));
  const viaGroup = byDst.get('default');
  assert.equal(viaGroup?.nhId, 20);
  assert.equal(viaGroup?.oif, undefined, 'no RTA_OIF');
  assert.equal(viaGroup?.gateway, undefined, 'no RTA_GATEWAY');
  assert.equal(viaGroup?.nexthops, undefined, 'no RTA_MULTIPATH');
  const blackhole = byDst.get('10.9.0.0');
  assert.equal(blackhole?.nhId, 12);
  assert.equal(
    blackhole?.type,
    RTN_BLACKHOLE,
    'the kernel gives a route through a blackhole nexthop its type',
  );
});

interface IpNexthop {
  id: number;
  gateway?: string;
  dev?: string;
  scope?: string;
  flags: string[];
  blackhole?: null;
  fdb?: null;
  group?: { id: number; weight?: number }[];
  type?: string;
  resilient_args?: { buckets: number; idle_timer: number; unbalanced_timer: number };
}

test('decoded nexthops agree with `ip -j nexthop show` of the same namespace', () => {
  const ours = dumped('encodeGetNexthops()');
  const theirs = sc.ipJson['ip -j nexthop show'] as IpNexthop[];
  assert.deepEqual(
    ours.map((n) => n.id),
    theirs.map((n) => n.id),
  );
  for (const [i, t] of theirs.entries()) {
    const n = ours[i] as NexthopObject;
    assert.equal(n.gateway, t.gateway, `nexthop ${t.id} gateway`);
    assert.equal(n.oif === undefined, t.dev === undefined, `nexthop ${t.id} has a device`);
    assert.equal(n.blackhole, 'blackhole' in t, `nexthop ${t.id} blackhole`);
    assert.equal(n.fdb, 'fdb' in t, `nexthop ${t.id} fdb`);
    assert.equal((n.flags & RTNH_F_ONLINK) !== 0, t.flags.includes('onlink'), `nexthop ${t.id} onlink`);
    assert.deepEqual(
      n.group?.map((m) => [m.id, m.weight]),
      t.group?.map((m) => [m.id, m.weight ?? 1]),
      `nexthop ${t.id} group`,
    );
    assert.equal(n.groupType === NEXTHOP_GRP_TYPE_RES, t.type === 'resilient', `nexthop ${t.id} type`);
    if (t.resilient_args) {
      assert.equal(n.resilient?.buckets, t.resilient_args.buckets);
      assert.equal(n.resilient?.idleTimer, t.resilient_args.idle_timer);
      assert.equal(n.resilient?.unbalancedTimer, t.resilient_args.unbalanced_timer);
    }
  }
});

/** The payload of a hand-built RTM_NEWNEXTHOP: nhmsg of `family`, then whatever `attrs` writes. */
function payload(family: number, attrs: (w: AttrWriter) => void): Buffer {
  const w = new AttrWriter(128);
  w.begin(RTM_NEWNEXTHOP, 0);
  w.buf[w.zeros(8)] = family;
  attrs(w);
  return parseMessages(w.finish())[0]?.payload as Buffer;
}
const decodePayload = (p: Buffer) =>
  decodeNexthop({ type: RTM_NEWNEXTHOP, flags: 0, seq: 0, pid: 0, payload: p });

test('a group weight above 256 is read with its high byte (weight_high, kernels >= 6.12)', () => {
  const member = Buffer.alloc(8);
  member.writeUInt32LE(10, 0);
  member.writeUInt16LE(299, 4); // weight 300 on the wire as 299: weight 0x2b, weight_high 0x01
  const nh = decodePayload(
    payload(0, (w) => {
      w.u32(NHA_ID, 7);
      w.bytes(NHA_GROUP, member);
    }),
  );
  assert.deepEqual(nh.group, [{ id: 10, weight: 300 }]);
});

test('malformed nexthop messages are DecodeErrors naming the problem', () => {
  const cases: [string, Buffer, RegExp][] = [
    ['a short nhmsg', Buffer.alloc(6), /nhmsg needs 8 bytes/],
    ['no NHA_ID', payload(2, (w) => w.ip(NHA_GATEWAY, '10.0.0.1')), /without an NHA_ID/],
    [
      'a group of 12 bytes',
      payload(0, (w) => {
        w.u32(NHA_ID, 1);
        w.bytes(NHA_GROUP, new Uint8Array(12));
      }),
      /NHA_GROUP of 12 bytes/,
    ],
    [
      'an IPv6 gateway in an IPv4 nexthop',
      payload(2, (w) => {
        w.u32(NHA_ID, 1);
        w.ip(NHA_GATEWAY, '2001:db8::1');
      }),
      /NHA_GATEWAY of 16 bytes in a IPv4 nexthop/,
    ],
    ['an unknown family', payload(7, (w) => w.u32(NHA_ID, 1)), /family 7/],
    [
      'a resilient nest with a 1-byte bucket count',
      payload(0, (w) => {
        w.u32(NHA_ID, 1);
        const at = w.nestStart(NHA_RES_GROUP);
        w.u8(NHA_RES_GROUP_BUCKETS, 8);
        w.nestEnd(at);
      }),
      /u16 attribute of 1 bytes/,
    ],
    ['an attribute running past the end', Buffer.from('0000000000000000ff000100', 'hex'), /exceeds/],
  ];
  for (const [what, bytes, reason] of cases) {
    assert.throws(
      () => decodePayload(bytes),
      (e: unknown) => e instanceof DecodeError && reason.test(e.reason),
      what,
    );
  }
  assert.throws(
    () => decodeNexthop({ type: RTM_NEWROUTE, flags: 0, seq: 0, pid: 0, payload: Buffer.alloc(8) }),
    /not a nexthop message/,
  );
});
