// The diagnosis says what harms the node itself: a gateway reached through the virtual interface,
// PureLB's own addresses that claim a gateway or carry a competing route, failed DAD, pool addresses
// someone else holds, and addresses refused because the node already uses them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnose } from '../../src/diagnosis/diagnose.ts';
import type { Finding } from '../../src/diagnosis/finding.ts';
import { group } from '../desired/builders.ts';
import { route } from '../fixtures/seed-node.ts';
import { addr, DUMMY, desired, ETH0, link, network, OURS, ours, virtual } from '../plan/build.ts';

const brief = (f: Finding) => `${f.code} ${f.severity} ${f.ip ?? '-'} ${f.link ?? '-'}`;
const gw = route({ family: 4, oif: ETH0, gateway: '192.168.1.1', priority: 100 });

describe('safety findings', () => {
  it('the gateway reached through the virtual interface (route get) is an error naming the route', () => {
    const findings = diagnose({
      desired: desired([]),
      network: network([], { routes: [gw] }),
      ownership: OURS,
      routeLookups: [
        {
          destination: '192.168.1.1',
          what: 'the gateway of route "default via 192.168.1.1 dev eth0 metric 100"',
          route: route({
            family: 4,
            oif: DUMMY,
            dst: '192.168.1.1',
            dstLength: 32,
            prefsrc: '192.168.1.53',
            scope: 253,
          }),
        },
        {
          destination: '10.0.0.2',
          what: 'a host of 10.0.0.0/24 (dev eth1)',
          route: route({ family: 4, oif: 3, dst: '10.0.0.2', dstLength: 32 }),
        },
      ],
    });
    assert.deepEqual(findings.map(brief), ['route-via-virtual error 192.168.1.1 kube-lb0']);
    assert.match(
      findings[0]!.message,
      /reaches the gateway of route "default via 192\.168\.1\.1 dev eth0 metric 100" through the virtual interface/,
    );
  });

  it("PureLB's own /24 on the dummy that overlaps eth0's subnet, and its own copy of the gateway, are errors", () => {
    const findings = diagnose({
      desired: desired([]),
      network: network([ours(DUMMY, '192.168.1.53/24'), ours(ETH0, '192.168.1.1/24', { flags: 0x81 })], {
        routes: [gw],
      }),
      ownership: OURS,
    });
    const codes = findings.map(brief);
    assert.ok(codes.includes('route-conflict error 192.168.1.53 kube-lb0'), codes.join('; '));
    assert.ok(codes.includes('reserved-address error 192.168.1.1 eth0'), codes.join('; '));
  });

  it('a failed DAD on an IPv6 address of PureLB is an error', () => {
    const [f] = diagnose({
      desired: desired([]),
      network: network([ours(ETH0, '2001:db8::53/64', { flags: 0x08 | 0x40 })]),
      ownership: OURS,
    });
    assert.equal(brief(f!), 'dad-failed error 2001:db8::53 eth0');
  });

  it('a pool address someone else holds and no Service wants is a warning; never a fix that deletes a primary', () => {
    const groups = [group('lan', 'local', { v4pool: { pool: '192.168.1.0/24', subnet: '192.168.1.0/24' } })];
    const findings = diagnose({
      desired: desired([]),
      network: network([addr(ETH0, '192.168.1.56/24', { label: 'eth0', flags: 0x81 })]),
      ownership: OURS,
      groups,
    });
    assert.deepEqual(findings.map(brief), [
      'pool-address-in-use warning 192.168.1.10 eth0',
      'pool-address-in-use warning 192.168.1.56 eth0',
    ]);
    // .10 is eth0's primary (the node's own): never suggested for removal. .56 is a secondary added by hand.
    assert.doesNotMatch(findings[0]!.fix, /ip addr del/);
    assert.match(findings[1]!.fix, /ip addr del 192\.168\.1\.56\/24 dev eth0/);
  });

  it("an address refused because the node holds it names the holder, and for the node's primary never suggests deleting it", () => {
    const skip = {
      service: 'default/web',
      ip: '192.168.1.10',
      code: 'address-in-use' as const,
      reason:
        '192.168.1.10 is already an address of this node (inet 192.168.1.10/24 dev eth0) that PureLB did not add',
      error: true,
    };
    const [f] = diagnose({ desired: desired([], { skips: [skip] }), network: network(), ownership: OURS });
    assert.equal(brief(f!), 'address-in-use error 192.168.1.10 eth0');
    assert.doesNotMatch(f!.fix, /ip addr del/);
    assert.match(f!.fix, /this node's own address/);
  });
});

describe('copies on lo or a NOARP dummy (kube-proxy IPVS) are not findings', () => {
  it('a Service IP another node wins, bound on kube-ipvs0 here, is neither a second holder nor a conflict', () => {
    const net = network([addr(70, '192.168.1.53/32')]);
    net.links.push(link(70, 'kube-ipvs0', { kind: 'dummy', flags: 0x80 | 0x2 }));
    const skip = {
      service: 'default/web',
      ip: '192.168.1.53',
      code: 'not-winner' as const,
      reason: 'x',
      error: false,
      winner: 'purelb2-3',
    };
    assert.deepEqual(
      diagnose({ desired: desired([], { skips: [skip] }), network: net, ownership: OURS }),
      [],
    );
    assert.deepEqual(
      diagnose({ desired: desired([virtual('192.168.1.53/32')]), network: net, ownership: OURS }).map(brief),
      ['address-missing error 192.168.1.53 kube-lb0'],
    );
  });
});
