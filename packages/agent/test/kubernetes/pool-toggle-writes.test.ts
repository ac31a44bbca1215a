// One Service toggled between a local and a remote ServiceGroup again and again, with the real
// allocator and the real agent (seed-shaped node) in Kubernetes mode, each signing its requests with
// its own token. Each flip moves the address, so the allocator's two Service writes per flip stay; what
// is bounded is the rest: Events (counts on the Events already posted, not new ones) and the agent's
// announcing-annotation PATCHes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { call } from '../../../../test/fake-apiserver/http-helpers.ts';
import { withFakeApiServer } from '../../../../test/support/kube.ts';
import { netnsUnavailableReason, withNetns } from '../../../../test/support/netns.ts';
import { RunningAgent, RunningCli, seedShapedNode } from '../support/agent-process.ts';
import { addNamespaceAndNodes } from '../support/cluster.ts';
import { NodeKubeconfigs, writesBy } from '../support/flap-cluster.ts';
import { seedGroups } from '../support/manifests.ts';
import { eventually } from './fixtures.ts';

const skip = netnsUnavailableReason();
const NODE = 'purelb2-1';
const FLIPS = 12;
const GROUPS = ['remote32', 'default'] as const;
const SVC = '/api/v1/namespaces/default/services/web';

const userService = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default', annotations: { 'purelb.io/service-group': 'default' } },
  spec: {
    type: 'LoadBalancer',
    loadBalancerClass: 'purelb.io/purelbv2',
    externalTrafficPolicy: 'Cluster',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  },
};

// biome-ignore lint/suspicious/noExplicitAny: the stored Service read by assertions
type Json = any;

describe('a Service toggling between pools', { skip }, () => {
  it(`${FLIPS} flips: at most one Event write and half an announcing PATCH per flip`, async (t) => {
    await withFakeApiServer(async (server) => {
      const configs = new NodeKubeconfigs();
      const procs: RunningCli[] = [];
      try {
        addNamespaceAndNodes(server, [NODE]);
        for (const obj of seedGroups()) server.apply(obj as Record<string, unknown>);
        await withNetns(async (ns) => {
          seedShapedNode(ns);
          const agent = new RunningAgent(ns, '', [
            '--kubeconfig',
            configs.path(server, NODE),
            '--namespace',
            'purelb',
          ]);
          procs.push(agent);
          const allocator = new RunningCli([
            'allocator',
            ...['--kubeconfig', configs.path(server, 'allocator'), '--namespace', 'purelb'],
            ...['--lease-duration', '2', '--metrics-port', '0'],
          ]);
          procs.push(allocator);
          server.apply(userService);
          const svc = () => server.store.get(server.resource('v1', 'Service'), 'default', 'web') as Json;
          const ip = () => svc()?.status?.loadBalancer?.ingress?.[0]?.ip as string | undefined;
          const slot = () =>
            svc()?.metadata?.annotations?.['purelb.io/announcing-IPv4'] as string | undefined;
          await eventually(
            'the local address announced',
            () => slot()?.startsWith(`${NODE},`) === true,
            30_000,
          ).catch((err: Error) => {
            throw new Error(`${err.message}: ${JSON.stringify(svc())}\n${allocator.stderr}\n${agent.stderr}`);
          });
          const from = Date.now();
          for (let i = 0; i < FLIPS; i++) {
            const before = ip();
            const r = await call(
              server,
              'PATCH',
              SVC,
              { metadata: { annotations: { 'purelb.io/service-group': GROUPS[i % 2] } } },
              'application/merge-patch+json',
            );
            assert.equal(r.status, 200);
            await eventually(`flip ${i} re-allocated`, () => ip() !== before, 10_000);
            await new Promise((r) => setTimeout(r, 1000));
          }
          // Coalesced, not lost: the last address's slot is written once it has stood its window.
          const last = ip();
          await eventually('the last address announced', () => slot() === `${NODE},enp1s0,${last}`, 15_000);
          const to = Date.now();
          const a = writesBy(server, NODE, from, to);
          const alloc = writesBy(server, 'allocator', from, to);
          const perFlip = (n: number) => (n / FLIPS).toFixed(2);
          t.diagnostic(
            `per flip: events ${perFlip(a.events + alloc.events)} (agent ${perFlip(a.events)}, allocator ${perFlip(alloc.events)}); agent annotation PATCHes ${perFlip(a.servicePatches)}; allocator Service writes ${perFlip(alloc.servicePatches)}`,
          );
          assert.ok(
            a.events + alloc.events <= FLIPS,
            `events per flip ${perFlip(a.events + alloc.events)} > 1`,
          );
          assert.ok(
            a.servicePatches <= FLIPS / 2,
            `agent PATCHes per flip ${perFlip(a.servicePatches)} > 0.5`,
          );
        });
      } finally {
        for (const p of procs) await p.stop('SIGKILL');
        configs.cleanup();
      }
    });
  });
});
