// The agent's first duty, as desiredState decides it on the seed node: it never claims an address the
// node or its segment already uses (the node's own addresses, its gateways, a subnet's network and
// broadcast, the IPv6 Subnet-Router anycast), never gives the virtual interface a prefix whose route
// would compete with the node's own, and never places what another host answered for.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { desiredState } from '../../src/desired/desired-state.ts';
import type { PlacementSkip } from '../../src/model.ts';
import { address, ENP1S0, link, seedNode, withSecondDefault } from '../fixtures/seed-node.ts';
import { group, seedGroups, service, withIPv6Uplink } from './builders.ts';
import { seedInput } from './support.ts';

const errors = (skips: PlacementSkip[]) => skips.filter((s) => s.error).map((s) => [s.ip, s.code]);
const placed = (ips: string[], groups = seedGroups(), network = seedNode()) =>
  desiredState(seedInput({ groups, network, services: ips.map((ip, i) => service(`s${i}`, { ips: [ip] })) }));

describe('desiredState never harms the node', () => {
  it("a local pool holding the node's gateway, network and broadcast: none of them is placed, each says why", () => {
    const groups = [
      group('wide', 'local', { v4pool: { pool: '172.30.250.0/24', subnet: '172.30.250.0/24' } }),
    ];
    const state = placed(
      ['172.30.250.1', '172.30.250.0', '172.30.250.255', '172.30.250.104', '172.30.250.57'],
      groups,
    );
    assert.deepEqual(
      state.placements.map((p) => [p.ip, p.link]),
      [['172.30.250.57', 'enp1s0']],
    );
    assert.deepEqual(errors(state.skips).sort(), [
      ['172.30.250.0', 'reserved-address'],
      ['172.30.250.1', 'reserved-address'],
      ['172.30.250.104', 'address-in-use'],
      ['172.30.250.255', 'reserved-address'],
    ]);
    const why = (ip: string) => state.skips.find((s) => s.ip === ip)!.reason;
    assert.match(
      why('172.30.250.1'),
      /is the gateway of this node's route "default via 172\.30\.250\.1 dev enp1s0/,
    );
    assert.match(why('172.30.250.0'), /the network address of 172\.30\.250\.0\/24/);
    assert.match(why('172.30.250.255'), /the broadcast address of 172\.30\.250\.0\/24/);
    assert.match(
      why('172.30.250.104'),
      /already an address of this node \(inet 172\.30\.250\.104\/24 dev enp1s0\)/,
    );
  });

  it('a /31 pool holding the gateway: the gateway is refused, its pair placed (a /31 has no network or broadcast)', () => {
    const groups = [
      group('p2p', 'local', { v4pool: { pool: '172.30.250.0/31', subnet: '172.30.250.0/24' } }),
    ];
    const net = seedNode();
    net.routes[0] = { ...net.routes[0]!, gateway: '172.30.250.1' };
    const state = placed(['172.30.250.1'], groups, net);
    assert.deepEqual(errors(state.skips), [['172.30.250.1', 'reserved-address']]);
    assert.deepEqual(state.placements, []);
  });

  it('an IPv6 local pool: the Subnet-Router anycast address of the /64 is refused', () => {
    const state = desiredState(
      seedInput({
        groups: [group('v6', 'local', { v6pool: { pool: '2001:db8:1::/120', subnet: '2001:db8:1::/64' } })],
        network: withIPv6Uplink(seedNode()),
        services: [service('a', { ips: ['2001:db8:1::'] }), service('b', { ips: ['2001:db8:1::53'] })],
      }),
    );
    assert.deepEqual(
      state.placements.map((p) => [p.ip, p.link, p.prefixLength]),
      [['2001:db8:1::53', 'enp1s0', 64]],
    );
    assert.deepEqual(errors(state.skips), [['2001:db8:1::', 'reserved-address']]);
    assert.match(state.skips[0]!.reason, /subnet-router anycast address of 2001:db8:1::\/64/);
  });

  it("a remote pool whose aggregation covers the node's subnet is refused, naming the aggregation field", () => {
    const groups = [
      ...seedGroups(),
      group('wide', 'remote', {
        v4pool: { pool: '172.30.0.0/24', subnet: '172.30.0.0/16', aggregation: 'default' },
      }),
    ];
    const state = placed(['172.30.0.7'], groups);
    assert.deepEqual(state.placements, []);
    const [s] = state.skips;
    assert.deepEqual([s?.ip, s?.code, s?.error], ['172.30.0.7', 'route-conflict', true]);
    assert.match(
      s!.reason,
      /172\.30\.0\.7\/16 on kube-lb0 would add the route 172\.30\.0\.0\/16 dev kube-lb0, which overlaps 172\.30\.250\.0\/24/,
    );
    assert.match(s!.reason, /ServiceGroup wide spec\.remote\.v4pool\.aggregation/);
  });

  it('a remote /24 whose subnet a pod route already reaches is refused; the same pool at /32 is placed', () => {
    const at = (aggregation: string) => [
      group('pods', 'remote', { v4pool: { pool: '10.129.1.0/24', subnet: '10.129.1.0/24', aggregation } }),
    ];
    assert.deepEqual(errors(placed(['10.129.1.7'], at('default')).skips), [['10.129.1.7', 'route-conflict']]);
    assert.deepEqual(
      placed(['10.129.1.7'], at('/32')).placements.map((p) => [p.ip, p.link, p.prefixLength]),
      [['10.129.1.7', 'kube-lb0', 32]],
    );
  });

  it('with two equal default routes, the local address falls back to kube-lb0 as /32: no route to the LAN on kube-lb0', () => {
    const state = desiredState(
      seedInput({
        services: [service('web', { ips: ['172.30.250.53'] })],
        network: withSecondDefault(seedNode()),
      }),
    );
    assert.deepEqual(
      state.placements.map((p) => [p.ip, p.link, p.prefixLength, p.broadcast]),
      [['172.30.250.53', 'kube-lb0', 32, undefined]],
    );
  });

  it('an address another host answered for is not claimed, and the error names what answered', () => {
    const state = desiredState(
      seedInput({
        services: [service('web', { ips: ['172.30.250.56'] }), service('api', { ips: ['172.30.250.57'] })],
        conflicts: new Map([['172.30.250.56', 'ARP reply from 52:54:00:aa:bb:cc']]),
      }),
    );
    assert.deepEqual(
      state.placements.map((p) => p.ip),
      ['172.30.250.57'],
    );
    assert.deepEqual(errors(state.skips), [['172.30.250.56', 'address-conflict']]);
    assert.match(
      state.skips[0]!.reason,
      /another host on enp1s0's segment uses 172\.30\.250\.56 \(ARP reply from 52:54:00:aa:bb:cc\)/,
    );
  });

  it('a pool address someone added by hand on enp1s0 is not claimed by a Service that is given it', () => {
    const net = seedNode();
    net.addresses.push(
      address('enp1s0', {
        index: ENP1S0,
        address: '172.30.250.56',
        prefixLength: 24,
        flags: 0x81,
        broadcast: '172.30.250.255',
      }),
    );
    const state = placed(['172.30.250.56'], seedGroups(), net);
    assert.deepEqual(state.placements, []);
    assert.deepEqual(errors(state.skips), [['172.30.250.56', 'address-in-use']]);
  });

  it("kube-proxy's IPVS mode binds every Service IP on kube-ipvs0 (a NOARP dummy): that takes nothing from the placement", () => {
    const net = seedNode();
    net.links.push(link({ index: 70, name: 'kube-ipvs0', kind: 'dummy', flags: 0x80 | 0x2 }));
    net.addresses.push(address('kube-ipvs0', { index: 70, address: '172.30.250.53', prefixLength: 32 }));
    net.addresses.push(address('kube-ipvs0', { index: 70, address: '172.31.1.5', prefixLength: 32 }));
    const state = placed(['172.30.250.53', '172.31.1.5'], seedGroups(), net);
    assert.deepEqual(
      state.placements.map((p) => [p.ip, p.link]),
      [
        ['172.30.250.53', 'enp1s0'],
        ['172.31.1.5', 'kube-lb0'],
      ],
    );
    assert.deepEqual(errors(state.skips), []);
  });

  it('the same address on kube-lb0 added by hand (no PureLB tag) blocks a remote placement of it', () => {
    const net = seedNode();
    net.addresses.push(address('kube-lb0', { index: 44, address: '172.31.1.77', prefixLength: 32 }));
    assert.deepEqual(errors(placed(['172.31.1.77'], seedGroups(), net).skips), [
      ['172.31.1.77', 'address-in-use'],
    ]);
  });
});

