// The write-back against the fake API server: this node's announcing slot is merge-patched only when
// the value changes, removed when the node stops announcing, and each event is posted once while it
// stays true (not again at every resync); when it clears and comes back, the same Event counts it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DesiredState, Placement, Service } from '@purelb-ts/core';
import type { FakeApiServer } from '../../../../test/support/kube.ts';
import { accessFor, withFakeApiServer } from '../../../../test/support/kube.ts';
import { KubeRest } from '../../src/kubernetes/rest.ts';
import { Writeback } from '../../src/kubernetes/writeback.ts';
import { eventually, memoryLogger, NODE, NS, service } from './fixtures.ts';

const IP = '172.30.250.10';
const SVC_PATH = '/api/v1/namespaces/default/services/web';

const placement = (kind: 'local' | 'virtual', link: string): Placement => ({
  ip: IP,
  family: 4,
  kind,
  link,
  prefixLength: 24,
  broadcast: '172.30.250.255',
  flags: [],
  validLifetime: Number.POSITIVE_INFINITY,
  preferredLifetime: Number.POSITIVE_INFINITY,
  services: ['default/web'],
  reason: 'test',
});

const desired = (placements: Placement[], skips: DesiredState['skips'] = []): DesiredState => ({
  node: NODE,
  placements,
  skips,
  elections: {},
  dummyInterface: 'kube-lb0',
  agent: undefined,
});

interface Ctx {
  server: FakeApiServer;
  rest: KubeRest;
  wb: Writeback;
  read: () => Promise<Service>;
  events: () => {
    reason: string;
    note: string;
    type: string;
    eventTime: string;
    regarding: { name: string };
    series?: { count: number };
  }[];
  patches: () => number;
}

const withWriteback = (fn: (c: Ctx) => Promise<void>) =>
  withFakeApiServer(
    async (server) => {
      server.apply(service('web'));
      const rest = new KubeRest(accessFor(server));
      // Give the Service its address as the allocator would (status subresource).
      const svc = await rest.get<Service>(SVC_PATH);
      await rest.replace(`${SVC_PATH}/status`, {
        ...svc,
        status: { loadBalancer: { ingress: [{ ip: IP, ipMode: 'VIP' }] } },
      });
      const wb = new Writeback(rest, { node: NODE, logger: memoryLogger().logger });
      await fn({
        server,
        rest,
        wb,
        read: () => rest.get<Service>(SVC_PATH),
        events: () => server.store.list(server.resource('events.k8s.io/v1', 'Event'), 'default') as never,
        patches: () => server.requests.filter((r) => r.startsWith(`PATCH ${SVC_PATH}`)).length,
      });
    },
    { namespaces: ['default', NS] },
  );

test('the winner writes its slot once; a resync with nothing new writes and posts nothing', () =>
  withWriteback(async ({ wb, read, events, patches }) => {
    const local = desired([placement('local', 'enp1s0')]);
    await wb.apply({ services: [await read()], desired: local });
    const after = await read();
    assert.equal(after.metadata.annotations?.['purelb.io/announcing-IPv4'], `${NODE},enp1s0,${IP}`);
    assert.equal(
      after.metadata.annotations?.['purelb.io/allocated-by'],
      'PureLB',
      'other annotations untouched',
    );
    assert.equal(after.metadata.annotations?.['purelb.io/announcing-IPv6'], undefined);
    assert.equal(patches(), 1);
    const ev = events();
    assert.equal(ev.length, 1);
    assert.equal(ev[0]?.reason, 'AnnouncingLocal');
    assert.equal(ev[0]?.type, 'Normal');
    assert.equal(ev[0]?.regarding.name, 'web');
    assert.match(ev[0]?.eventTime ?? '', /\.\d{6}Z$/);
    assert.match(ev[0]?.note ?? '', /announcing 172\.30\.250\.10 on interface enp1s0/);

    // Resyncs: the same outcome over the updated Service changes nothing.
    await wb.apply({ services: [await read()], desired: local });
    await wb.apply({ services: [await read()], desired: local });
    assert.equal(patches(), 1);
    assert.equal(events().length, 1);
  }));

