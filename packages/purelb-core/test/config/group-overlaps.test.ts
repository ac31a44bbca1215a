// Pools overlapping across ServiceGroups: the later group by namespace/name is refused, both named.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkGroupOverlaps } from '../../src/config/group-overlaps.ts';
import { parseServiceGroup } from '../../src/config/service-group.ts';
import type { ServiceGroupConfig } from '../../src/config/types.ts';

const group = (name: string, pools: string[], namespace = 'purelb'): ServiceGroupConfig => {
  const r = parseServiceGroup({
    metadata: { name, namespace },
    spec: { remote: { v4pools: pools.map((pool) => ({ pool, subnet: '10.0.0.0/8' })) } },
  });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  return r.value;
};

describe('checkGroupOverlaps', () => {
  it('disjoint groups: no issues', () => {
    assert.deepEqual(checkGroupOverlaps([group('a', ['10.0.0.0/24']), group('b', ['10.0.1.0/24'])]), []);
  });

  it('the later group by name is refused, whatever the input order; both groups are named', () => {
    const a = group('alpha', ['10.0.0.0/24']);
    const b = group('beta', ['10.0.1.0/24', '10.0.0.128/25']);
    for (const input of [
      [a, b],
      [b, a],
    ]) {
      const issues = checkGroupOverlaps(input);
      assert.equal(issues.length, 1);
      const i = issues[0]!;
      assert.equal(i.group, 'purelb/beta');
      assert.equal(i.other, 'purelb/alpha');
      assert.equal(i.path, 'spec.remote.v4pools[1].pool');
      assert.equal(i.value, '10.0.0.128/25');
      assert.match(
        i.message,
        /ServiceGroup purelb\/beta pool 10\.0\.0\.128\/25 .*overlaps ServiceGroup purelb\/alpha pool 10\.0\.0\.0\/24/,
      );
    }
  });

  it("a range wholly inside another group's range counts (upstream misses this)", () => {
    const issues = checkGroupOverlaps([
      group('a', ['10.0.0.1-10.0.0.100']),
      group('b', ['10.0.0.10-10.0.0.20']),
    ]);
    assert.deepEqual(
      issues.map((i) => [i.group, i.other, i.value]),
      [['purelb/b', 'purelb/a', '10.0.0.10-10.0.0.20']],
    );
  });

  it('namespace orders before name', () => {
    const issues = checkGroupOverlaps([group('a', ['10.0.0.0/24'], 'zz'), group('z', ['10.0.0.0/24'], 'aa')]);
    assert.deepEqual(
      issues.map((i) => [i.group, i.other]),
      [['zz/a', 'aa/z']],
    );
  });

  it('property: the result does not depend on input order', () => {
    const arbGroups = fc.uniqueArray(
      fc.record({ name: fc.constantFrom('a', 'b', 'c', 'd', 'e'), third: fc.integer({ min: 0, max: 3 }) }),
      { selector: (g) => g.name, maxLength: 5 },
    );
    fc.assert(
      fc.property(arbGroups, fc.nat(), (specs, turn) => {
        const groups = specs.map((s) => group(s.name, [`10.0.${s.third}.0/24`]));
        const k = groups.length === 0 ? 0 : turn % groups.length;
        const shuffled = [...groups.slice(k), ...groups.slice(0, k)].reverse();
        assert.deepEqual(checkGroupOverlaps(shuffled), checkGroupOverlaps(groups));
      }),
    );
  });
});
