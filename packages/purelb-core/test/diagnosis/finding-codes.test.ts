// diagnose: each finding code, from hand-built desired and observed states.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnose } from '../../src/diagnosis/diagnose.ts';
import type { Finding } from '../../src/diagnosis/finding.ts';
import type { DesiredState, NodeNetwork, PlacementSkip } from '../../src/model.ts';
import { addr, DUMMY, desired, ETH0, ETH1, local, network, OURS, ours, virtual } from '../plan/build.ts';

const skip = (fields: Partial<PlacementSkip> & Pick<PlacementSkip, 'code'>): PlacementSkip => ({
  service: 'default/web',
  ip: '192.168.1.53',
  reason: 'test reason',
  error: true,
  ...fields,
});

interface Case {
  name: string;
  desired: DesiredState;
  network: NodeNetwork;
  /** The findings expected, as "code severity ip link". */
  findings: string[];
  /** Substrings the first finding's message must contain. */
  says?: string[];
}

const brief = (f: Finding): string => [f.code, f.severity, f.ip ?? '-', f.link ?? '-'].join(' ');
const withoutDummy = (net: NodeNetwork): NodeNetwork => ({
  ...net,
  links: net.links.filter((l) => l.name !== 'kube-lb0'),
});
const dummyDown = (net: NodeNetwork): NodeNetwork => ({
  ...net,
  links: net.links.map((l) => (l.name === 'kube-lb0' ? { ...l, up: false } : l)),
});
const good53 = ours(ETH0, '192.168.1.53/24', {
  broadcast: '192.168.1.255',
  flags: 0x201,
  validLifetime: 200,
  preferredLifetime: 200,
});
const want53 = local('192.168.1.53/24', 'eth0', { broadcast: '192.168.1.255' });