describe('desiredState with frozen configuration', () => {
  it('a frozen node places nothing and keeps everything, naming the reason for each address', () => {
    const state = desiredState(
      seedInput({
        services: [service('web', { ips: ['172.30.250.53'] })],
        frozen: {
          node: 'LBNodeAgent purelb/default is invalid (spec.local.localInterface: invalid regular expression)',
        },
      }),
    );
    assert.deepEqual(state.placements, []);
    assert.deepEqual(state.keep, { node: true, ips: [] });
    assert.deepEqual(errors(state.skips), [['172.30.250.53', 'invalid-config']]);
    assert.match(state.skips[0]!.reason, /nothing on node purelb2-1 is changed/);
  });

  it("a frozen group's Services (by allocated-from, or by what reads of its pools) are kept, the others decided", () => {
    const frozenSvc = service('old', {
      ips: ['172.31.7.7'],
      annotations: { 'purelb.io/allocated-by': 'PureLB', 'purelb.io/allocated-from': 'broken' },
    });
    const state = desiredState(
      seedInput({
        services: [
          frozenSvc,
          service('web', { ips: ['172.30.250.53'] }),
          service('r', { ips: ['172.31.9.9'] }),
        ],
        frozen: {
          groups: [
            {
              name: 'broken',
              reason: 'ServiceGroup purelb/broken is invalid',
              ranges: [{ family: 4, first: 0xac1f0900n, last: 0xac1f09ffn }],
            },
          ],
        },
      }),
    );
    assert.deepEqual(
      state.placements.map((p) => p.ip),
      ['172.30.250.53'],
    );
    assert.deepEqual(state.keep, { node: false, ips: ['172.31.7.7', '172.31.9.9'] });
  });
});
