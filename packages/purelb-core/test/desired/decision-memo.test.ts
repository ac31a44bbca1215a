// DecisionMemo: a reused decision is always the one desiredState would make afresh, and it is reused
// exactly where nothing the decision reads changed (a restore of PureLB's own address, a Lease's new
// expiry), so a reconcile at 10k Services does not decide again for them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { desiredState } from '../../src/desired/desired-state.ts';
import { DecisionMemo, sameData } from '../../src/desired/memo.ts';
import type { DesiredInput } from '../../src/desired/types.ts';
import { configWarnings } from '../../src/diagnosis/config-warnings.ts';
import { PURELB_ADDRESS_PROTOCOL } from '../../src/model.ts';
import { address } from '../fixtures/seed-node.ts';
import { service, slice } from './builders.ts';
import { member, NODE, seedInput } from './support.ts';

const ENP1S0 = 2;
const svcs = [
  service('web', { ips: ['172.30.250.53'] }),
  service('api', { ips: ['172.31.1.5'] }),
  service('v6', { ips: ['2001:db8:1::53'] }),
  service('etp', { ips: ['172.31.1.6'], etp: 'Local' }),
  service('etp-local', { ips: ['172.30.250.55'], etp: 'Local' }),
];
const endpointsOn = (node: string) => [slice('etp', [{ node }]), slice('etp-local', [{ node }])];
const owned = (ip: string, prefixLength: number) =>
  address('enp1s0', { index: ENP1S0, address: ip, prefixLength, protocol: PURELB_ADDRESS_PROTOCOL });
const base = () => seedInput({ services: svcs, endpointSlices: endpointsOn(NODE) });

/** A change to one input and whether the decision may be reused across it. */
interface Step {
  name: string;
  change: (input: DesiredInput) => DesiredInput;
  reused: boolean;
}

const withAddresses = (input: DesiredInput, addresses: DesiredInput['network']['addresses']) => ({
  ...input,
  network: { ...input.network, addresses },
});

const steps: Step[] = [
  { name: 'nothing changes', change: (i) => ({ ...i }), reused: true },
  {
    name: "PureLB's own /32 is deleted from the node (a restore)",
    change: (i) =>
      withAddresses(
        i,
        i.network.addresses.filter((a) => a.protocol !== PURELB_ADDRESS_PROTOCOL),
      ),
    reused: true,
  },
  {
    name: 'a Lease renewal moves a member expiry',
    change: (i) => ({ ...i, members: i.members.map((m) => ({ ...m, expiresAt: m.expiresAt + 5000 })) }),
    reused: true,
  },
  {
    name: 'a copy of the network with the same addresses (a new dump)',
    change: (i) => ({ ...i, network: structuredClone(i.network) }),
    reused: true,
  },
  {
    name: 'another member joins the subnet',
    change: (i) => ({ ...i, members: [...i.members, member('purelb2-2', '172.30.250.0/24')] }),
    reused: false,
  },
  {
    name: 'a Service is replaced by a new version',
    change: (i) => ({ ...i, services: [service('web', { ips: ['172.30.250.54'] }), ...i.services.slice(1)] }),
    reused: false,
  },
  {
    name: 'the endpoints of the Local Services move to another node',
    change: (i) => ({ ...i, endpointSlices: endpointsOn('purelb2-2') }),
    reused: false,
  },
  {
    name: 'the endpoints come back to this node',
    change: (i) => ({ ...i, endpointSlices: endpointsOn(NODE) }),
    reused: false,
  },
  {
    name: "the node's own address on enp1s0 goes",
    change: (i) =>
      withAddresses(
        i,
        i.network.addresses.filter((a) => a.address !== '172.30.250.104'),
      ),
    reused: false,
  },
  {
    name: 'an address of the node takes a Service IP (foreign, not owned)',
    change: (i) =>
      withAddresses(i, [
        ...i.network.addresses,
        address('enp1s0', { index: ENP1S0, address: '172.31.1.5', prefixLength: 32 }),
      ]),
    reused: false,
  },
  {
    name: 'PureLB adds a subnet-length address of its own (owned: it gives no usable subnet)',
    change: (i) => withAddresses(i, [...i.network.addresses, owned('172.30.250.53', 24)]),
    reused: true,
  },
  {
    name: 'a conflict is recorded',
    change: (i) => ({ ...i, conflicts: new Map([['172.30.250.53', 'ARP reply from 52:54:00:00:00:01']]) }),
    reused: false,
  },
  {
    name: 'a link loses carrier',
    change: (i) => ({
      ...i,
      network: {
        ...i.network,
        links: i.network.links.map((l) => (l.index === ENP1S0 ? { ...l, flags: l.flags & ~0x10000 } : l)),
      },
    }),
    reused: false,
  },
  {
    name: 'a ServiceGroup becomes frozen',
    change: (i) => ({
      ...i,
      frozen: {
        groups: [
          { name: 'g', reason: 'invalid', ranges: [{ family: 4, first: 0xac1efa00n, last: 0xac1efaffn }] },
        ],
      },
    }),
    reused: false,
  },
];