const cases: Case[] = [
  { name: 'all in place: nothing', desired: desired([want53]), network: network([good53]), findings: [] },
  {
    name: 'no-default-route when an address needed the election',
    desired: desired([], { elections: { 6: { status: 'none', family: 6, reason: 'no default route' } } }),
    network: network(),
    findings: ['no-default-route warning - -'],
    says: ['no IPv6 default route in the main table', 'dev kube-lb0'],
  },
  {
    name: 'dummy-missing when a virtual placement needs it (its addresses are not repeated)',
    desired: desired([virtual('172.31.1.5/32'), virtual('172.31.1.6/32')]),
    network: withoutDummy(network()),
    findings: ['dummy-missing error - kube-lb0'],
    says: ['dev kube-lb0 does not exist: 2 virtual addresses'],
  },
  {
    name: 'no dummy and nothing needs it: nothing',
    desired: desired([]),
    network: withoutDummy(network()),
    findings: [],
  },
  {
    name: 'dummy-down with placements on it is an error',
    desired: desired([virtual('172.31.1.5/32')]),
    network: dummyDown(network([ours(DUMMY, '172.31.1.5/32')])),
    findings: ['dummy-down error - kube-lb0'],
    says: ['dev kube-lb0 is DOWN'],
  },
  {
    name: 'dummy-down with nothing on it is a warning',
    desired: desired([]),
    network: dummyDown(network()),
    findings: ['dummy-down warning - kube-lb0'],
  },
  {
    name: 'address-missing',
    desired: desired([virtual('172.31.1.5/32')]),
    network: network(),
    findings: ['address-missing error 172.31.1.5 kube-lb0'],
    says: ['inet 172.31.1.5/32 dev kube-lb0 is missing'],
  },
  {
    name: 'address-missing on an interface the node does not have',
    desired: desired([local('192.168.9.53/24', 'eth9')]),
    network: network(),
    findings: ['address-missing error 192.168.9.53 eth9'],
    says: ['dev eth9 does not exist'],
  },
  {
    name: 'address-stale: ours, nobody wants it',
    desired: desired([]),
    network: network([ours(DUMMY, '172.31.1.9/32')]),
    findings: ['address-stale warning 172.31.1.9 kube-lb0'],
    says: ['inet 172.31.1.9/32 dev kube-lb0 is PureLB', 'no Service wants it'],
  },
  {
    name: 'a foreign address nobody wants is not a finding',
    desired: desired([]),
    network: network([addr(ETH0, '192.168.1.99/24', { label: 'eth0' })]),
    findings: [],
  },
  {
    name: 'wrong-interface: ours on eth0, wanted on eth1 (not also reported missing)',
    desired: desired([local('10.0.0.53/24', 'eth1', { broadcast: '10.0.0.255' })]),
    network: network([ours(ETH0, '10.0.0.53/24', { broadcast: '10.0.0.255' })]),
    findings: ['wrong-interface error 10.0.0.53 eth0'],
    says: ['inet 10.0.0.53/24 dev eth0 is on the wrong interface: wanted on dev eth1'],
  },
  {
    name: 'wrong-prefix: ours at /32, wanted /24 (not also reported missing)',
    desired: desired([virtual('172.31.2.128/24', { broadcast: '172.31.2.255' })]),
    network: network([ours(DUMMY, '172.31.2.128/32')]),
    findings: ['wrong-prefix error 172.31.2.128 kube-lb0'],
    says: ['has prefix /32, wanted /24'],
  },
  {
    name: 'wrong-attributes: broadcast and noprefixroute',
    desired: desired([want53]),
    network: network([
      ours(ETH0, '192.168.1.53/24', { flags: 0x1, validLifetime: 200, preferredLifetime: 200 }),
    ]),
    findings: ['wrong-attributes warning 192.168.1.53 eth0'],
    says: ['brd 192.168.1.255 instead of none', 'noprefixroute missing'],
  },
  {
    name: 'a lifetime ageing towards refresh is not a finding',
    desired: desired([want53]),
    network: network([{ ...good53, validLifetime: 20, preferredLifetime: 20 }]),
    findings: [],
  },
  {
    name: 'not-winner-but-present: ours, another node wins',
    desired: desired([], { skips: [skip({ code: 'not-winner', winner: 'purelb2-3', error: false })] }),
    network: network([good53]),
    findings: ['not-winner-but-present error 192.168.1.53 eth0'],
    says: ['inet 192.168.1.53/24 dev eth0 is present but purelb2-3 wins 192.168.1.53'],
  },
  {
    name: 'not-winner-but-present: an untagged copy, with a by-hand fix',
    desired: desired([], { skips: [skip({ code: 'not-winner', winner: 'purelb2-3', error: false })] }),
    network: network([addr(ETH0, '192.168.1.53/24', { label: 'eth0' })]),
    findings: ['not-winner-but-present error 192.168.1.53 eth0'],
  },
  {
    name: 'foreign-address-conflict: an untagged address with the VIP on another interface',
    desired: desired([virtual('172.31.1.5/32')]),
    network: network([ours(DUMMY, '172.31.1.5/32'), addr(ETH1, '172.31.1.5/32', { label: 'eth1' })]),
    // Ours collides with an address the node already has: ours is the one to go.
    findings: [
      'address-in-use error 172.31.1.5 kube-lb0',
      'foreign-address-conflict warning 172.31.1.5 eth1',
    ],
    says: [
      "inet 172.31.1.5/32 dev kube-lb0 is PureLB's, and 172.31.1.5 is already an address of this node (inet 172.31.1.5/32 dev eth1)",
    ],
  },
  {
    name: 'an untagged address on the virtual interface that the placement wants is a leftover to remove by hand',
    desired: desired([virtual('172.31.1.5/32')]),
    network: network([addr(DUMMY, '172.31.1.5/32', { label: 'kube-lb0' })]),
    findings: ['foreign-address-conflict warning 172.31.1.5 kube-lb0'],
    says: ['inet 172.31.1.5/32 dev kube-lb0 is held by an address PureLB did not tag'],
  },
  {
    name: 'foreign-address-conflict: the placement is held by an untagged address',
    desired: desired([want53]),
    network: network([addr(ETH0, '192.168.1.53/24', { label: 'eth0', broadcast: '192.168.1.255' })]),
    findings: ['foreign-address-conflict warning 192.168.1.53 eth0'],
    says: ['never refresh or withdraw it'],
  },
  {
    name: 'foreign-address-conflict: an untagged IPv6 address blocks the placement (once, as an error)',
    desired: desired([local('2001:db8::53/64', 'eth0')]),
    network: network([addr(ETH0, '2001:db8::53/128')]),
    findings: ['foreign-address-conflict error 2001:db8::53 eth0'],
    says: ['inet6 2001:db8::53/64 dev eth0 cannot be added'],
  },
  {
    name: 'error skips become findings: no-group',
    desired: desired([], {
      skips: [skip({ code: 'no-group', ip: '203.0.113.7', reason: '203.0.113.7 is in no pool' })],
    }),
    network: network(),
    findings: ['no-group error 203.0.113.7 -'],
    says: ['default/web 203.0.113.7: 203.0.113.7 is in no pool'],
  },
  {
    name: 'error skips become findings: invalid-config, not-selected',
    desired: desired([], {
      skips: [
        skip({ code: 'invalid-config', service: 'b/svc', ip: '10.9.0.1' }),
        skip({ code: 'not-selected', service: 'a/svc', ip: '10.9.0.2' }),
      ],
    }),
    network: network(),
    findings: ['not-selected error 10.9.0.2 -', 'invalid-config error 10.9.0.1 -'],
  },
  {
    name: 'skips that are not errors are not findings',
    desired: desired([], { skips: [skip({ code: 'no-local-endpoint', error: false })] }),
    network: network(),
    findings: [],
  },
  {
    name: 'errors come before warnings',
    desired: desired([virtual('172.31.1.5/32')]),
    network: network([ours(DUMMY, '172.31.1.9/32')]),
    findings: ['address-missing error 172.31.1.5 kube-lb0', 'address-stale warning 172.31.1.9 kube-lb0'],
  },
];

