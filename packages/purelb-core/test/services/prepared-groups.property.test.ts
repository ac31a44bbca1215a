// prepareGroups sorts the groups once per reconcile instead of once per address: it must give the
// answer of the old per-address rule (sort by namespace/name, first pool of the address's family
// whose range holds it) for any groups, overlapping pools and equal namespace/names included.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { AddressPool, ServiceGroupConfig } from '../../src/config/types.ts';
import type { Family, IP } from '../../src/net/ip.ts';
import { groupForIP, type PoolMatch, prepareGroups } from '../../src/services/group-for-ip.ts';

/** The rule as it was written before prepareGroups: a stable sort of the groups for every address. */
function reference(ip: IP, groups: readonly ServiceGroupConfig[]): PoolMatch | undefined {
  const key = (g: ServiceGroupConfig): string => `${g.namespace}/${g.name}`;
  const ordered = [...groups].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  for (const group of ordered) {
    for (const pool of group.pools) {
      if (pool.family === ip.family && pool.first <= ip.value && ip.value <= pool.last)
        return { group, pool };
    }
  }
  return undefined;
}

const arbFamily = fc.constantFrom<Family>(4, 6);

/** Pools over a small value space (0..63), so that overlaps and misses are both common. */
const arbPool: fc.Arbitrary<AddressPool> = fc
  .record({ family: arbFamily, a: fc.integer({ min: 0, max: 63 }), b: fc.integer({ min: 0, max: 63 }) })
  .map(({ family, a, b }) => {
    const [first, last] = a <= b ? [BigInt(a), BigInt(b)] : [BigInt(b), BigInt(a)];
    return {
      family,
      pool: `${first}-${last}`,
      first,
      last,
      subnet: { family, network: 0n, prefixLength: family === 4 ? 26 : 122 },
      aggregation: family === 4 ? 32 : 128,
      aggregationText: 'default',
    };
  });

/** Few namespaces and names, so that groups with equal namespace/name (kept in input order) occur. */
const arbGroup: fc.Arbitrary<ServiceGroupConfig> = fc
  .record({
    namespace: fc.constantFrom('purelb', 'purelb-system', 'a', 'a/b', ''),
    name: fc.constantFrom('default', 'b', 'x', 'b/x', 'Z'),
    type: fc.constantFrom<'local' | 'remote'>('local', 'remote'),
    pools: fc.array(arbPool, { maxLength: 4 }),
  })
  .map((g) => ({
    ...g,
    balancePools: false,
    multiPool: false,
    skipIPv6DAD: false,
    namespaces: [],
    enforceNamespaces: false,
    namespaceDefault: false,
  }));

const arbIP: fc.Arbitrary<IP> = fc
  .record({ family: arbFamily, v: fc.integer({ min: 0, max: 70 }) })
  .map(({ family, v }) => ({ family, value: BigInt(v) }));

describe('prepareGroups: the per-address rule, sorted once', () => {
  it('property: prepared once, every address matches the group and pool the old rule found', () => {
    fc.assert(
      fc.property(
        fc.array(arbGroup, { maxLength: 8 }),
        fc.array(arbIP, { minLength: 1, maxLength: 20 }),
        (groups, ips) => {
          const prepared = prepareGroups(groups);
          for (const ip of ips) {
            const want = reference(ip, groups);
            const got = prepared.match(ip);
            assert.equal(got?.group, want?.group, `group for ${ip.family}/${ip.value}`);
            assert.equal(got?.pool, want?.pool, `pool for ${ip.family}/${ip.value}`);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: groupForIP answers as the old rule did, a new object each call', () => {
    fc.assert(
      fc.property(fc.array(arbGroup, { maxLength: 8 }), arbIP, (groups, ip) => {
        const want = reference(ip, groups);
        const got = groupForIP(ip, groups);
        assert.equal(got?.group, want?.group);
        assert.equal(got?.pool, want?.pool);
        if (got !== undefined) assert.notEqual(got, groupForIP(ip, groups));
      }),
    );
  });

  it('reads the groups when prepared: the input array is not reordered', () => {
    const pool = (first: bigint): AddressPool => ({
      family: 4,
      pool: `${first}`,
      first,
      last: first,
      subnet: { family: 4, network: 0n, prefixLength: 24 },
      aggregation: 32,
      aggregationText: 'default',
    });
    const g = (name: string, first: bigint): ServiceGroupConfig => ({
      name,
      namespace: 'purelb',
      type: 'remote',
      pools: [pool(first)],
      balancePools: false,
      multiPool: false,
      skipIPv6DAD: false,
      namespaces: [],
      enforceNamespaces: false,
      namespaceDefault: false,
    });
    const groups = [g('z', 1n), g('a', 1n)];
    const prepared = prepareGroups(groups);
    assert.deepEqual(
      groups.map((x) => x.name),
      ['z', 'a'],
    );
    assert.equal(prepared.match({ family: 4, value: 1n })?.group.name, 'a');
    assert.equal(prepared.match({ family: 4, value: 1n }), prepared.match({ family: 4, value: 1n }));
    assert.equal(prepared.match({ family: 6, value: 1n }), undefined);
  });
});