test('another node slot is replaced by the winner; the slot is removed when this node stops announcing', () =>
  withWriteback(async ({ rest, wb, read, patches }) => {
    await rest.patch(SVC_PATH, {
      metadata: { annotations: { 'purelb.io/announcing-IPv4': `node-b,eth0,${IP}` } },
    });
    await wb.apply({ services: [await read()], desired: desired([placement('local', 'enp1s0')]) });
    assert.equal((await read()).metadata.annotations?.['purelb.io/announcing-IPv4'], `${NODE},enp1s0,${IP}`);
    const before = patches();
    await wb.apply({ services: [await read()], desired: desired([]) });
    const after = await read();
    assert.equal(after.metadata.annotations?.['purelb.io/announcing-IPv4'], undefined, 'key removed');
    assert.equal(patches(), before + 1);
  }));

test('taking over another node slot posts AnnounceSlotSteal once and reports the steal after the write', () =>
  withWriteback(async ({ rest, server, read, events }) => {
    const steals: [string, string][] = [];
    const wb = new Writeback(rest, {
      node: NODE,
      logger: memoryLogger().logger,
      onSlotSteal: (ip, from) => steals.push([ip, from]),
    });
    await rest.patch(SVC_PATH, {
      metadata: { annotations: { 'purelb.io/announcing-IPv4': `node-b,eth0,${IP}` } },
    });
    const local = desired([placement('local', 'enp1s0')]);
    server.faults.failNext(500, 1, { verb: 'patch', resource: 'services' });
    await wb.apply({ services: [await read()], desired: local });
    assert.deepEqual(steals, [], 'nothing is counted while the slot write fails');
    await wb.apply({ services: [await read()], desired: local });
    assert.deepEqual(steals, [[IP, 'node-b']]);
    await wb.apply({ services: [await read()], desired: local });
    const stolen = events().filter((e) => e.reason === 'AnnounceSlotSteal');
    assert.equal(stolen.length, 1, 'posted once');
    assert.equal(stolen[0]?.note, `Node ${NODE} took over announcing ${IP} from node node-b`);
    assert.deepEqual(steals, [[IP, 'node-b']], 'counted once');
  }));

test('a slot moving to another interface is coalesced: a flap writes nothing, a change that stays is written by itself', () =>
  withWriteback(async ({ rest, read, patches }) => {
    const wb = new Writeback(rest, { node: NODE, logger: memoryLogger().logger, coalesceMs: 300 });
    await wb.apply({ services: [await read()], desired: desired([placement('local', 'enp1s0')]) });
    assert.equal(patches(), 1, 'the first announcement at once');
    const moved = desired([placement('local', 'enp2s0')]);
    await wb.apply({ services: [await read()], desired: moved });
    await wb.apply({ services: [await read()], desired: desired([placement('local', 'enp1s0')]) });
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(patches(), 1, 'moved and back inside the window: nothing written');
    await wb.apply({ services: [await read()], desired: moved });
    assert.equal(patches(), 1, 'not at once');
    // No further pass is asked for: the write-back runs its last input again once the change is due.
    await eventually('the moved slot written', () => patches() === 2, 5000);
    assert.equal((await read()).metadata.annotations?.['purelb.io/announcing-IPv4'], `${NODE},enp2s0,${IP}`);
    wb.stop();
  }));

test('while fenced the slot is withdrawn and no AnnouncingLocal is claimed', () =>
  withWriteback(async ({ wb, read, events }) => {
    await wb.apply({
      services: [await read()],
      desired: desired([placement('local', 'enp1s0')]),
      fenced: true,
    });
    assert.equal((await read()).metadata.annotations?.['purelb.io/announcing-IPv4'], undefined);
    assert.equal(events().length, 0);
  }));

