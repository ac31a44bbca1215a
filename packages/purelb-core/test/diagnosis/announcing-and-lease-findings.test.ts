// announcingFindings: a Service's announcing slot naming a node other than the election winner of a local
// address is a finding (that node may still hold it); leaseFindings: a node without a live Lease wins nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { announcersByIP, announcingFindings, localWinners } from '../../src/diagnosis/announcing-findings.ts';
import { leaseFindings } from '../../src/diagnosis/lease-findings.ts';
import type { Membership } from '../../src/election/members.ts';
import type { Service } from '../../src/kube.ts';
import type { PlacementSkip } from '../../src/model.ts';
import { desired, local, virtual } from '../plan/build.ts';

const svc = (name: string, v4?: string, v6?: string): Service => ({
  metadata: {
    name,
    namespace: 'default',
    annotations: {
      ...(v4 === undefined ? {} : { 'purelb.io/announcing-IPv4': v4 }),
      ...(v6 === undefined ? {} : { 'purelb.io/announcing-IPv6': v6 }),
    },
  },
});

const notWinner = (ip: string, winner: string, service = 'default/web'): PlacementSkip => ({
  service,
  ip,
  code: 'not-winner',
  winner,
  reason: `node ${winner} wins ${ip}`,
  error: false,
});

// This node (purelb2-1) wins .53 and places it; purelb2-2 wins .54 and 2001:db8::5.
const state = desired([local('192.168.1.53/24', 'eth0')], {
  skips: [notWinner('192.168.1.54', 'purelb2-2', 'default/api'), notWinner('2001:DB8::5', 'purelb2-2')],
});

describe('announcingFindings', () => {
  it('is silent when every slot names the winner', () => {
    const services = [
      svc('web', 'purelb2-1,eth0,192.168.1.53', 'purelb2-2,eth0,2001:db8::5'),
      svc('api', 'purelb2-2,eth0,192.168.1.54'),
    ];
    assert.deepEqual(announcingFindings(state, services), []);
  });

  it('reports a slot of another node for an address this node wins', () => {
    const [f, ...rest] = announcingFindings(state, [svc('web', 'purelb2-3,enp1s0,192.168.1.53')]);
    assert.deepEqual(rest, []);
    assert.equal(f?.code, 'announced-by-non-winner');
    assert.equal(f?.severity, 'warning');
    assert.equal(f?.service, 'default/web');
    assert.equal(f?.ip, '192.168.1.53');
    assert.equal(f?.link, 'enp1s0');
    assert.equal(f?.actual, 'purelb2-3,enp1s0,192.168.1.53');
    assert.match(
      f?.message ?? '',
      /node purelb2-3 announces 192\.168\.1\.53 on dev enp1s0, but this node wins/,
    );
    assert.match(f?.fix ?? '', /on purelb2-3: "purelb diagnose"/);
  });

  it("reports this node's own stale slot for an address another node wins", () => {
    const [f] = announcingFindings(state, [svc('api', 'purelb2-1,eth0,192.168.1.54')]);
    assert.equal(f?.code, 'announced-by-non-winner');
    assert.match(
      f?.message ?? '',
      /this node \(purelb2-1\) announces 192\.168\.1\.54 .* purelb2-2 wins .* stale/,
    );
  });

  it('compares IPv6 slots by address, not spelling', () => {
    assert.deepEqual(announcingFindings(state, [svc('web', undefined, 'purelb2-2,eth0,2001:db8:0::5')]), []);
    const [f] = announcingFindings(state, [svc('web', undefined, 'purelb2-9,eth0,2001:db8::5')]);
    assert.equal(f?.ip, '2001:db8::5');
    assert.equal(f?.code, 'announced-by-non-winner');
  });

  it('ignores virtual addresses and addresses without a known winner', () => {
    const onlyVirtual = desired([virtual('172.31.1.5/32')], {
      skips: [{ service: 'default/x', ip: '192.168.1.60', code: 'no-candidate', reason: 'r', error: false }],
    });
    const services = [svc('web', 'purelb2-3,kube-lb0,172.31.1.5 purelb2-3,eth0,192.168.1.60')];
    assert.deepEqual(announcingFindings(onlyVirtual, services), []);
  });

  it('reports a malformed slot as invalid-config naming the annotation, and still checks the good ones', () => {
    // (A two-field `node,interface` entry is the older format, read: see older-announcing-format-read.)
    const findings = announcingFindings(state, [svc('web', 'purelb2-1 purelb2-3,eth0,192.168.1.53')]);
    assert.deepEqual(
      findings.map((f) => `${f.code} ${f.severity}`),
      ['announced-by-non-winner warning', 'invalid-config warning'],
    );
    assert.match(
      findings[1]?.message ?? '',
      /default\/web metadata\.annotations\["purelb\.io\/announcing-IPv4"\]/,
    );
    assert.match(findings[1]?.message ?? '', /"purelb2-1" is not node,interface,ip/);
  });
});

describe('announcersByIP and localWinners', () => {
  it('index slots by canonical IP across Services, and winners from placements and not-winner skips', () => {
    const by = announcersByIP([
      svc('a', 'n1,eth0,10.0.0.1'),
      svc('b', 'n2,eth1,10.0.0.1', 'n3,eth0,2001:DB8::1'),
    ]);
    assert.deepEqual(
      by.get('10.0.0.1')?.map((a) => `${a.service} ${a.node}`),
      ['default/a n1', 'default/b n2'],
    );
    assert.deepEqual(
      by.get('2001:db8::1')?.map((a) => a.interface),
      ['eth0'],
    );
    assert.deepEqual([...localWinners(state)].sort(), [
      ['192.168.1.53', 'purelb2-1'],
      ['192.168.1.54', 'purelb2-2'],
      ['2001:db8::5', 'purelb2-2'],
    ]);
  });
});

describe('leaseFindings', () => {
  const member = { node: 'purelb2-1', subnets: [], expiresAt: 1 };
  it('is silent for a live member', () => {
    assert.deepEqual(leaseFindings('purelb2-1', { members: [member], ignored: [], malformed: [] }), []);
  });
  it('names a missing Lease', () => {
    const [f] = leaseFindings('purelb2-1', { members: [], ignored: [], malformed: [] });
    assert.equal(f?.code, 'lease-not-live');
    assert.equal(f?.severity, 'error');
    assert.match(
      f?.message ?? '',
      /^there is no Lease purelb-node-purelb2-1: node purelb2-1 is no election member/,
    );
  });
  it('says why an existing Lease does not count', () => {
    const m: Membership = {
      members: [{ ...member, node: 'purelb2-2' }],
      ignored: [{ lease: 'purelb-node-purelb2-1', reason: 'expired at 2026-11-26T02:00:10.000Z' }],
      malformed: [],
    };
    const [f] = leaseFindings('purelb2-1', m);
    assert.match(
      f?.message ?? '',
      /Lease purelb-node-purelb2-1 does not count: expired at 2026-11-26T02:00:10\.000Z/,
    );
    assert.equal(f?.actual, 'expired at 2026-11-26T02:00:10.000Z');
  });
});
