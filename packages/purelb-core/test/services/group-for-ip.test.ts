import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIP } from '../../src/net/ip.ts';
import { groupForIP } from '../../src/services/group-for-ip.ts';
import { group, seedGroups } from '../desired/builders.ts';

const ip = (text: string) => parseIP(text)!;

describe('groupForIP: the pool an address lies in decides local or remote', () => {
  const cases: [string, string | undefined, string | undefined][] = [
    ['172.30.250.53', 'default', '172.30.250.50-172.30.250.60'],
    ['172.30.250.50', 'default', '172.30.250.50-172.30.250.60'],
    ['172.30.250.60', 'default', '172.30.250.50-172.30.250.60'],
    // In the local group's subnet but outside its range: no pool.
    ['172.30.250.61', undefined, undefined],
    ['172.31.1.5', 'remote32', '172.31.1.0/24'],
    ['172.31.1.0', 'remote32', '172.31.1.0/24'],
    ['172.31.2.128', 'remote24', '172.31.2.0/24'],
    ['2001:db8:1::53', 'default', '2001:db8:1::50-2001:db8:1::60'],
    ['2001:db8:9::ff', 'remote6', '2001:db8:9::/120'],
    ['2001:db8:9::100', undefined, undefined],
    ['10.0.0.1', undefined, undefined],
  ];
  for (const [addr, groupName, pool] of cases) {
    it(`${addr} → ${groupName ?? 'no group'}`, () => {
      const m = groupForIP(ip(addr), seedGroups());
      assert.equal(m?.group.name, groupName);
      assert.equal(m?.pool.pool, pool);
    });
  }

  it('an IPv4-mapped-looking IPv6 value never matches an IPv4 pool of the same number', () => {
    // 172.31.1.5 as a 128-bit number is ::ac1f:105; families must match, not just values.
    assert.equal(groupForIP(ip('::ac1f:105'), seedGroups()), undefined);
  });

  it('overlapping groups resolve by namespace/name, whatever order they come in', () => {
    const a = group('a', 'remote', { v4pool: { pool: '10.1.0.0/24', subnet: '10.1.0.0/24' } });
    const b = group('b', 'local', { v4pool: { pool: '10.1.0.0/24', subnet: '10.1.0.0/24' } });
    assert.equal(groupForIP(ip('10.1.0.7'), [b, a])?.group.name, 'a');
    assert.equal(groupForIP(ip('10.1.0.7'), [a, b])?.group.name, 'a');
  });
});
