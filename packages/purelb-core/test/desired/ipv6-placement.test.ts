import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { desiredState } from '../../src/desired/desired-state.ts';
import { seedNode } from '../fixtures/seed-node.ts';
import { group, service, withIPv6Uplink } from './builders.ts';
import { seedInput } from './support.ts';

const brand = { 'purelb.io/allocated-by': 'PureLB' };
const v6Input = (svcs: ReturnType<typeof service>[], groups = seedInput().groups) =>
  seedInput({ services: svcs, network: withIPv6Uplink(seedNode()), groups });

describe('desiredState for IPv6 addresses', () => {
  it('a local IPv6 address goes on enp1s0 with the /64, deprecated (preferred 0), with DAD', () => {
    const state = desiredState(v6Input([service('v6', { ips: ['2001:db8:1::53'] })]));
    assert.equal(state.placements.length, 1);
    const p = state.placements[0]!;
    assert.deepEqual(
      [
        p.ip,
        p.family,
        p.kind,
        p.link,
        p.prefixLength,
        p.broadcast,
        p.flags,
        p.validLifetime,
        p.preferredLifetime,
      ],
      ['2001:db8:1::53', 6, 'local', 'enp1s0', 64, undefined, ['noprefixroute'], 300, 0],
    );
    assert.equal(state.elections[6]?.status, 'elected');
  });

  it('purelb.io/skip-ipv6-dad "true" adds nodad', () => {
    const svc = service('v6', {
      ips: ['2001:db8:1::53'],
      annotations: { ...brand, 'purelb.io/skip-ipv6-dad': 'true' },
    });
    assert.deepEqual(desiredState(v6Input([svc])).placements[0]!.flags, ['nodad', 'noprefixroute']);
  });

  it("the group's skipIPv6DAD adds nodad even without the annotation", () => {
    const groups = [
      group('default', 'local', {
        skipIPv6DAD: true,
        v6pool: { pool: '2001:db8:1::50-2001:db8:1::60', subnet: '2001:db8:1::/64' },
      }),
    ];
    const state = desiredState(v6Input([service('v6', { ips: ['2001:db8:1::53'] })], groups));
    assert.deepEqual(state.placements[0]!.flags, ['nodad', 'noprefixroute']);
  });

  it('a remote IPv6 address goes on kube-lb0 with its aggregation, permanent and not deprecated', () => {
    const state = desiredState(v6Input([service('v6', { ips: ['2001:db8:9::5'] })]));
    const p = state.placements[0]!;
    assert.deepEqual(
      [p.ip, p.kind, p.link, p.prefixLength, p.preferredLifetime, p.validLifetime],
      ['2001:db8:9::5', 'virtual', 'kube-lb0', 128, Infinity, Infinity],
    );
  });

  it('the seed node has no IPv6 default route: a local IPv6 address goes to kube-lb0 as /128 with a no-local-interface error', () => {
    const state = desiredState(seedInput({ services: [service('v6', { ips: ['2001:db8:1::53'] })] }));
    // /128, never the pool's /64: the node's own /64 (once it has one) must not be routed into kube-lb0.
    assert.deepEqual(
      state.placements.map((p) => [p.ip, p.link, p.prefixLength]),
      [['2001:db8:1::53', 'kube-lb0', 128]],
    );
    assert.deepEqual(
      state.skips.map((s) => [s.code, s.error]),
      [['no-local-interface', true]],
    );
    assert.match(state.skips[0]!.reason, /no IPv6 default route/);
    assert.equal(state.elections[6]?.status, 'none');
  });

  it('a dual-stack Service gets both families, IPv4 before IPv6 on the same link', () => {
    const state = desiredState(v6Input([service('dual', { ips: ['2001:db8:1::53', '172.30.250.53'] })]));
    assert.deepEqual(
      state.placements.map((p) => [p.ip, p.link]),
      [
        ['172.30.250.53', 'enp1s0'],
        ['2001:db8:1::53', 'enp1s0'],
      ],
    );
  });
});
