// planReconcile: which operation each difference between desired and observed state produces, and in
// what order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DesiredState, NodeNetwork } from '../../src/model.ts';
import type { PlanOp } from '../../src/plan/plan-ops.ts';
import { planReconcile } from '../../src/plan/planner.ts';
import { applyPlanToModel } from '../../src/plan/simulate.ts';
import { route, seedNode, untagged } from '../fixtures/seed-node.ts';
import { addr, DUMMY, desired, ETH0, ETH1, link, local, network, OURS, ours, virtual } from './build.ts';

/** Ops as short text, so a table can say what it expects at a glance. */
function brief(op: PlanOp): string {
  switch (op.op) {
    case 'create-dummy':
    case 'link-up':
      return `${op.op} ${op.name}`;
    case 'add-address':
      return `add ${op.placement.ip}/${op.placement.prefixLength} dev ${op.placement.link}`;
    case 'replace-address':
      return `replace ${op.placement.ip}/${op.placement.prefixLength} dev ${op.placement.link} (${op.why})`;
    case 'delete-address':
      return `delete ${op.ip}/${op.prefixLength} dev ${op.link}`;
  }
}

interface Case {
  name: string;
  desired: DesiredState;
  observed: NodeNetwork;
  ops: string[];
}

const noDummy = (net: NodeNetwork): NodeNetwork => ({
  ...net,
  links: net.links.filter((l) => l.name !== 'kube-lb0'),
});
const dummyDown = (net: NodeNetwork): NodeNetwork => ({
  ...net,
  links: net.links.map((l) => (l.name === 'kube-lb0' ? { ...l, up: false, flags: l.flags & ~1 } : l)),
});

