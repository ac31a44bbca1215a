// The troubleshooting page's node: what it should carry, and the two-default-routes failure.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { desiredState } from '../../src/desired/desired-state.ts';
import { seedNode, withSecondDefault } from '../fixtures/seed-node.ts';
import { agent, service } from './builders.ts';
import { seedInput } from './support.ts';

const seedServices = () => [
  service('local-web', { ips: ['172.30.250.53'] }),
  service('remote-a', { ips: ['172.31.1.5'] }),
  service('remote-b', { ips: ['172.31.2.128'] }),
];

const brief = (p: { ip: string; link: string; prefixLength: number; broadcast?: string; flags: string[] }) =>
  [p.ip, p.link, p.prefixLength, p.broadcast, p.flags.join(',')] as const;

describe('desiredState on the seed node purelb2-1', () => {
  it('local 172.30.250.53 on enp1s0 /24; remote 172.31.1.5/32 and 172.31.2.128/24 on kube-lb0', () => {
    const state = desiredState(seedInput({ services: seedServices() }));
    assert.deepEqual(state.placements.map(brief), [
      ['172.30.250.53', 'enp1s0', 24, '172.30.250.255', 'noprefixroute'],
      ['172.31.1.5', 'kube-lb0', 32, undefined, ''],
      ['172.31.2.128', 'kube-lb0', 24, '172.31.2.255', ''],
    ]);
    const [local, remote32, remote24] = state.placements;
    assert.deepEqual([local!.kind, local!.validLifetime, local!.preferredLifetime], ['local', 300, 300]);
    assert.deepEqual(
      [remote32!.kind, remote32!.validLifetime, remote32!.preferredLifetime],
      ['virtual', Infinity, Infinity],
    );
    assert.equal(remote24!.validLifetime, Infinity);
    assert.deepEqual(
      state.placements.map((p) => p.services),
      [['default/local-web'], ['default/remote-a'], ['default/remote-b']],
    );
    assert.match(local!.reason, /wins the election for 172\.30\.250\.53/);
    assert.match(remote32!.reason, /remote pool of ServiceGroup remote32/);
    assert.deepEqual(state.skips, []);
    assert.equal(state.elections[4]?.status, 'elected');
    assert.equal(state.elections[4]?.status === 'elected' && state.elections[4].link, 'enp1s0');
    assert.equal(state.elections[6], undefined, 'no IPv6 local address needed an IPv6 election');
    assert.equal(state.dummyInterface, 'kube-lb0');
    assert.equal(state.agent, 'purelb/default');
    assert.equal(state.node, 'purelb2-1');
  });

  it('with a second equal default route the local address goes to kube-lb0 and the ambiguity is an error', () => {
    const state = desiredState(
      seedInput({ services: seedServices(), network: withSecondDefault(seedNode()) }),
    );
    assert.deepEqual(state.placements.map(brief), [
      // A /32, never the pool subnet's /24: kube-lb0 would carry a route to enp1s0's own subnet, and once
      // enp1s0's address comes back (a flap, a DHCP renew) the node's gateway would be reached through it.
      ['172.30.250.53', 'kube-lb0', 32, undefined, ''],
      ['172.31.1.5', 'kube-lb0', 32, undefined, ''],
      ['172.31.2.128', 'kube-lb0', 24, '172.31.2.255', ''],
    ]);
    assert.equal(state.placements[0]!.kind, 'virtual');
    assert.match(state.placements[0]!.reason, /unable to identify the local interface/);
    assert.equal(state.skips.length, 1);
    const [s] = state.skips;
    assert.deepEqual(
      [s!.service, s!.ip, s!.code, s!.error],
      ['default/local-web', '172.30.250.53', 'ambiguous-default-route', true],
    );
    assert.match(s!.reason, /enp1s0, enp2s0/);
    assert.match(s!.reason, /goes on the virtual interface kube-lb0/);
    assert.equal(state.elections[4]?.status, 'ambiguous');
  });

  it('the dummy interface is the dummyInterface of the selected agent', () => {
    const state = desiredState(
      seedInput({
        services: seedServices(),
        agents: [agent('custom', { local: { dummyInterface: 'purelb0' } })],
      }),
    );
    assert.equal(state.dummyInterface, 'purelb0');
    assert.deepEqual(
      state.placements.map((p) => [p.ip, p.link]),
      [
        ['172.30.250.53', 'enp1s0'],
        ['172.31.1.5', 'purelb0'],
      ],
    );
    // kube-lb0 is no longer the virtual interface, so its 172.31.2.0/24 is one of the node's networks:
    // a /24 on purelb0 would compete with it.
    const [refused] = state.skips.filter((s) => s.error);
    assert.deepEqual([refused?.ip, refused?.code], ['172.31.2.128', 'route-conflict']);
    assert.match(refused!.reason, /172\.31\.2\.0\/24 dev kube-lb0/);
    assert.match(refused!.reason, /spec\.remote\.v4pool\.aggregation/);
    assert.equal(state.agent, 'purelb/custom');
  });
});