describe('diagnose finding codes', () => {
  for (const c of cases) {
    it(c.name, () => {
      const findings = diagnose({ desired: c.desired, network: c.network, ownership: OURS });
      assert.deepEqual(findings.map(brief), c.findings);
      for (const text of c.says ?? [])
        assert.ok(findings[0]?.message.includes(text), `${findings[0]?.message} lacks "${text}"`);
      for (const f of findings) {
        assert.ok(!f.message.includes('\n'), `multi-line message: ${f.message}`);
        assert.ok(f.fix.length > 0, `${f.code} without a fix`);
      }
    });
  }

  it('a foreign not-winner copy is fixed by hand, ours by the agent', () => {
    const skips = [skip({ code: 'not-winner', winner: 'purelb2-3', error: false })];
    const [foreign] = diagnose({
      desired: desired([], { skips }),
      // A secondary added by hand: removing it is the fix.
      network: network([addr(ETH0, '192.168.1.53/24', { label: 'eth0', flags: 0x81 })]),
      ownership: OURS,
    });
    assert.match(
      foreign?.fix ?? '',
      /^"ip addr del 192\.168\.1\.53\/24 dev eth0": it is not tagged as PureLB's/,
    );
    // The node's own primary address: never suggested for removal.
    const [primary] = diagnose({
      desired: desired([], {
        skips: [skip({ code: 'not-winner', winner: 'purelb2-3', error: false, ip: '192.168.1.10' })],
      }),
      network: network(),
      ownership: OURS,
    });
    assert.doesNotMatch(primary?.fix ?? '', /ip addr del/);
    assert.match(
      primary?.fix ?? '',
      /this node's own address \(inet 192\.168\.1\.10\/24 dev eth0\): leave it/,
    );
    const [owned] = diagnose({
      desired: desired([], { skips }),
      network: network([good53]),
      ownership: OURS,
    });
    assert.match(owned?.fix ?? '', /^the agent withdraws it/);
  });

  it('expected and actual read like ip addr', () => {
    const [f] = diagnose({
      desired: desired([want53]),
      network: network([
        ours(ETH0, '192.168.1.53/24', { flags: 0x1, validLifetime: 200, preferredLifetime: 200 }),
      ]),
      ownership: OURS,
    });
    assert.equal(
      f?.expected,
      'inet 192.168.1.53/24 brd 192.168.1.255 scope global dynamic noprefixroute eth0 valid_lft 300sec preferred_lft 300sec',
    );
    assert.equal(
      f?.actual,
      'inet 192.168.1.53/24 scope global secondary dynamic eth0 valid_lft 200sec preferred_lft 200sec',
    );
  });
});
