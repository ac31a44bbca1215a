// The same cluster view gives the same DesiredState, whatever order the informers listed objects in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { desiredState } from '../../src/desired/desired-state.ts';
import { seedNode, withSecondDefault } from '../fixtures/seed-node.ts';
import { service, slice, withIPv6Uplink } from './builders.ts';
import { member, seedInput } from './support.ts';

const services = [
  service('r10', { ips: ['172.31.1.10'] }),
  service('r9', { ips: ['172.31.1.9'] }),
  service('r200', { ips: ['172.31.2.200'] }),
  service('v6r', { ips: ['2001:db8:9::5'] }),
  service('v6l', { ips: ['2001:db8:1::55'] }),
  service('l53', { ips: ['172.30.250.53'] }),
  service('l54', { ips: ['172.30.250.54'], namespace: 'shop', etp: 'Local' }),
  service('none', { ips: ['10.1.1.1'] }),
];
const slices = [slice('l54', [{ node: 'purelb2-1' }], 'shop'), slice('l54', [{ node: 'purelb2-2' }], 'shop')];

describe('desiredState output order', () => {
  it('placements sort by link, then family, then numeric address (172.31.1.9 before 172.31.1.10)', () => {
    const state = desiredState(
      seedInput({ services, endpointSlices: slices, network: withIPv6Uplink(seedNode()) }),
    );
    assert.deepEqual(
      state.placements.map((p) => `${p.link} ${p.ip}`),
      [
        'enp1s0 172.30.250.53',
        'enp1s0 172.30.250.54',
        'enp1s0 2001:db8:1::55',
        'kube-lb0 172.31.1.9',
        'kube-lb0 172.31.1.10',
        'kube-lb0 172.31.2.200',
        'kube-lb0 2001:db8:9::5',
      ],
    );
  });

  it('is the same for any order of Services, slices, groups, agents and members', () => {
    const members = [
      member('purelb2-1', '172.30.250.0/24', '2001:db8:1::/64'),
      member('purelb2-2', '172.30.250.0/24'),
    ];
    for (const network of [withIPv6Uplink(seedNode()), withSecondDefault(seedNode())]) {
      const base = seedInput({ services, endpointSlices: slices, members, network });
      const expected = desiredState(base);
      fc.assert(
        fc.property(
          fc.shuffledSubarray(base.services, { minLength: services.length }),
          fc.shuffledSubarray(base.endpointSlices, { minLength: slices.length }),
          fc.shuffledSubarray(base.groups, { minLength: base.groups.length }),
          fc.shuffledSubarray(members, { minLength: members.length }),
          (svcs, sl, groups, mem) => {
            assert.deepEqual(
              desiredState({ ...base, services: svcs, endpointSlices: sl, groups, members: mem }),
              expected,
            );
          },
        ),
        { numRuns: 100 },
      );
    }
  });
});
