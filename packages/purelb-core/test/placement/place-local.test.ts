import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIP } from '../../src/net/ip.ts';
import { placeLocal } from '../../src/placement/placement.ts';
import { agent, service } from '../desired/builders.ts';
import { ENP1S0 } from '../fixtures/seed-node.ts';

const defaults = agent('default').local!;
const enp1s0 = { name: 'enp1s0', index: ENP1S0 };
const skipDad = { 'purelb.io/allocated-by': 'PureLB', 'purelb.io/skip-ipv6-dad': 'true' };

describe('placeLocal: a secondary address on the local interface', () => {
  it('the seed: 172.30.250.53 → enp1s0 /24 brd .255 noprefixroute, 300 s', () => {
    const p = placeLocal(
      parseIP('172.30.250.53')!,
      { candidate: enp1s0, prefixLength: 24 },
      defaults,
      service('web'),
    );
    assert.deepEqual(
      { ...p, reason: undefined },
      {
        ip: '172.30.250.53',
        family: 4,
        kind: 'local',
        link: 'enp1s0',
        prefixLength: 24,
        broadcast: '172.30.250.255',
        flags: ['noprefixroute'],
        validLifetime: 300,
        preferredLifetime: 300,
        services: ['default/web'],
        reason: undefined,
      },
    );
    assert.match(p.reason, /^local: 172\.30\.250\.53 lies in 172\.30\.250\.0\/24 on enp1s0/);
  });

  const table: {
    name: string;
    ip: string;
    prefix: number;
    annotations?: Record<string, string>;
    skipIPv6DAD?: boolean;
    brd: string | undefined;
    flags: string[];
    preferred: number;
  }[] = [
    {
      name: 'IPv4 /30 has a broadcast',
      ip: '10.0.0.5',
      prefix: 30,
      brd: '10.0.0.7',
      flags: ['noprefixroute'],
      preferred: 300,
    },
    {
      name: 'IPv4 /31 has none (RFC 3021)',
      ip: '10.0.0.5',
      prefix: 31,
      brd: undefined,
      flags: ['noprefixroute'],
      preferred: 300,
    },
    {
      name: 'IPv4 /32 has none',
      ip: '10.0.0.5',
      prefix: 32,
      brd: undefined,
      flags: ['noprefixroute'],
      preferred: 300,
    },
    {
      name: 'IPv6 runs DAD and is deprecated at once (preferred 0)',
      ip: '2001:db8:1::53',
      prefix: 64,
      brd: undefined,
      flags: ['noprefixroute'],
      preferred: 0,
    },
    {
      name: 'IPv6 with purelb.io/skip-ipv6-dad "true" adds nodad',
      ip: '2001:db8:1::53',
      prefix: 64,
      annotations: skipDad,
      brd: undefined,
      flags: ['nodad', 'noprefixroute'],
      preferred: 0,
    },
    {
      name: "IPv6 with the group's skipIPv6DAD adds nodad",
      ip: '2001:db8:1::53',
      prefix: 64,
      skipIPv6DAD: true,
      brd: undefined,
      flags: ['nodad', 'noprefixroute'],
      preferred: 0,
    },
    {
      name: 'IPv4 never gets nodad, even when asked',
      ip: '172.30.250.53',
      prefix: 24,
      annotations: skipDad,
      skipIPv6DAD: true,
      brd: '172.30.250.255',
      flags: ['noprefixroute'],
      preferred: 300,
    },
  ];
  for (const c of table) {
    it(c.name, () => {
      const svc = c.annotations ? service('web', { annotations: c.annotations }) : service('web');
      const p = placeLocal(parseIP(c.ip)!, { candidate: enp1s0, prefixLength: c.prefix }, defaults, svc, {
        skipIPv6DAD: c.skipIPv6DAD,
      });
      assert.equal(p.prefixLength, c.prefix);
      assert.equal(p.broadcast, c.brd);
      assert.deepEqual(p.flags, c.flags);
      assert.equal(p.validLifetime, 300);
      assert.equal(p.preferredLifetime, c.preferred);
    });
  }

  it('lifetimes and noprefixroute come from addressConfig.localInterface', () => {
    const local = agent('tuned', {
      local: {
        addressConfig: {
          localInterface: { validLifetime: 600, preferredLifetime: 120, noPrefixRoute: false },
        },
      },
    }).local!;
    const p = placeLocal(
      parseIP('172.30.250.53')!,
      { candidate: enp1s0, prefixLength: 24 },
      local,
      service('web'),
    );
    assert.deepEqual([p.validLifetime, p.preferredLifetime, p.flags], [600, 120, []]);
  });

  it('the reason carries why this node placed it', () => {
    const p = placeLocal(
      parseIP('172.30.250.53')!,
      { candidate: enp1s0, prefixLength: 24 },
      defaults,
      service('web'),
      {
        why: 'this node wins the election',
      },
    );
    assert.match(p.reason, /; this node wins the election$/);
  });
});
