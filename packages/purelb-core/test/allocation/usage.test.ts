// usage(): per group and family the size, addresses in use and available, as bigint and decimal
// text (an IPv6 /64 holds 2^64 - 1 addresses to hand out, beyond Number's exact range), with per-pool
// detail. Sizes count what can be handed out: a /24 is 254 (no network or broadcast address).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Allocator } from '../../src/allocation/index.ts';
import { group, service } from './builders.ts';

test('usage counts each family of each group, shared addresses once', () => {
  const alloc = new Allocator(
    [
      group('b', { v4pools: ['10.0.2.0/24'] }),
      group('a', { v4pools: ['10.0.1.0/24', '10.0.3.0-10.0.3.9'], v6pools: ['2001:db8::/64'] }),
    ],
    { defaultAnnouncer: true },
  );
  const a = { 'purelb.io/service-group': 'a', 'purelb.io/allow-shared-ip': 'k' };
  alloc.allocate(
    service('x', { annotations: a, ports: [80], families: ['IPv4', 'IPv6'], policy: 'RequireDualStack' }),
  );
  alloc.allocate(service('y', { annotations: a, ports: [443] }));
  alloc.allocate(service('z', { annotations: { 'purelb.io/service-group': 'a' } }));
  assert.deepEqual(alloc.usage(), [
    {
      group: 'a',
      family: 4,
      size: 264n,
      inUse: 2,
      available: 262n,
      sizeText: '264',
      availableText: '262',
      pools: [
        { pool: '10.0.1.0/24', size: 254n, inUse: 2 },
        { pool: '10.0.3.0-10.0.3.9', size: 10n, inUse: 0 },
      ],
    },
    {
      group: 'a',
      family: 6,
      size: 18446744073709551615n,
      inUse: 1,
      available: 18446744073709551614n,
      sizeText: '18446744073709551615',
      availableText: '18446744073709551614',
      pools: [{ pool: '2001:db8::/64', size: 18446744073709551615n, inUse: 1 }],
    },
    {
      group: 'b',
      family: 4,
      size: 254n,
      inUse: 0,
      available: 254n,
      sizeText: '254',
      availableText: '254',
      pools: [{ pool: '10.0.2.0/24', size: 254n, inUse: 0 }],
    },
  ]);
});