test('AnnouncementFailed is posted once while the error lasts; its return is a count on that Event, not a copy', () =>
  withWriteback(async ({ rest, read, events }) => {
    let now = Date.parse('2026-12-07T01:00:00Z');
    const wb = new Writeback(rest, { node: NODE, logger: memoryLogger().logger, now: () => now });
    const failing = desired(
      [placement('virtual', 'kube-lb0')],
      [
        {
          service: 'default/web',
          ip: IP,
          code: 'ambiguous-default-route',
          reason: 'two IPv4 default routes: via 172.30.250.1 dev enp1s0 and via 172.30.250.2 dev enp2s0',
          error: true,
        },
      ],
    );
    await wb.apply({ services: [await read()], desired: failing });
    await wb.apply({ services: [await read()], desired: failing });
    const reasons = () =>
      events()
        .map((e) => e.reason)
        .sort();
    assert.deepEqual(reasons(), ['AnnouncementFailed', 'AnnouncingNonLocal']);
    const failed = () => events().find((e) => e.reason === 'AnnouncementFailed');
    assert.equal(failed()?.type, 'Warning');
    assert.match(failed()?.note ?? '', /two IPv4 default routes/);

    // Fixed: the address moves to the interface; then the error comes back: the same Events, counted.
    now += 1000;
    await wb.apply({ services: [await read()], desired: desired([placement('local', 'enp1s0')]) });
    now += 1000;
    await wb.apply({ services: [await read()], desired: failing });
    assert.deepEqual(reasons(), ['AnnouncementFailed', 'AnnouncingLocal', 'AnnouncingNonLocal']);
    assert.equal(failed()?.series, undefined, 'the count waits for the update interval');
    now += 61_000;
    await wb.apply({ services: [await read()], desired: failing });
    assert.deepEqual(reasons(), ['AnnouncementFailed', 'AnnouncingLocal', 'AnnouncingNonLocal']);
    assert.equal(failed()?.series?.count, 2);
    wb.stop();
  }));

test('a failed event post is retried once the update interval has passed', () =>
  withWriteback(async ({ server, rest, read, events }) => {
    let now = Date.parse('2026-12-07T01:00:00Z');
    const wb = new Writeback(rest, { node: NODE, logger: memoryLogger().logger, now: () => now });
    server.faults.failNext(500, 1, { verb: 'create', resource: 'events' });
    const local = desired([placement('local', 'enp1s0')]);
    await wb.apply({ services: [await read()], desired: local });
    assert.equal(events().length, 0, 'the post failed');
    now += 61_000;
    await wb.apply({ services: [await read()], desired: local });
    assert.equal(events().length, 1, 'posted at the first pass after the interval');
    wb.stop();
  }));

test('a Service whose patch fails does not stop the others; it is written at the next reconcile', () =>
  withWriteback(async ({ server, rest, wb, read }) => {
    server.apply(service('second'));
    const path2 = '/api/v1/namespaces/default/services/second';
    const s2 = await rest.get<Service>(path2);
    const ip2 = '172.30.250.11';
    await rest.replace(`${path2}/status`, { ...s2, status: { loadBalancer: { ingress: [{ ip: ip2 }] } } });
    const both = desired([
      placement('local', 'enp1s0'),
      { ...placement('local', 'enp1s0'), ip: ip2, services: ['default/second'] },
    ]);
    server.faults.failNext(500, 1, { verb: 'patch', resource: 'services' });
    await wb.apply({ services: [await read(), await rest.get<Service>(path2)], desired: both });
    assert.equal(
      (await read()).metadata.annotations?.['purelb.io/announcing-IPv4'],
      undefined,
      'first patch failed',
    );
    const second = await rest.get<Service>(path2);
    assert.equal(second.metadata.annotations?.['purelb.io/announcing-IPv4'], `${NODE},enp1s0,${ip2}`);
    await wb.apply({ services: [await read(), second], desired: both });
    assert.equal((await read()).metadata.annotations?.['purelb.io/announcing-IPv4'], `${NODE},enp1s0,${IP}`);
  }));

test('a Service changed since the snapshot is not patched from stale slots (409), and is at the next reconcile', () =>
  withWriteback(async ({ rest, wb, read, patches }) => {
    const ip2 = '172.30.250.11';
    const current = await read();
    await rest.replace(`${SVC_PATH}/status`, {
      ...current,
      status: { loadBalancer: { ingress: [{ ip: IP }, { ip: ip2 }] } },
    });
    const stale = await read();
    // Another node announces the second IP after our snapshot was taken.
    await rest.patch(SVC_PATH, {
      metadata: { annotations: { 'purelb.io/announcing-IPv4': `node-b,eth0,${ip2}` } },
    });
    const local = desired([placement('local', 'enp1s0')]);
    const before = patches();
    await wb.apply({ services: [stale], desired: local });
    assert.equal(patches(), before + 1, 'the patch was attempted');
    assert.equal(
      (await read()).metadata.annotations?.['purelb.io/announcing-IPv4'],
      `node-b,eth0,${ip2}`,
      'the stale patch was refused, so the other node slot is not lost',
    );
    await wb.apply({ services: [await read()], desired: local });
    assert.equal(
      (await read()).metadata.annotations?.['purelb.io/announcing-IPv4'],
      `${NODE},enp1s0,${IP} node-b,eth0,${ip2}`,
    );
  }));
