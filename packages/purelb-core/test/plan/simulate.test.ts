// applyPlanToModel: the kernel model the planner's properties are checked against.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IFA_F } from '../../src/net/address-flags.ts';
import type { PlanOp } from '../../src/plan/plan-ops.ts';
import { applyPlanToModel, PlanSimulationError } from '../../src/plan/simulate.ts';
import { addr, DUMMY, ETH0, local, network, OURS, virtual } from './build.ts';

const tag4 = (name: string) => ({ protocol: OURS.protocol, label: `${name}:plb` });

describe('applyPlanToModel refuses what the kernel refuses', () => {
  const cases: [string, PlanOp[]][] = [
    [
      'creating a link that exists',
      [{ op: 'create-dummy', name: 'kube-lb0', alias: 'purelb virtual interface' }],
    ],
    ['bringing up a missing link', [{ op: 'link-up', name: 'eth9' }]],
    [
      'adding an IPv4 address that exists (same link, IP and prefix)',
      [{ op: 'add-address', placement: virtual('172.31.1.5/32'), tag: tag4('kube-lb0') }],
    ],
    [
      'adding an IPv6 address that exists at another prefix on the link',
      [{ op: 'add-address', placement: virtual('2001:db8:1::5/64'), tag: tag4('kube-lb0') }],
    ],
    [
      'replacing an address that is not there',
      [
        {
          op: 'replace-address',
          placement: virtual('172.31.1.6/32'),
          tag: tag4('kube-lb0'),
          why: 'refresh-lifetime',
        },
      ],
    ],
    [
      'deleting an address that is not there',
      [{ op: 'delete-address', link: 'kube-lb0', ip: '172.31.1.6', prefixLength: 32, reason: 't' }],
    ],
    [
      'adding to a missing link',
      [{ op: 'add-address', placement: local('192.168.9.5/24', 'eth9'), tag: tag4('eth9') }],
    ],
  ];
  const net = network([addr(DUMMY, '172.31.1.5/32'), addr(DUMMY, '2001:db8:1::5/128')]);
  for (const [name, ops] of cases) {
    it(name, () => assert.throws(() => applyPlanToModel(net, ops), PlanSimulationError));
  }
});

describe('applyPlanToModel models the kernel', () => {
  it('a created dummy gets a fresh index, is down until link-up, then up', () => {
    const net = network();
    net.links = net.links.filter((l) => l.name !== 'kube-lb0');
    const created = applyPlanToModel(net, [
      { op: 'create-dummy', name: 'kube-lb0', alias: 'purelb virtual interface' },
    ]);
    const dummy = created.links.find((l) => l.name === 'kube-lb0');
    assert.equal(dummy?.kind, 'dummy');
    assert.equal(dummy?.up, false);
    assert.equal(dummy?.index, 4);
    const up = applyPlanToModel(created, [{ op: 'link-up', name: 'kube-lb0' }]);
    assert.equal(up.links.find((l) => l.name === 'kube-lb0')?.up, true);
  });

  it('an added address carries the tag, the kernel state flags and the placement lifetimes', () => {
    const p = local('192.168.1.53/24', 'eth0', { broadcast: '192.168.1.255' });
    const after = applyPlanToModel(network(), [{ op: 'add-address', placement: p, tag: tag4('eth0') }]);
    const a = after.addresses.at(-1);
    assert.equal(a?.protocol, OURS.protocol);
    assert.equal(a?.label, 'eth0:plb');
    assert.equal(a?.broadcast, '192.168.1.255');
    // noprefixroute as asked, secondary because 192.168.1.10/24 is the primary of that subnet
    assert.equal(a?.flags, IFA_F.noprefixroute | IFA_F.secondary);
    assert.equal(a?.validLifetime, 300);
  });

  it('an old kernel drops IFA_PROTO; the label remains', () => {
    const p = virtual('172.31.1.5/32');
    const after = applyPlanToModel(network(), [{ op: 'add-address', placement: p, tag: tag4('kube-lb0') }], {
      protocolSupported: false,
    });
    const a = after.addresses.at(-1);
    assert.equal(a?.protocol, undefined);
    assert.equal(a?.label, 'kube-lb0:plb');
    assert.equal(a?.flags, IFA_F.permanent);
  });

  it('deleting a primary promotes its first secondary (promote_secondaries)', () => {
    const net = network([addr(ETH0, '192.168.1.53/24', { flags: IFA_F.permanent | IFA_F.secondary })]);
    const after = applyPlanToModel(net, [
      { op: 'delete-address', link: 'eth0', ip: '192.168.1.10', prefixLength: 24, reason: 't' },
    ]);
    const heir = after.addresses.find((a) => a.address === '192.168.1.53');
    assert.equal(heir?.flags, IFA_F.permanent);
  });

  it('the observed state is not changed', () => {
    const net = network([addr(DUMMY, '172.31.1.5/32')]);
    const before = structuredClone(net);
    applyPlanToModel(net, [
      { op: 'delete-address', link: 'kube-lb0', ip: '172.31.1.5', prefixLength: 32, reason: 't' },
    ]);
    assert.deepEqual(net, before);
  });
});
