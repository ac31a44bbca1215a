// Lightweight tunnel encapsulation (`encap ip` / `encap ip6`) on route and nexthop requests: each
// field read back by the decoders (a request is laid out as the kernel's own messages), the tunnel
// id as a 64-bit big-endian value, the flags as big-endian TUNNEL_* bits, unknown encap kinds kept
// raw, and specs the encoder cannot write refused with a TypeError. The exact bytes are pinned by
// the route-add-encap-* and nexthop-add-encap-ip golden vectors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeNexthop,
  decodeRoute,
  encodeNewNexthop,
  encodeNewRoute,
  RTA_ENCAP,
  RTA_ENCAP_TYPE,
} from '../../src/codec/index.ts';
import { decodeIpTunnelEncap, LWTUNNEL_ENCAP_IP, LWTUNNEL_ENCAP_IP6 } from '../../src/codec/lwtunnel.ts';
import type { IpTunnelEncap, IpTunnelEncapSpec } from '../../src/types.ts';
import { one } from './fixtures.ts';

test('an encap ip on a route decodes back to every field it was given', () => {
  const encap = {
    type: 'ip',
    id: 0x123456789an,
    dst: '10.0.0.2',
    src: '10.0.0.1',
    ttl: 64,
    tos: 0x10,
    key: true,
  } as const satisfies IpTunnelEncapSpec;
  const route = decodeRoute(one(encodeNewRoute({ dst: '10.9.0.0', dstLength: 24, oif: 4, encap })));
  assert.equal(route.encapType, LWTUNNEL_ENCAP_IP);
  // what was given, and the flags it left out (off)
  assert.deepEqual(route.ipEncap, { ...encap, csum: false, seq: false } satisfies IpTunnelEncap);
  assert.equal(route.oif, 4);
});

test('an encap ip6 on a nexthop object decodes back, with the largest tunnel id', () => {
  const nh = decodeNexthop(
    one(
      encodeNewNexthop({
        id: 50,
        oif: 4,
        encap: { type: 'ip6', id: 2n ** 64n - 1n, dst: '2001:db8::2', ttl: 7, csum: true, seq: true },
      }),
    ),
  );
  assert.equal(nh.encapType, LWTUNNEL_ENCAP_IP6);
  assert.deepEqual(nh.ipEncap, {
    type: 'ip6',
    id: 2n ** 64n - 1n,
    dst: '2001:db8::2',
    src: undefined,
    ttl: 7,
    tos: 0,
    key: false,
    csum: true,
    seq: true,
  } satisfies IpTunnelEncap);
});

test('the tunnel id is a big-endian u64 and the flags big-endian TUNNEL_* bits', () => {
  const msg = one(
    encodeNewRoute({ dst: '10.9.0.0', dstLength: 24, encap: { type: 'ip', id: 1, csum: true } }),
  );
  // rtmsg (12), RTA_DST (8), then RTA_ENCAP | NLA_F_NESTED { LWTUNNEL_IP_ID, LWTUNNEL_IP_FLAGS }
  const p = msg.payload;
  assert.equal(p.readUInt16LE(22), RTA_ENCAP | 0x8000);
  assert.deepEqual([...p.subarray(24, 36)], [12, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual([...p.subarray(36, 42)], [6, 0, 6, 0, 0, 1]);
  assert.equal(p.readUInt16LE(46), RTA_ENCAP_TYPE);
  assert.equal(p.readUInt16LE(48), LWTUNNEL_ENCAP_IP);
});

test('encap kinds other than ip and ip6 stay raw, and a short tunnel id is a DecodeError', () => {
  assert.equal(decodeIpTunnelEncap(Buffer.alloc(8), 0, 8, 1), undefined, 'mpls');
  const short = Buffer.from([8, 0, 1, 0, 0, 0, 0, 1]);
  assert.throws(() => decodeIpTunnelEncap(short, 0, 8, LWTUNNEL_ENCAP_IP), /LWTUNNEL_IP_ID of 4 bytes/);
});

test('encap specs the encoder cannot write are TypeErrors before anything is encoded', () => {
  const bad: [IpTunnelEncapSpec, RegExp][] = [
    [{ type: 'mpls' as 'ip' }, /encap.type must be 'ip' or 'ip6'/],
    [{ type: 'ip', dst: '2001:db8::2' }, /encap.dst of encap ip must be an IPv4 address/],
    [{ type: 'ip6', src: '10.0.0.1' }, /encap.src of encap ip6 must be an IPv6 address/],
    [{ type: 'ip', id: -1 }, /encap.id must be an integer 0..2\^64-1/],
    [{ type: 'ip', id: 2n ** 64n }, /encap.id/],
    [{ type: 'ip', id: 1.5 }, /encap.id/],
    [{ type: 'ip', ttl: 256 }, /encap.ttl must be 0..255/],
    [{ type: 'ip', tos: -1 }, /encap.tos must be 0..255/],
    [{ type: 'ip', key: 1 as unknown as boolean }, /encap.key must be a boolean/],
  ];
  for (const [encap, why] of bad) {
    assert.throws(() => encodeNewRoute({ dst: '10.9.0.0', dstLength: 24, encap }), TypeError);
    assert.throws(() => encodeNewRoute({ dst: '10.9.0.0', dstLength: 24, encap }), why);
  }
  assert.throws(
    () => encodeNewNexthop({ id: 1, blackhole: true, encap: { type: 'ip', dst: '10.0.0.2' } }),
    /an encap goes on a single nexthop with a device/,
  );
  assert.throws(
    () => encodeNewNexthop({ id: 1, group: [{ id: 2 }], encap: { type: 'ip', dst: '10.0.0.2' } }),
    /an encap goes on a single nexthop/,
  );
});

test('each path of a multipath route carries its own encap, read back per hop', () => {
  const route = decodeRoute(
    one(
      encodeNewRoute({
        dst: '10.9.0.0',
        dstLength: 24,
        nexthops: [
          { gateway: '10.0.0.2', oif: 3, encap: { type: 'ip', id: 1, dst: '10.0.0.5' } },
          { oif: 4, weight: 2 },
          { oif: 4, encap: { type: 'ip6', id: 9, dst: '2001:db8::9', csum: true } },
        ],
      }),
    ),
  );
  const hops = route.nexthops ?? [];
  assert.deepEqual(
    hops.map((h) => [
      h.gateway,
      h.oif,
      h.weight,
      h.encapType,
      h.ipEncap?.id,
      h.ipEncap?.dst,
      h.ipEncap?.csum,
    ]),
    [
      ['10.0.0.2', 3, 1, LWTUNNEL_ENCAP_IP, 1n, '10.0.0.5', false],
      [undefined, 4, 2, undefined, undefined, undefined, undefined],
      [undefined, 4, 1, LWTUNNEL_ENCAP_IP6, 9n, '2001:db8::9', true],
    ],
  );
  assert.equal(route.encapType, undefined, 'the route itself has none');
});
