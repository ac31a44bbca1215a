// diagnose on the troubleshooting page's node: healthy as shown, and the two-default-routes failure.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnose } from '../../src/diagnosis/diagnose.ts';
import { summarise } from '../../src/diagnosis/summarise.ts';
import type { DesiredState, Placement } from '../../src/model.ts';
import { seedNode, untagged, withSecondDefault } from '../fixtures/seed-node.ts';
import { desired, local, OURS, virtual } from '../plan/build.ts';

/** What the seed's kube-lb0 shows, as placements (permanent, on the dummy). */
const seedVirtuals = (): Placement[] => [
  virtual('172.31.1.225/32'),
  virtual('172.31.2.128/24', { broadcast: '172.31.2.255' }),
  virtual('172.31.1.5/32'),
  virtual('172.31.1.2/32'),
  virtual('172.31.1.7/32'),
  virtual('172.31.1.9/32'),
  virtual('172.31.0.9/24', { broadcast: '172.31.0.255' }),
];

/** The page's addresses as a desired state: the kube-lb0 ones, and .53 permanent on enp1s0. */
const seedWant = (): DesiredState =>
  desired(
    [
      ...seedVirtuals(),
      local('172.30.250.53/24', 'enp1s0', {
        broadcast: '172.30.250.255',
        flags: [],
        validLifetime: Infinity,
        preferredLifetime: Infinity,
      }),
    ],
    { elections: { 4: { status: 'elected', family: 4, link: 'enp1s0', index: 2, reason: 'lowest metric' } } },
  );

describe('diagnose on the seed node', () => {
  it('as the page shows it, with the dummy addresses and .53 wanted: the one PureLB address nobody wants is stale', () => {
    const findings = diagnose({ desired: seedWant(), network: seedNode(), ownership: OURS });
    assert.deepEqual(
      findings.map((f) => `${f.code} ${f.ip}`),
      ['address-stale 172.30.250.54'],
    );
  });

  it("as an older PureLB left it (nothing tagged): the wanted .53 is flagged as not PureLB's, .54 is nobody's business", () => {
    const findings = diagnose({ desired: seedWant(), network: untagged(seedNode()), ownership: OURS });
    assert.deepEqual(
      findings.map((f) => `${f.code} ${f.ip}`),
      [
        'foreign-address-conflict 172.30.250.53',
        'foreign-address-conflict 172.31.0.9',
        'foreign-address-conflict 172.31.1.2',
        'foreign-address-conflict 172.31.1.5',
        'foreign-address-conflict 172.31.1.7',
        'foreign-address-conflict 172.31.1.9',
        'foreign-address-conflict 172.31.1.225',
        'foreign-address-conflict 172.31.2.128',
      ],
    );
    assert.equal(summarise(findings).verdict, 'findings');
  });

  it('with a second default route at the same metric: ambiguous-default-route, naming both routes and a fix', () => {
    const net = withSecondDefault(seedNode());
    const want = desired([...seedVirtuals(), virtual('172.30.250.53/32')], {
      elections: {
        4: {
          status: 'ambiguous',
          family: 4,
          candidates: ['enp1s0', 'enp2s0'],
          reason: 'two default routes at metric 100',
        },
      },
      skips: [
        {
          service: 'default/web',
          ip: '172.30.250.53',
          code: 'ambiguous-default-route',
          reason: 'PureLB is unable to identify the local interface',
          error: true,
        },
      ],
    });
    const findings = diagnose({ desired: want, network: net, ownership: OURS });
    const ambiguous = findings.filter((f) => f.code === 'ambiguous-default-route');
    assert.equal(ambiguous.length, 1, 'the per-address skip is folded into the one route finding');
    const [f] = ambiguous;
    assert.equal(f?.severity, 'error');
    assert.equal(
      f?.message,
      'PureLB is unable to identify the local interface for IPv4: 2 default routes at metric 100 ' +
        '(default via 172.30.250.1 dev enp1s0 proto dhcp src 172.30.250.104 metric 100; default via 192.168.122.1 dev enp2s0 proto dhcp metric 100); ' +
        'local addresses go to dev kube-lb0 instead',
    );
    assert.match(
      f?.fix ?? '',
      /"ip route del default via 192\.168\.122\.1 dev enp2s0 proto dhcp metric 100"/,
    );
    assert.match(
      f?.fix ?? '',
      /"ip route add default via 192\.168\.122\.1 dev enp2s0 proto dhcp metric 101"/,
    );
    assert.match(f?.fix ?? '', /spec\.local\.localInterface/);
    // The local address goes to kube-lb0 as /32 (the fallback): PureLB's copy on enp1s0 is on the wrong
    // interface now (one finding says so, not also "missing"), and .54 is stale.
    assert.deepEqual(
      findings.filter((x) => x.code !== 'ambiguous-default-route').map((x) => `${x.code} ${x.ip} ${x.link}`),
      ['wrong-interface 172.30.250.53 enp1s0', 'address-stale 172.30.250.54 enp1s0'],
    );
  });

  it('a multipath default across two interfaces is ambiguous too', () => {
    const net = seedNode();
    const first = net.routes[0]!;
    net.routes[0] = {
      ...first,
      oif: undefined,
      gateway: undefined,
      nexthops: [
        { gateway: '172.30.250.1', oif: 2, weight: 1, flags: 0 },
        { gateway: '172.17.0.254', oif: 3, weight: 1, flags: 0 },
      ],
    };
    const want = desired([], {
      elections: {
        4: { status: 'ambiguous', family: 4, candidates: ['docker0', 'enp1s0'], reason: 'multipath' },
      },
    });
    const [f] = diagnose({ desired: want, network: net, ownership: OURS });
    assert.equal(f?.code, 'ambiguous-default-route');
    assert.match(
      f?.message ?? '',
      /multipath across dev docker0, dev enp1s0 \(default proto dhcp src 172\.30\.250\.104 metric 100 nexthop via 172\.30\.250\.1 dev enp1s0 weight 1 nexthop via 172\.17\.0\.254 dev docker0 weight 1\)/,
    );
    assert.match(f?.fix ?? '', /single-path default routes/);
  });
});
