// The write-back recomputes a Service only when what its annotation and events come from changed
// (the Service's resourceVersion, its placements, failures, error skips, the fence) or when its last
// annotation write did not succeed; an unchanged Service is skipped, which keeps the pass cheap at
// 10k. A failed event post is the event writer's to retry (event-correlator: the occurrence stays
// pending and is posted again later), not a reason to recompute the Service. The very same input as
// a pass that left nothing to write (the reconciler's memo hands over the same desired state after a
// restore or resync) is skipped whole; a write that failed keeps the next pass from being skipped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DesiredState, Placement, Service } from '@purelb-ts/core';
import { accessFor, type FakeApiServer, withFakeApiServer } from '../../../../test/support/kube.ts';
import { KubeRest } from '../../src/kubernetes/rest.ts';
import { Writeback, type WritebackInput } from '../../src/kubernetes/writeback.ts';
import { memoryLogger, NODE, NS, service } from './fixtures.ts';

const SVC_PATH = '/api/v1/namespaces/default/services/web';

const placement = (ip: string): Placement => ({
  ip,
  family: 4,
  kind: 'virtual',
  link: 'kube-lb0',
  prefixLength: 32,
  broadcast: undefined,
  flags: [],
  validLifetime: Number.POSITIVE_INFINITY,
  preferredLifetime: Number.POSITIVE_INFINITY,
  services: ['default/web'],
  reason: 'test',
});

const desired = (placements: Placement[]): DesiredState => ({
  node: NODE,
  placements,
  skips: [],
  elections: {},
  dummyInterface: 'kube-lb0',
  agent: undefined,
});

/** The Service web as the API server holds it, and a write-back to it. */
async function webAndWriteback(server: FakeApiServer) {
  server.apply(service('web'));
  const rest = new KubeRest(accessFor(server));
  const svc = await rest.get<Service>(SVC_PATH);
  return { rest, svc, wb: new Writeback(rest, { node: NODE, logger: memoryLogger().logger }) };
}

test('an unchanged Service is skipped; a new placement or a new resourceVersion writes again', () =>
  withFakeApiServer(
    async (server) => {
      const { svc, wb } = await webAndWriteback(server);
      const computed: string[] = [];
      const eventsFor = wb.eventsFor.bind(wb);
      wb.eventsFor = (s, input) => {
        computed.push(s.metadata.name);
        return eventsFor(s, input);
      };
      const input = (s: Service, ips: string[]): WritebackInput => ({
        services: [s],
        desired: desired(ips.map(placement)),
      });

      await wb.apply(input(svc, ['172.31.1.9']));
      await wb.apply(input(svc, ['172.31.1.9']));
      assert.deepEqual(computed, ['web'], 'the second pass had nothing new for web');

      await wb.apply(input(svc, ['172.31.1.9', '172.31.1.10']));
      assert.deepEqual(computed, ['web', 'web'], 'a new placement is written');

      const changed = { ...svc, metadata: { ...svc.metadata, resourceVersion: '999999' } };
      await wb.apply(input(changed, ['172.31.1.9', '172.31.1.10']));
      assert.equal(computed.length, 3, 'a changed Service is written');

      server.faults.failNext(500, 1, { verb: 'create', resource: 'events' });
      await wb.apply(input(changed, ['172.31.1.11']));
      await wb.apply(input(changed, ['172.31.1.11']));
      assert.equal(computed.length, 4, 'a failed event post does not recompute the Service');
    },
    { namespaces: ['default', NS] },
  ));

test('the same input after a settled pass is skipped whole; after a failed write it is retried', () =>
  withFakeApiServer(
    async (server) => {
      const { rest, svc, wb } = await webAndWriteback(server);
      const local = { ...placement('172.31.1.9'), kind: 'local' as const, link: 'eth0' };
      const input: WritebackInput = { services: [svc], desired: desired([local]) };

      server.faults.failNext(500, 1, { verb: 'patch', resource: 'services' });
      await wb.apply(input);
      assert.deepEqual(wb.passes, { run: 1, settled: 0 });
      await wb.apply({ ...input, services: [...input.services] });
      assert.deepEqual(wb.passes, { run: 2, settled: 0 }, 'the failed write is retried');
      const written = await rest.get<Service>(SVC_PATH);
      assert.equal(written.metadata.annotations?.['purelb.io/announcing-IPv4'], `${NODE},eth0,172.31.1.9`);

      await wb.apply({ ...input, services: [...input.services] });
      assert.deepEqual(wb.passes, { run: 2, settled: 1 }, 'the same objects again: nothing to do');
      await wb.apply({ ...input, applyFailures: new Map([['172.31.1.9', 'EEXIST']]) });
      assert.equal(wb.passes.run, 3, 'an apply failure is news');
      await wb.apply({ ...input, desired: desired([local]) });
      assert.equal(wb.passes.run, 4, 'another desired state is compared Service by Service');
    },
    { namespaces: ['default', NS] },
  ));