const cases: Case[] = [
  { name: 'nothing wanted, nothing ours: no op', desired: desired([]), observed: network(), ops: [] },
  {
    name: 'a missing dummy is created and brought up when a virtual placement needs it',
    desired: desired([virtual('172.31.1.5/32')]),
    observed: noDummy(network()),
    ops: ['create-dummy kube-lb0', 'link-up kube-lb0', 'add 172.31.1.5/32 dev kube-lb0'],
  },
  {
    name: 'a missing dummy is not created when only local placements exist',
    desired: desired([local('192.168.1.53/24', 'eth0', { broadcast: '192.168.1.255' })]),
    observed: noDummy(network()),
    ops: ['add 192.168.1.53/24 dev eth0'],
  },
  {
    name: 'a down dummy is brought up even with nothing on it',
    desired: desired([]),
    observed: dummyDown(network()),
    ops: ['link-up kube-lb0'],
  },
  {
    name: 'a desired address that is absent is added',
    desired: desired([
      virtual('172.31.1.5/32'),
      local('192.168.1.53/24', 'eth0', { broadcast: '192.168.1.255' }),
    ]),
    observed: network(),
    ops: ['add 192.168.1.53/24 dev eth0', 'add 172.31.1.5/32 dev kube-lb0'],
  },
  {
    name: 'a desired address already held exactly: no op',
    desired: desired([local('192.168.1.53/24', 'eth0', { broadcast: '192.168.1.255' })]),
    observed: network([
      ours(ETH0, '192.168.1.53/24', {
        broadcast: '192.168.1.255',
        flags: 0x201,
        validLifetime: 290,
        preferredLifetime: 290,
      }),
    ]),
    ops: [],
  },
  {
    name: 'IPv4 on the right link with another prefix: the new one is added before the old one goes',
    desired: desired([virtual('172.31.2.128/24', { broadcast: '172.31.2.255' })]),
    observed: network([ours(DUMMY, '172.31.2.128/32')]),
    ops: ['add 172.31.2.128/24 dev kube-lb0', 'delete 172.31.2.128/32 dev kube-lb0'],
  },
  {
    name: 'IPv6 on the right link with another prefix: replaced (the kernel holds one per link and IP)',
    desired: desired([virtual('2001:db8:1::5/64')]),
    observed: network([ours(DUMMY, '2001:db8:1::5/128')]),
    ops: ['replace 2001:db8:1::5/64 dev kube-lb0 (change-prefix)'],
  },
  {
    name: 'wrong broadcast: replaced',
    desired: desired([virtual('172.31.2.128/24', { broadcast: '172.31.2.255' })]),
    observed: network([ours(DUMMY, '172.31.2.128/24')]),
    ops: ['replace 172.31.2.128/24 dev kube-lb0 (change-attributes)'],
  },
  {
    name: 'missing noprefixroute: replaced',
    desired: desired([local('192.168.1.53/24', 'eth0', { broadcast: '192.168.1.255' })]),
    observed: network([
      ours(ETH0, '192.168.1.53/24', {
        broadcast: '192.168.1.255',
        validLifetime: 300,
        preferredLifetime: 300,
      }),
    ]),
    ops: ['replace 192.168.1.53/24 dev eth0 (change-attributes)'],
  },
  {
    // Only lifetimes differ: renewed in place (NLM_F_REPLACE), the address never goes away for it.
    name: 'forever where 300 s is wanted: renewed in place',
    desired: desired([local('192.168.1.53/24', 'eth0', { broadcast: '192.168.1.255' })]),
    observed: network([ours(ETH0, '192.168.1.53/24', { broadcast: '192.168.1.255', flags: 0x280 })]),
    ops: ['replace 192.168.1.53/24 dev eth0 (refresh-lifetime)'],
  },
  {
    name: 'IPv6 still preferred where preferred 0 is wanted: renewed in place',
    desired: desired([local('2001:db8::53/64', 'eth0')]),
    observed: network([
      ours(ETH0, '2001:db8::53/64', { flags: 0x200, validLifetime: 250, preferredLifetime: 250 }),
    ]),
    ops: ['replace 2001:db8::53/64 dev eth0 (refresh-lifetime)'],
  },
  {
    name: 'more time left than the shorter lifetime now wanted (a shorter Lease): renewed in place',
    desired: desired([local('192.168.1.53/24', 'eth0', { broadcast: '192.168.1.255' })]),
    observed: network([
      ours(ETH0, '192.168.1.53/24', {
        broadcast: '192.168.1.255',
        flags: 0x201,
        validLifetime: 3600,
        preferredLifetime: 3600,
      }),
    ]),
    ops: ['replace 192.168.1.53/24 dev eth0 (refresh-lifetime)'],
  },
  {
    name: 'kernel-reported flags (secondary, deprecated, permanent, tentative) are not differences',
    desired: desired([local('2001:db8::53/64', 'eth0', { flags: ['noprefixroute', 'nodad'] })]),
    observed: network([
      ours(ETH0, '2001:db8::53/64', {
        flags: 0x200 | 0x02 | 0x20 | 0x40 | 0x01,
        validLifetime: 280,
        preferredLifetime: 0,
      }),
    ]),
    ops: [],
  },
  {
    name: 'valid lifetime below half the desired: refreshed',
    desired: desired([local('192.168.1.53/24', 'eth0', { broadcast: '192.168.1.255' })]),
    observed: network([
      ours(ETH0, '192.168.1.53/24', {
        broadcast: '192.168.1.255',
        flags: 0x201,
        validLifetime: 149,
        preferredLifetime: 149,
      }),
    ]),
    ops: ['replace 192.168.1.53/24 dev eth0 (refresh-lifetime)'],
  },
  {
    name: 'valid lifetime at exactly half: not yet refreshed',
    desired: desired([local('192.168.1.53/24', 'eth0', { broadcast: '192.168.1.255' })]),
    observed: network([
      ours(ETH0, '192.168.1.53/24', {
        broadcast: '192.168.1.255',
        flags: 0x201,
        validLifetime: 150,
        preferredLifetime: 150,
      }),
    ]),
    ops: [],
  },
  {
    name: 'an owned address nobody wants is deleted',
    desired: desired([]),
    observed: network([ours(DUMMY, '172.31.1.9/32'), ours(ETH0, '192.168.1.54/24')]),
    ops: ['delete 192.168.1.54/24 dev eth0', 'delete 172.31.1.9/32 dev kube-lb0'],
  },
  {
    name: 'an IP removed from a live Service ingress is withdrawn (it is simply no longer desired)',
    desired: desired([virtual('172.31.1.5/32', { services: ['default/web'] })]),
    observed: network([ours(DUMMY, '172.31.1.5/32'), ours(DUMMY, '172.31.1.6/32')]),
    ops: ['delete 172.31.1.6/32 dev kube-lb0'],
  },
  {
    name: 'an owned address on the wrong interface moves: add on the right one, then delete',
    desired: desired([local('10.0.0.53/24', 'eth1', { broadcast: '10.0.0.255' })]),
    observed: network([ours(ETH0, '10.0.0.53/24', { broadcast: '10.0.0.255' })]),
    ops: ['add 10.0.0.53/24 dev eth1', 'delete 10.0.0.53/24 dev eth0'],
  },
  {
    name: 'a local address falling back to the dummy moves there',
    desired: desired([virtual('192.168.1.53/32')]),
    observed: network([ours(ETH0, '192.168.1.53/24', { broadcast: '192.168.1.255' })]),
    ops: ['add 192.168.1.53/32 dev kube-lb0', 'delete 192.168.1.53/24 dev eth0'],
  },
  {
    name: 'a foreign address with the same IP on another interface: left alone, and nothing claims its IP',
    desired: desired([virtual('172.31.1.5/32')]),
    observed: network([addr(ETH1, '172.31.1.5/32', { label: 'eth1' })]),
    ops: [],
  },
  {
    name: 'a foreign address nobody wants is left alone',
    desired: desired([]),
    observed: network([addr(ETH0, '192.168.1.99/24', { label: 'eth0' }), addr(ETH0, '2001:db8::99/64')]),
    ops: [],
  },
  {
    name: 'a foreign address holding the placement exactly satisfies it, untouched',
    desired: desired([local('192.168.1.53/24', 'eth0', { broadcast: '192.168.1.255' })]),
    observed: network([addr(ETH0, '192.168.1.53/24', { label: 'eth0' })]),
    ops: [],
  },
  {
    name: 'a foreign IPv6 address at the placement link and IP blocks it (nothing can be added beside it)',
    desired: desired([local('2001:db8::53/64', 'eth0')]),
    observed: network([addr(ETH0, '2001:db8::53/128')]),
    ops: [],
  },
  {
    name: 'a foreign IPv4 address at another prefix: left alone, and nothing is added beside it',
    desired: desired([local('192.168.1.53/24', 'eth0', { broadcast: '192.168.1.255' })]),
    observed: network([addr(ETH0, '192.168.1.53/32', { label: 'eth0' })]),
    ops: [],
  },
  {
    name: 'an untagged address on the dummy (added by hand) is never deleted',
    desired: desired([]),
    observed: network([
      addr(DUMMY, '172.31.9.9/32', { label: 'kube-lb0' }),
      addr(DUMMY, '2001:db8:9::9/128'),
    ]),
    ops: [],
  },
  {
    name: "a placement on a gateway of the node's routes is not added",
    desired: desired([virtual('10.0.0.1/32')]),
    observed: network([], {
      routes: [route({ family: 4, oif: ETH1, gateway: '10.0.0.1', priority: 100 })],
    }),
    ops: [],
  },
  {
    name: 'a virtual prefix overlapping a subnet of another interface is not added (its route would compete)',
    desired: desired([virtual('192.168.1.53/24', { broadcast: '192.168.1.255' }), virtual('172.31.1.5/32')]),
    observed: network(),
    ops: ['add 172.31.1.5/32 dev kube-lb0'],
  },
  {
    name: 'a frozen node: nothing at all, not even the deletion of an owned address nobody wants',
    desired: desired([virtual('172.31.1.5/32')], { keep: { node: true, ips: [] } }),
    observed: network([ours(ETH0, '192.168.1.54/24')]),
    ops: [],
  },
  {
    name: 'frozen addresses are neither added nor deleted; the others are',
    desired: desired([virtual('172.31.1.5/32'), virtual('172.31.1.6/32')], {
      keep: { node: false, ips: ['172.31.1.5', '172.31.1.7'] },
    }),
    observed: network([ours(DUMMY, '172.31.1.7/32'), ours(DUMMY, '172.31.1.8/32')]),
    ops: ['add 172.31.1.6/32 dev kube-lb0', 'delete 172.31.1.8/32 dev kube-lb0'],
  },
  {
    name: 'a virtual interface name taken by an interface PureLB did not create: not brought up, not added to, not cleaned',
    desired: desired([
      virtual('172.31.1.5/32'),
      local('192.168.1.53/24', 'eth0', { broadcast: '192.168.1.255' }),
    ]),
    observed: {
      ...dummyDown(network([addr(DUMMY, '172.31.1.9/32')])),
      links: dummyDown(network()).links.map((l) => (l.name === 'kube-lb0' ? { ...l, kind: 'veth' } : l)),
    },
    ops: ['add 192.168.1.53/24 dev eth0'],
  },
  {
    name: 'a placement on a link that does not exist is not planned',
    desired: desired([local('192.168.9.53/24', 'eth9')]),
    observed: network(),
    ops: [],
  },
  {
    name: 'the kernel link-local address on the dummy is not ours to delete',
    desired: desired([]),
    observed: network([addr(DUMMY, 'fe80::ecf0:22ff:fe7d:700d/64', { scope: 253 })]),
    ops: [],
  },
  {
    name: 'order: dummy, adds, replaces, deletes; each sorted by link, family, numeric IP',
    desired: desired([
      virtual('172.31.1.10/32'),
      virtual('172.31.1.9/32'),
      virtual('2001:db8:1::5/128'),
      virtual('172.31.2.128/24', { broadcast: '172.31.2.255' }),
      local('192.168.1.53/24', 'eth0', { broadcast: '192.168.1.255' }),
    ]),
    observed: dummyDown(
      network([
        ours(DUMMY, '172.31.2.128/24'),
        ours(DUMMY, '172.31.1.100/32'),
        ours(DUMMY, '172.31.1.20/32'),
        ours(ETH0, '192.168.1.99/24'),
      ]),
    ),
    ops: [
      'link-up kube-lb0',
      'add 192.168.1.53/24 dev eth0',
      'add 172.31.1.9/32 dev kube-lb0',
      'add 172.31.1.10/32 dev kube-lb0',
      'add 2001:db8:1::5/128 dev kube-lb0',
      'replace 172.31.2.128/24 dev kube-lb0 (change-attributes)',
      'delete 192.168.1.99/24 dev eth0',
      'delete 172.31.1.20/32 dev kube-lb0',
      'delete 172.31.1.100/32 dev kube-lb0',
    ],
  },
];

