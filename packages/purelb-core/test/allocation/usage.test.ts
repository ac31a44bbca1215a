// usage(): per group and family the size, addresses in use and available, as bigint and decimal
// text (an IPv6 /64 holds 2^64 addresses, beyond Number's exact range), with per-pool detail.
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
      size: 266n,
      inUse: 2,
      available: 264n,
      sizeText: '266',
      availableText: '264',
      pools: [
        { pool: '10.0.1.0/24', size: 256n, inUse: 2 },
        { pool: '10.0.3.0-10.0.3.9', size: 10n, inUse: 0 },
      ],
    },
    {
      group: 'a',
      family: 6,
      size: 18446744073709551616n,
      inUse: 1,
      available: 18446744073709551615n,
      sizeText: '18446744073709551616',
      availableText: '18446744073709551615',
      pools: [{ pool: '2001:db8::/64', size: 18446744073709551616n, inUse: 1 }],
    },
    {
      group: 'b',
      family: 4,
      size: 256n,
      inUse: 0,
      available: 256n,
      sizeText: '256',
      availableText: '256',
      pools: [{ pool: '10.0.2.0/24', size: 256n, inUse: 0 }],
    },
  ]);
});