describe('DecisionMemo', () => {
  for (const step of steps) {
    it(`${step.reused ? 'reuses' : 'decides again'} when ${step.name}`, () => {
      const memo = new DecisionMemo();
      const first = base();
      memo.desiredState(first);
      const next = step.change(first);
      const before = memo.counts.reused;
      const got = memo.desiredState(next);
      assert.equal(memo.counts.reused - before, step.reused ? 1 : 0);
      assert.deepEqual(got, desiredState(next));
    });
  }

  it('within one context, only the Service that changed is decided again', () => {
    const memo = new DecisionMemo();
    const first = base();
    memo.desiredState(first);
    const changed = {
      ...first,
      services: [service('web', { ips: ['172.30.250.54'] }), ...first.services.slice(1)],
    };
    assert.deepEqual(memo.desiredState(changed), desiredState(changed));
    assert.deepEqual(memo.services, { reused: svcs.length - 1, decided: svcs.length + 1 });
    const moved = { ...changed, members: [...changed.members, member('purelb2-2', '172.30.250.0/24')] };
    assert.deepEqual(memo.desiredState(moved), desiredState(moved));
    assert.deepEqual(
      memo.services,
      { reused: 0, decided: svcs.length },
      'a new context decides every Service',
    );
  });

  it('an empty frozen set (effectiveConfig gives {} when nothing is frozen) still ignores owned addresses', () => {
    const memo = new DecisionMemo();
    const first = { ...base(), frozen: {} };
    memo.desiredState(first);
    const restored = withAddresses(
      first,
      first.network.addresses.filter((a) => a.protocol !== PURELB_ADDRESS_PROTOCOL),
    );
    memo.desiredState(restored);
    assert.equal(memo.counts.reused, 1);
  });

  it("a frozen group reads PureLB's own addresses: deleting one in its range decides again", () => {
    const memo = new DecisionMemo();
    const range = { family: 4 as const, first: 0xac1efa00n, last: 0xac1efaffn }; // 172.30.250.0/24
    const first = {
      ...base(),
      frozen: { groups: [{ name: 'typo', reason: 'ServiceGroup typo is invalid', ranges: [range] }] },
    };
    memo.desiredState(first);
    const deleted = withAddresses(
      first,
      first.network.addresses.filter((a) => a.address !== '172.30.250.53'),
    );
    assert.deepEqual(memo.desiredState(deleted), desiredState(deleted));
    assert.deepEqual(memo.counts, { reused: 0, decided: 2 });
  });

  it('under a random walk of those changes, every answer equals a fresh decision', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const memo = new DecisionMemo();
    let input = base();
    for (let k = 0; k < 200; k++) {
      const step = steps[Math.floor(rand() * steps.length)] as Step;
      input = rand() < 0.15 ? base() : step.change(input);
      assert.deepEqual(memo.desiredState(input), desiredState(input), `after ${k} steps, last: ${step.name}`);
    }
    assert.ok(memo.counts.reused > 20 && memo.counts.decided > 20, JSON.stringify(memo.counts));
  });

  it('configWarnings is reused while its input reads the same, and equals a fresh call', () => {
    const memo = new DecisionMemo();
    const input = base();
    const w = { groups: input.groups, services: input.services, network: input.network };
    const first = memo.configWarnings(w);
    const restored = { ...w, network: { ...w.network, addresses: [] } };
    assert.equal(memo.configWarnings(restored), first);
    const renamed = {
      ...w,
      network: { ...w.network, links: w.network.links.map((l) => ({ ...l, name: `${l.name}x` })) },
    };
    assert.deepEqual(memo.configWarnings(renamed), configWarnings(renamed));
    assert.notEqual(memo.configWarnings(renamed), first);
  });
});

describe('sameData', () => {
  it('compares plain data deeply: arrays, Maps, Sets, bigint, Infinity, NaN', () => {
    assert.ok(
      sameData(
        { a: [1n, Number.POSITIVE_INFINITY, Number.NaN] },
        { a: [1n, Number.POSITIVE_INFINITY, Number.NaN] },
      ),
    );
    assert.ok(sameData(new Map([['x', new Set([1])]]), new Map([['x', new Set([1])]])));
    assert.ok(!sameData(new Map([['x', 1]]), new Map([['x', 2]])));
    assert.ok(!sameData({ a: 1 }, { a: 1, b: undefined }));
    assert.ok(!sameData([1, 2], { 0: 1, 1: 2 }));
    assert.ok(!sameData(new Set([1]), new Set([2])));
    assert.ok(!sameData(NODE, `${NODE} `));
  });
});