describe('planReconcile', () => {
  for (const c of cases) {
    it(c.name, () => {
      const plan = planReconcile(c.desired, c.observed, OURS);
      assert.deepEqual(plan.map(brief), c.ops);
      // Every table case also settles: planning again against the result is empty.
      const after = applyPlanToModel(c.observed, plan);
      assert.deepEqual(planReconcile(c.desired, after, OURS).map(brief), []);
    });
  }

  it('add and replace ops carry the tag to write (IFA_PROTO, IPv4 label)', () => {
    const plan = planReconcile(
      desired([virtual('172.31.1.5/32'), virtual('2001:db8:1::5/128')]),
      network(),
      OURS,
    );
    assert.deepEqual(
      plan.map((op) => (op.op === 'add-address' ? op.tag : undefined)),
      [
        { protocol: OURS.protocol, label: 'kube-lb0:plb' },
        { protocol: OURS.protocol, label: undefined },
      ],
    );
  });

  it('a delete says why, in terms an operator reads in the log', () => {
    const plan = planReconcile(
      desired([virtual('172.31.1.5/32'), virtual('172.31.2.128/24', { broadcast: '172.31.2.255' })]),
      network([ours(ETH0, '172.31.1.5/32'), ours(DUMMY, '172.31.2.128/32'), ours(DUMMY, '172.31.1.9/32')]),
      OURS,
    );
    const reasons = plan.flatMap((op) => (op.op === 'delete-address' ? [op.reason] : []));
    assert.deepEqual(reasons, [
      '172.31.1.5 belongs on dev kube-lb0, not dev eth0',
      'no Service wants 172.31.1.9 on this node any more',
      '172.31.2.128 is wanted as /24 on dev kube-lb0, not /32',
    ]);
  });

  it('duplicate placements for one link and IP plan one add', () => {
    const plan = planReconcile(
      desired([virtual('172.31.1.5/32'), virtual('172.31.1.5/32')]),
      network(),
      OURS,
    );
    assert.deepEqual(plan.map(brief), ['add 172.31.1.5/32 dev kube-lb0']);
  });

  it('a repeated address in the dump that is wanted is not deleted', () => {
    const twice = ours(DUMMY, '172.31.1.5/32');
    const plan = planReconcile(desired([virtual('172.31.1.5/32')]), network([twice, { ...twice }]), OURS);
    assert.deepEqual(plan, []);
  });

  it('the seed node as an older PureLB left it: nothing untagged is ever deleted, on enp1s0 or kube-lb0', () => {
    const want = desired([
      virtual('172.31.1.5/32'),
      virtual('172.31.2.128/24', { broadcast: '172.31.2.255' }),
      local('172.30.250.53/24', 'enp1s0', { broadcast: '172.30.250.255' }),
    ]);
    assert.deepEqual(planReconcile(want, untagged(seedNode()), OURS), []);
  });

  it('the seed node: the kube-lb0 and enp1s0 addresses of PureLB that nobody wants are deleted', () => {
    const seed = seedNode();
    const want = desired([
      virtual('172.31.1.5/32'),
      virtual('172.31.2.128/24', { broadcast: '172.31.2.255' }),
      local('172.30.250.53/24', 'enp1s0', { broadcast: '172.30.250.255' }),
    ]);
    const plan = planReconcile(want, seed, OURS).map(brief);
    assert.deepEqual(plan, [
      // The page's .53 is permanent; a local address gets 300 s lifetimes and noprefixroute.
      'replace 172.30.250.53/24 dev enp1s0 (change-attributes)',
      'delete 172.30.250.54/24 dev enp1s0',
      'delete 172.31.0.9/24 dev kube-lb0',
      'delete 172.31.1.2/32 dev kube-lb0',
      'delete 172.31.1.7/32 dev kube-lb0',
      'delete 172.31.1.9/32 dev kube-lb0',
      'delete 172.31.1.225/32 dev kube-lb0',
    ]);
  });

  it('the input states are not changed', () => {
    const observed = network([ours(DUMMY, '172.31.1.9/32')]);
    const want = desired([virtual('172.31.1.5/32')]);
    const before = structuredClone({ observed, want });
    planReconcile(want, observed, OURS);
    assert.deepEqual({ observed, want }, before);
  });

  it('a link known only by a later index is matched by name', () => {
    const net = network();
    net.links.push(link(50, 'eth9'));
    const plan = planReconcile(desired([local('192.168.9.53/24', 'eth9')]), net, OURS);
    assert.deepEqual(plan.map(brief), ['add 192.168.9.53/24 dev eth9']);
  });
});
