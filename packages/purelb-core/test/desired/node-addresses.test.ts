// A Node's own address (its status.addresses) in a Service's status is never placed, on any node: an
// error naming the node, while the Service's other addresses are placed as usual.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { desiredState } from '../../src/desired/desired-state.ts';
import type { KubeNode } from '../../src/kube.ts';
import { nodeAddresses } from '../../src/node-addresses.ts';
import { service } from './builders.ts';
import { NODE, seedInput } from './support.ts';

const node = (name: string, ...addresses: [string, string][]): KubeNode => ({
  metadata: { name },
  status: { addresses: addresses.map(([type, address]) => ({ type, address })) },
});
const nodes = [
  node(NODE, ['InternalIP', '172.30.250.56'], ['Hostname', NODE]),
  node('node-b', ['InternalIP', '172.30.250.55'], ['ExternalIP', '2001:DB8:1::0057']),
];

describe('desiredState: Node addresses', () => {
  it("another node's address is refused naming the node; the Service's other address is placed", () => {
    const svc = service('a', { ips: ['172.30.250.55', '172.30.250.53'] });
    const before = desiredState(seedInput({ services: [svc] }));
    assert.ok(
      before.placements.some((p) => p.ip === '172.30.250.55'),
      'without the Nodes the address would be placed (the break)',
    );
    const state = desiredState(seedInput({ services: [svc], nodes }));
    assert.deepEqual(
      state.placements.map((p) => p.ip),
      ['172.30.250.53'],
    );
    assert.deepEqual(
      state.skips.map((s) => [s.service, s.ip, s.code, s.error]),
      [['default/a', '172.30.250.55', 'node-address', true]],
    );
    assert.match(state.skips[0]!.reason, /node node-b's InternalIP 172\.30\.250\.55/);
  });

  it('its own and IPv6 addresses are refused too, compared canonically', () => {
    const svc = service('a', { ips: ['172.30.250.56', '2001:db8:1::57'] });
    const state = desiredState(seedInput({ services: [svc], nodes }));
    assert.deepEqual(state.placements, []);
    assert.deepEqual(
      state.skips.map((s) => [s.ip, s.code]),
      [
        ['172.30.250.56', 'node-address'],
        ['2001:db8:1::57', 'node-address'],
      ],
    );
    assert.match(state.skips[0]!.reason, new RegExp(`node ${NODE}'s InternalIP`));
  });
});

describe('nodeAddresses', () => {
  it('reads every IP, skips hostnames and malformed entries, keeps the first owner', () => {
    const odd = { metadata: { name: 'odd' }, status: { addresses: 'x' } } as unknown as KubeNode;
    const map = nodeAddresses([...nodes, odd, node('dup', ['InternalIP', '172.30.250.55'])]);
    assert.deepEqual(
      [...map.values()].map((a) => [a.node, a.type, a.ip]),
      [
        [NODE, 'InternalIP', '172.30.250.56'],
        ['node-b', 'InternalIP', '172.30.250.55'],
        ['node-b', 'ExternalIP', '2001:db8:1::57'],
      ],
    );
  });
});
