import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIP } from '../../src/net/ip.ts';
import { placeVirtual } from '../../src/placement/placement.ts';
import { agent, group, seedGroups, service } from '../desired/builders.ts';

const defaults = agent('default').local!;
const poolOf = (name: string) => seedGroups().find((g) => g.name === name)!.pools[0]!;

describe('placeVirtual: an address on the dummy interface with the pool aggregation', () => {
  const table: { ip: string; pool: string; prefix: number; brd: string | undefined; agg: RegExp }[] = [
    // The seed's kube-lb0: 172.31.1.5/32 (aggregation /32) and 172.31.2.128/24 brd .255 (default).
    { ip: '172.31.1.5', pool: 'remote32', prefix: 32, brd: undefined, agg: /aggregation \/32 \(\/32\)/ },
    {
      ip: '172.31.2.128',
      pool: 'remote24',
      prefix: 24,
      brd: '172.31.2.255',
      agg: /aggregation default \(\/24\)/,
    },
    { ip: '2001:db8:9::5', pool: 'remote6', prefix: 128, brd: undefined, agg: /aggregation \/128 \(\/128\)/ },
  ];
  for (const c of table) {
    it(`${c.ip} from ${c.pool} → kube-lb0 /${c.prefix}`, () => {
      const p = placeVirtual(parseIP(c.ip)!, poolOf(c.pool), defaults, service('web'));
      assert.deepEqual(
        { ...p, reason: '' },
        {
          ip: c.ip,
          family: c.ip.includes(':') ? 6 : 4,
          kind: 'virtual',
          link: 'kube-lb0',
          prefixLength: c.prefix,
          broadcast: c.brd,
          flags: [],
          validLifetime: Number.POSITIVE_INFINITY,
          preferredLifetime: Number.POSITIVE_INFINITY,
          services: ['default/web'],
          reason: '',
        },
      );
      assert.match(p.reason, /^virtual: /);
      assert.match(p.reason, c.agg);
    });
  }

  it('an empty aggregation takes the mask of the pool subnet, /22 here', () => {
    const g = group('wide', 'remote', {
      v4pool: { pool: '10.4.1.0/24', subnet: '10.4.0.0/22', aggregation: '' },
    });
    const p = placeVirtual(parseIP('10.4.1.9')!, g.pools[0]!, defaults, service('web'));
    assert.equal(p.prefixLength, 22);
    assert.equal(p.broadcast, '10.4.3.255');
  });

  it('the dummy name, lifetimes and noprefixroute come from the agent config; IPv6 is not deprecated', () => {
    const local = agent('tuned', {
      local: {
        dummyInterface: 'purelb0',
        addressConfig: {
          dummyInterface: { validLifetime: 900, preferredLifetime: 600, noPrefixRoute: true },
        },
      },
    }).local!;
    const p = placeVirtual(parseIP('2001:db8:9::5')!, poolOf('remote6'), local, service('web'));
    assert.deepEqual(
      [p.link, p.validLifetime, p.preferredLifetime, p.flags],
      ['purelb0', 900, 600, ['noprefixroute']],
    );
  });
});
