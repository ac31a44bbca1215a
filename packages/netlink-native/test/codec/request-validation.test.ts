// Encoders refuse bad input with a TypeError naming what was wrong, before any byte is built.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  encodeDelLink,
  encodeGetLink,
  encodeGetRoute,
  encodeNewAddress,
  encodeNewLink,
  encodeNewRoute,
  encodeSetLink,
  IFLA_IFNAME,
  IFLA_MTU,
  listAttributes,
  parseMessages,
} from '../../src/codec/index.ts';

const rejects = (fn: () => unknown, pattern: RegExp): void => {
  assert.throws(fn, (e: unknown) => e instanceof TypeError && pattern.test(e.message));
};

test('link requests check names and indexes', () => {
  rejects(() => encodeGetLink({ name: 'a-name-longer-than-15' }), /link name/);
  rejects(() => encodeDelLink({ index: 0 }), /link index/);
  rejects(() => encodeNewLink({ name: 'v0', kind: 'veth' }), /peer/);
  rejects(() => encodeNewLink({ name: 'x0', kind: 'nope' as never }), /unsupported link kind/);
  rejects(() => encodeSetLink({ name: 'eth0', newName: 'eth1' }), /by index/);
});

test('a link selected by name travels in IFLA_IFNAME with ifi_index 0', () => {
  const [m] = parseMessages(encodeSetLink({ name: 'eth0', mtu: 9000, up: true }));
  assert.ok(m);
  assert.equal(m.payload.readInt32LE(4), 0);
  assert.equal(m.payload.readUInt32LE(8), 1); // IFF_UP
  assert.equal(m.payload.readUInt32LE(12), 1); // change mask: only IFF_UP
  const attrs = listAttributes(m.payload, 16);
  assert.deepEqual(
    attrs.map((a) => a.type),
    [IFLA_MTU, IFLA_IFNAME],
  );
});

test('address requests check prefix, lifetimes, family-specific fields', () => {
  rejects(() => encodeNewAddress({ index: 1, address: '10.0.0.1', prefixLength: 33 }), /prefixLength/);
  rejects(() => encodeNewAddress({ index: 1, address: '::1', prefixLength: 129 }), /prefixLength/);
  rejects(() => encodeNewAddress({ index: 1, address: '10.0.0.300', prefixLength: 24 }), /not an IP/);
  rejects(() => encodeNewAddress({ index: 0, address: '10.0.0.1', prefixLength: 24 }), /index/);
  rejects(
    () =>
      encodeNewAddress({
        index: 1,
        address: '10.0.0.1',
        prefixLength: 24,
        validLifetime: 10,
        preferredLifetime: 20,
      }),
    /preferredLifetime/,
  );
  rejects(
    () => encodeNewAddress({ index: 1, address: '10.0.0.1', prefixLength: 24, validLifetime: -1 }),
    /validLifetime/,
  );
  rejects(
    () => encodeNewAddress({ index: 1, address: '::1', prefixLength: 64, broadcast: '10.0.0.255' }),
    /IPv4 only/,
  );
  rejects(() => encodeNewAddress({ index: 1, address: '::1', prefixLength: 64, label: 'x' }), /IPv4 only/);
  rejects(
    () => encodeNewAddress({ index: 1, address: '10.0.0.1', prefixLength: 24, local: '::1' }),
    /not an IPv6 address/,
  );
});

test('route requests check family, lengths and weights', () => {
  rejects(() => encodeNewRoute({}), /family cannot be inferred/);
  rejects(() => encodeNewRoute({ dst: '10.0.0.0', dstLength: 40 }), /dstLength/);
  rejects(() => encodeNewRoute({ dst: '10.0.0.0', dstLength: 8, gateway: '10.0.0.300' }), /not an IP/);
  rejects(() => encodeNewRoute({ dst: '10.0.0.0', dstLength: 8, nhId: 0 }), /nhId/);
  rejects(() => encodeNewRoute({ dst: '10.0.0.0', dstLength: 8, metrics: { ccAlgo: '' } }), /ccAlgo/);
  rejects(
    () => encodeNewRoute({ dst: '10.0.0.0', dstLength: 8, nexthops: [{ gateway: '10.0.0.1', weight: 0 }] }),
    /weight/,
  );
  rejects(() => encodeNewRoute({ dst: '10.0.0.0', dstLength: 8, priority: -1 }), /priority/);
  rejects(() => encodeGetRoute({ dst: 'example.com' }), /not an IP/);
  rejects(() => encodeGetRoute({ dst: '10.0.0.1', sport: 65536 }), /sport/);
  rejects(() => encodeGetRoute({ dst: '10.0.0.1', tos: 256 }), /tos/);
});

test('non-string addresses are refused with a TypeError naming the value', () => {
  rejects(
    () => encodeNewAddress({ index: 1, address: 167772161 as never, prefixLength: 32 }),
    /not an IP address: 167772161/,
  );
  rejects(() => encodeNewRoute({ family: 4, dst: {} as never, dstLength: 8 }), /not an IP/);
});
