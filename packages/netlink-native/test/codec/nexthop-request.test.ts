// RTM_NEWNEXTHOP / RTM_DELNEXTHOP requests: each shape read back by decodeNexthop (a request is
// laid out as the kernel's own messages), group weights above 256 in weight_high, resilient timers
// in clock_t, and every mix the kernel would refuse refused here first with a TypeError. The exact
// bytes of each shape are pinned by the nexthop-add-* golden vectors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AF_INET6,
  decodeNexthop,
  encodeDelNexthop,
  encodeNewNexthop,
  NEXTHOP_GRP_TYPE_MPATH,
  NEXTHOP_GRP_TYPE_RES,
  type NexthopSpec,
  NHA_GATEWAY,
  NLM_F_ACK,
  NLM_F_CREATE,
  NLM_F_ECHO,
  NLM_F_EXCL,
  NLM_F_REPLACE,
  NLM_F_REQUEST,
  RTM_DELNEXTHOP,
  RTM_NEWNEXTHOP,
  RTNH_F_ONLINK,
} from '../../src/codec/index.ts';
import type { NexthopObject } from '../../src/types.ts';
import { one } from './fixtures.ts';

const object = (over: Partial<NexthopObject> & { id: number }): NexthopObject => ({
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

test('each nexthop shape decodes back to the object it asks for', () => {
  const cases: [NexthopSpec, NexthopObject][] = [
    [
      { id: 10, gateway: '10.0.0.2', oif: 3, flags: RTNH_F_ONLINK, protocol: 4 },
      object({ id: 10, gateway: '10.0.0.2', oif: 3, flags: RTNH_F_ONLINK, protocol: 4 }),
    ],
    [
      { id: 11, gateway: '2001:db8::2', oif: 3 },
      object({ id: 11, family: 6, gateway: '2001:db8::2', oif: 3 }),
    ],
    [{ id: 12, oif: 7 }, object({ id: 12, oif: 7 })],
    [{ id: 13, blackhole: true, family: 6 }, object({ id: 13, family: 6, blackhole: true })],
    [{ id: 14, gateway: '10.0.0.5', fdb: true }, object({ id: 14, gateway: '10.0.0.5', fdb: true })],
    [
      { id: 20, group: [{ id: 10 }, { id: 11, weight: 300 }], groupType: NEXTHOP_GRP_TYPE_MPATH },
      object({
        id: 20,
        family: undefined,
        group: [
          { id: 10, weight: 1 },
          { id: 11, weight: 300 },
        ],
        groupType: NEXTHOP_GRP_TYPE_MPATH,
      }),
    ],
    [
      {
        id: 21,
        group: [{ id: 10, weight: 65535 }],
        groupType: NEXTHOP_GRP_TYPE_RES,
        resilient: { buckets: 64, idleTimer: 1.5, unbalancedTimer: 0 },
      },
      object({
        id: 21,
        family: undefined,
        group: [{ id: 10, weight: 65535 }],
        groupType: NEXTHOP_GRP_TYPE_RES,
        resilient: { buckets: 64, idleTimer: 1.5, unbalancedTimer: 0, unbalancedTime: undefined },
      }),
    ],
  ];
  for (const [spec, expected] of cases) {
    assert.deepEqual(decodeNexthop(one(encodeNewNexthop(spec))), expected, `id ${spec.id}`);
  }
});

test('add is CREATE|EXCL, replace CREATE|REPLACE, delete a bare nhmsg with NHA_ID', () => {
  const add = one(encodeNewNexthop({ id: 1, blackhole: true }));
  assert.deepEqual(
    [add.type, add.flags],
    [RTM_NEWNEXTHOP, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL],
  );
  const replace = one(encodeNewNexthop({ id: 1, blackhole: true }, 'replace'));
  assert.equal(replace.flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE);
  const del = one(encodeDelNexthop(4000000000));
  assert.deepEqual([del.type, del.flags], [RTM_DELNEXTHOP, NLM_F_REQUEST | NLM_F_ACK]);
  assert.equal(decodeNexthop(del).id, 4000000000);
  const v6 = one(encodeNewNexthop({ id: 2, gateway: 'fe80::1', oif: 2 }));
  assert.equal(v6.payload[0], AF_INET6, 'the gateway gives the family');
});

test('an add without an id leaves NHA_ID out, and asks for the echo only when told', () => {
  const echoed = one(encodeNewNexthop({ gateway: '10.0.0.2', oif: 3 }, 'add', true));
  assert.equal(echoed.flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ECHO);
  // nhmsg, NHA_GATEWAY, NHA_OIF: no NHA_ID
  assert.equal(echoed.payload.readUInt16LE(10), NHA_GATEWAY, 'NHA_GATEWAY right after the nhmsg');
  assert.equal(echoed.payload.length, 8 + 8 + 8);
  const plain = one(encodeNewNexthop({ gateway: '10.0.0.2', oif: 3 }));
  assert.equal(plain.flags & NLM_F_ECHO, 0);
  const withId = one(encodeNewNexthop({ id: 9, blackhole: true }, 'add', true));
  assert.equal(decodeNexthop(withId).id, 9, 'echo with a given id keeps NHA_ID');
  assert.throws(() => encodeNewNexthop({ blackhole: true }, 'replace'), /replace needs the id/);
});

test('weights above 256 go in weight_high; timers are clock_t', () => {
  const msg = one(encodeNewNexthop({ id: 20, group: [{ id: 7, weight: 300 }] }));
  // nhmsg (8) + NHA_ID (8) + NHA_GROUP header (4): then id, weight - 1 = 299 = 0x012b
  assert.deepEqual([...msg.payload.subarray(20, 28)], [7, 0, 0, 0, 0x2b, 0x01, 0, 0]);
  const res = one(
    encodeNewNexthop({
      id: 21,
      group: [{ id: 7 }],
      groupType: NEXTHOP_GRP_TYPE_RES,
      resilient: { idleTimer: 2.5 },
    }),
  );
  // ... NHA_GROUP (12), then NHA_RES_GROUP | NLA_F_NESTED { NHA_RES_GROUP_IDLE_TIMER = 250 }
  assert.deepEqual([...res.payload.subarray(28, 40)], [12, 0, 12, 0x80, 8, 0, 2, 0, 250, 0, 0, 0]);
});

test('the mixes the kernel refuses are TypeErrors before anything is encoded', () => {
  const bad: [NexthopSpec, RegExp][] = [
    [{ id: 1 }, /needs a gateway, a device, blackhole or a group/],
    [{ id: 0, blackhole: true }, /id must be/],
    [{ id: 2 ** 32, blackhole: true }, /id must be/],
    [{ id: 1, blackhole: true, oif: 2 }, /blackhole nexthop takes no/],
    [{ id: 1, blackhole: true, fdb: true }, /blackhole nexthop takes no/],
    [{ id: 1, gateway: '10.0.0.1', oif: 2, fdb: true }, /fdb nexthop takes no device/],
    [{ id: 1, group: [{ id: 2 }], oif: 2 }, /group takes no gateway/],
    [{ id: 1, group: [{ id: 2 }], family: 4 }, /group has no family/],
    [{ id: 1, group: [] }, /non-empty/],
    [{ id: 1, group: [{ id: 0 }] }, /id must be/],
    [{ id: 1, group: [{ id: 2, weight: 65536 }] }, /weight must be 1..65535/],
    [{ id: 1, gateway: '10.0.0.1', groupType: 0 }, /need a group/],
    [{ id: 1, group: [{ id: 2 }], groupType: 2 }, /groupType must be/],
    [{ id: 1, group: [{ id: 2 }], resilient: { buckets: 8 } }, /need groupType NEXTHOP_GRP_TYPE_RES/],
    [{ id: 1, group: [{ id: 2 }], groupType: 1, resilient: { buckets: 65536 } }, /buckets/],
    [{ id: 1, group: [{ id: 2 }], groupType: 1, resilient: { idleTimer: -1 } }, /idleTimer/],
    [{ id: 1, gateway: '10.0.0.1', family: 6 }, /not IPv6/],
    [{ id: 1, gateway: 'gw', oif: 2 }, /not an IP address/],
    [{ id: 1, oif: 0 }, /oif must be an ifindex/],
    [{ id: 1, oif: 2, protocol: 256 }, /protocol/],
  ];
  for (const [spec, message] of bad) {
    assert.throws(
      () => encodeNewNexthop(spec),
      (e: unknown) => e instanceof TypeError && message.test(e.message),
    );
  }
  assert.throws(() => encodeDelNexthop(1.5), TypeError);
});
