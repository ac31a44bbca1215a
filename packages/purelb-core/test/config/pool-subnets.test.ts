// poolSubnets: the prefixes the agent's network watch keeps host-length address notifications for.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { poolSubnets } from '../../src/config/pool-subnets.ts';
import { parseServiceGroup } from '../../src/config/service-group.ts';
import type { ServiceGroupConfig } from '../../src/config/types.ts';
import { cidrContains, formatCidr, parseCidr } from '../../src/net/cidr.ts';
import { parseIP } from '../../src/net/ip.ts';

type Pool = { pool: string; subnet: string };

const group = (
  name: string,
  v4: Pool[],
  v6: Pool[] = [],
  type: 'local' | 'remote' = 'remote',
): ServiceGroupConfig => {
  const r = parseServiceGroup({
    metadata: { name, namespace: 'purelb' },
    spec: { [type]: { v4pools: v4, ...(v6.length > 0 ? { v6pools: v6 } : {}) } },
  });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  return r.value;
};

describe('poolSubnets', () => {
  it('no groups: nothing to watch', () => {
    assert.deepEqual(poolSubnets([]), []);
  });

  it('every pool subnet of both families, IPv4 first, each once', () => {
    const a = group(
      'a',
      [
        { pool: '172.30.250.50-172.30.250.60', subnet: '172.30.250.0/24' },
        { pool: '10.1.0.0/28', subnet: '10.1.0.0/16' },
      ],
      [{ pool: '2001:db8:2::/120', subnet: '2001:db8:2::/64' }],
    );
    const b = group('b', [{ pool: '172.30.250.70-172.30.250.80', subnet: '172.30.250.0/24' }], [], 'local');
    assert.deepEqual(poolSubnets([a, b]), ['10.1.0.0/16', '172.30.250.0/24', '2001:db8:2::/64']);
  });

  it('a subnet inside another pool subnet is left out, in any order', () => {
    const wide = group('wide', [{ pool: '10.0.0.0/24', subnet: '10.0.0.0/8' }]);
    const narrow = group('narrow', [{ pool: '10.5.0.0/24', subnet: '10.5.0.0/16' }]);
    assert.deepEqual(poolSubnets([narrow, wide]), ['10.0.0.0/8']);
    assert.deepEqual(poolSubnets([wide, narrow]), ['10.0.0.0/8']);
  });

  it('every pool address lies in one of the subnets returned (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 8, max: 30 })), {
          minLength: 1,
          maxLength: 12,
        }),
        (specs) => {
          const groups = specs.map(([octet, len], i) => {
            const net = parseCidr(`10.${octet}.0.0/${len}`);
            assert.ok(typeof net !== 'string');
            const text = formatCidr(net);
            return group(`g${i}`, [{ pool: text, subnet: text }]);
          });
          const watched = poolSubnets(groups).map((t) => parseCidr(t));
          for (const g of groups) {
            for (const p of g.pools) {
              const first = parseIP(p.pool.split('/')[0] ?? '');
              assert.ok(first !== undefined);
              assert.ok(
                watched.some((w) => typeof w !== 'string' && cidrContains(w, first)),
                p.pool,
              );
            }
          }
          // No subnet returned lies inside another one returned.
          for (const [i, w] of watched.entries()) {
            for (const [j, v] of watched.entries()) {
              if (i === j || typeof w === 'string' || typeof v === 'string') continue;
              const inside =
                w.prefixLength <= v.prefixLength && cidrContains(w, { family: 4, value: v.network });
              assert.ok(!inside, `${i} holds ${j}`);
            }
          }
        },
      ),
    );
  });
});
