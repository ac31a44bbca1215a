// What the write-back decides from a reconcile's outcome, before anything is sent: this node's
// announcing slots (set, kept for others, swept when the IP leaves ingress or this node stops
// announcing) and the events that describe this node's part.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DesiredState, Placement, Service } from '@purelb-ts/core';
import { KubeRest } from '../../src/kubernetes/rest.ts';
import { Writeback } from '../../src/kubernetes/writeback.ts';
import { createLogger } from '../../src/log.ts';

const wb = new Writeback(new KubeRest({ server: 'http://127.0.0.1:1', origin: 'nowhere' }), {
  node: 'node-a',
  logger: createLogger('error', () => {}),
});

const svc = (annotations: Record<string, string>, ips: string[]): Service => ({
  metadata: { name: 'web', namespace: 'apps', annotations },
  spec: { type: 'LoadBalancer' },
  status: { loadBalancer: { ingress: ips.map((ip) => ({ ip })) } },
});

const placement = (ip: string, kind: 'local' | 'virtual', link: string): Placement => ({
  ip,
  family: ip.includes(':') ? 6 : 4,
  kind,
  link,
  prefixLength: 24,
  broadcast: undefined,
  flags: [],
  validLifetime: Number.POSITIVE_INFINITY,
  preferredLifetime: Number.POSITIVE_INFINITY,
  services: ['apps/web'],
  reason: 'test',
});

const desired = (placements: Placement[], skips: DesiredState['skips'] = []): DesiredState => ({
  node: 'node-a',
  placements,
  skips,
  elections: {},
  dummyInterface: 'kube-lb0',
  agent: undefined,
});

test('the winner sets its slot, overwriting the previous holder, and keeps other IPs slots', () => {
  const s = svc({ 'purelb.io/announcing-IPv4': 'node-b,eth0,172.30.250.10 node-b,eth0,172.30.250.11' }, [
    '172.30.250.10',
    '172.30.250.11',
  ]);
  const want = wb.announcingFor(s, {
    services: [s],
    desired: desired([placement('172.30.250.10', 'local', 'enp1s0')]),
  });
  assert.equal(want[4], 'node-a,enp1s0,172.30.250.10 node-b,eth0,172.30.250.11');
  assert.equal(want[6], undefined);
});

test('slots for IPs gone from ingress are swept, and this node drops its slot when it stops announcing', () => {
  const s = svc(
    {
      'purelb.io/announcing-IPv4': 'node-a,enp1s0,172.30.250.10 node-b,eth0,172.30.250.99',
      'purelb.io/announcing-IPv6': 'node-a,enp1s0,2001:db8::10',
    },
    ['172.30.250.10', '2001:db8::10'],
  );
  const none = wb.announcingFor(s, { services: [s], desired: desired([]) });
  assert.deepEqual(none, { 4: undefined, 6: undefined });
  const fenced = wb.announcingFor(s, {
    services: [s],
    desired: desired([
      placement('172.30.250.10', 'local', 'enp1s0'),
      placement('2001:db8::10', 'local', 'enp1s0'),
    ]),
    fenced: true,
  });
  assert.deepEqual(fenced, { 4: undefined, 6: undefined });
});

test('virtual placements write no slot; a failed apply writes no slot and reports the failure', () => {
  const s = svc({}, ['172.31.0.5', '172.30.250.10']);
  const input = {
    services: [s],
    desired: desired([
      placement('172.31.0.5', 'virtual', 'kube-lb0'),
      placement('172.30.250.10', 'local', 'enp1s0'),
    ]),
    applyFailures: new Map([['172.30.250.10', 'EEXIST: File exists']]),
  };
  assert.deepEqual(wb.announcingFor(s, input), { 4: undefined, 6: undefined });
  assert.deepEqual(
    wb.eventsFor(s, input).map((e) => [e.type, e.reason]),
    [
      ['Normal', 'AnnouncingNonLocal'],
      ['Warning', 'AnnouncementFailed'],
    ],
  );
  assert.match(wb.eventsFor(s, input)[1]?.note ?? '', /172\.30\.250\.10 to enp1s0: EEXIST/);
});

test('an error skip (the ambiguous default route) becomes AnnouncementFailed with the reason; a lost election does not', () => {
  const s = svc({}, ['172.30.250.10', '172.30.250.11']);
  const events = wb.eventsFor(s, {
    services: [s],
    desired: desired(
      [placement('172.30.250.10', 'virtual', 'kube-lb0')],
      [
        {
          service: 'apps/web',
          ip: '172.30.250.10',
          code: 'ambiguous-default-route',
          reason: 'two IPv4 default routes (via enp1s0 and enp2s0)',
          error: true,
        },
        {
          service: 'apps/web',
          ip: '172.30.250.11',
          code: 'not-winner',
          winner: 'node-b',
          reason: 'node-b wins',
          error: false,
        },
      ],
    ),
  });
  assert.deepEqual(
    events.map((e) => e.reason),
    ['AnnouncingNonLocal', 'AnnouncementFailed'],
  );
  assert.match(events[1]?.note ?? '', /two IPv4 default routes/);
});
