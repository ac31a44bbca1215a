// The request inventory, taken from the code rather than written down: the real node agent (the CLI, in
// Kubernetes mode, in a test network namespace) and the real allocator run against the fake API server,
// each through a proxy that authenticates it as its service account (the agent's token naming its node),
// authorizes every request with deploy/rbac.yaml and admits every write through
// deploy/admission-policy.yaml. They allocate, announce, write back, renew, hit a conflict, and shut
// down. Then: nothing either sent was refused (RBAC grants every request the code makes, and the
// policies admit every write it makes), every write went through its policy, and every grant in
// rbac.yaml was used by some request (nothing more is granted than the code uses).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { ALLOCATOR_CONTROLLER, AllocatorController } from '../../packages/agent/src/allocator/controller.ts';
import { AllocatorMetrics } from '../../packages/agent/src/allocator/metrics.ts';
import type { ClusterAccess } from '../../packages/agent/src/kubernetes/client/access.ts';
import type { EventTarget } from '../../packages/agent/src/kubernetes/event-body.ts';
import { EventWriter } from '../../packages/agent/src/kubernetes/event-writer.ts';
import { KubeRest } from '../../packages/agent/src/kubernetes/rest.ts';
import { REPORTING_CONTROLLER } from '../../packages/agent/src/kubernetes/writeback.ts';
import { eventually, memoryLogger } from '../../packages/agent/test/kubernetes/fixtures.ts';
import {
  RunningAgent,
  seedShapedNode,
  v4Addresses,
} from '../../packages/agent/test/support/agent-process.ts';
import { seedGroups } from '../../packages/agent/test/support/manifests.ts';
import { withFakeApiServer } from '../support/kube.ts';
import { netnsUnavailableReason, withNetns } from '../support/netns.ts';
import type { Binding, Policy, UserInfo } from './admission-policy.ts';
import { type AuthorizingProxy, type RecordedRequest, startAuthorizingProxy } from './authorizing-proxy.ts';
import { type Grant, grantKey, grantsOf } from './rbac.ts';

const DEPLOY = join(import.meta.dirname, '..', '..', 'deploy');
// biome-ignore lint/suspicious/noExplicitAny: manifests as free-form YAML.
const docs = (file: string): any[] =>
  parseAllDocuments(readFileSync(join(DEPLOY, file), 'utf8')).map((d) => d.toJS());

const NS = 'purelb-system';
const NODE = 'purelb2-1';

/** The user a pod's bound service account token authenticates as (extra as a TokenReview shows it). */
const podUser = (sa: string, node: string): UserInfo => ({
  username: `system:serviceaccount:${NS}:${sa}`,
  groups: ['system:serviceaccounts', `system:serviceaccounts:${NS}`, 'system:authenticated'],
  extra: {
    'authentication.kubernetes.io/pod-name': [`${sa}-x7k2p`],
    'authentication.kubernetes.io/node-name': [node],
  },
});

const kubeconfigJson = (url: string) => ({
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [{ name: 'proxy', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
  users: [{ name: 'sa', user: { token: 'bound-token' } }],
  contexts: [{ name: 'proxy', context: { cluster: 'proxy', user: 'sa', namespace: NS } }],
  'current-context': 'proxy',
});

/** What the agent's client gets from a service account's bound token, pointed at `url`. */
const serviceAccount = (url: string): ClusterAccess => ({ server: url, token: 'bound-token', origin: url });

const describeRequest = (r: RecordedRequest): string =>
  `${r.verb} ${r.group || 'core'}/${r.resource}${r.namespace ? ` ns=${r.namespace}` : ''}${r.name ? ` ${r.name}` : ''}`;

/** A LoadBalancer Service as a user writes it (no status), asking for one ServiceGroup. */
const userService = (name: string, group: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default', annotations: { 'purelb.io/service-group': group } },
  spec: {
    type: 'LoadBalancer',
    loadBalancerClass: 'purelb.io/purelbv2',
    externalTrafficPolicy: 'Cluster',
    ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
  },
});

/** One event observed twice through `proxy`: posted, then its series count patched. */
async function repeatEvent(
  proxy: AuthorizingProxy,
  controller: string,
  instance: string,
  target: EventTarget,
): Promise<void> {
  const writer = new EventWriter(new KubeRest(serviceAccount(proxy.url)), {
    controller,
    instance,
    logger: memoryLogger().logger,
    correlator: { updateIntervalMs: 10 },
  });
  const e = { type: 'Normal' as const, reason: 'Repeated', action: 'Test', note: 'twice' };
  try {
    for (let i = 0; i < 2; i++) {
      writer.observe(target, e);
      await writer.flush();
    }
    await eventually(`${controller}: a series count patch sent`, () =>
      proxy.requests.some((r) => r.verb === 'patch' && r.resource === 'events'),
    );
  } finally {
    writer.stop();
  }
}

interface Run {
  agent: AuthorizingProxy;
  allocator: AuthorizingProxy;
}

/** The scenario: both components from start to graceful shutdown, each behind its own proxy. */
async function runBoth(): Promise<Run> {
  const rbac = docs('rbac.yaml');
  const policies = docs('admission-policy.yaml') as (Policy | Binding)[];
  return withFakeApiServer(
    async (server) => {
      server.apply({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: NODE, labels: { 'kubernetes.io/hostname': NODE } },
      });
      for (const obj of seedGroups() as { metadata: { namespace: string } }[]) {
        obj.metadata.namespace = NS;
        server.apply(obj as unknown as Record<string, unknown>);
      }
      server.apply(userService('web', 'default'));
      // The one-shot purelb.io/re-evaluate is removed by the allocator with its first annotation write.
      const api = userService('api', 'remote32');
      Object.assign(api.metadata.annotations, { 'purelb.io/re-evaluate': 'true' });
      server.apply(api);
      const agent = await startAuthorizingProxy(
        server,
        podUser('lbnodeagent', NODE),
        grantsOf(rbac, NS, 'lbnodeagent'),
        policies,
      );
      const allocator = await startAuthorizingProxy(
        server,
        podUser('allocator', 'purelb2-2'),
        grantsOf(rbac, NS, 'allocator'),
        policies,
      );
      const dir = mkdtempSync(join(tmpdir(), 'purelb-rbac-'));
      const { logger } = memoryLogger();
      try {
        // The allocator's first Service write is answered 409, as when the Service changed under it.
        allocator.failNext((r) => r.verb === 'patch' && r.resource === 'services', 409);
        const controller = new AllocatorController({
          access: serviceAccount(allocator.url),
          namespace: NS,
          defaultAnnouncer: false,
          logger,
          metrics: new AllocatorMetrics(),
          identity: 'allocator-0',
          leaseDurationSeconds: 2,
          resyncMs: 0,
          restartDelayMs: 20,
          maxRestartDelayMs: 200,
          retryBaseDelayMs: 20,
        });
        await controller.start();
        const svc = (name: string) =>
          server.store.get(server.resource('v1', 'Service'), 'default', name) as
            | {
                metadata: { annotations?: Record<string, string> };
                status?: { loadBalancer?: { ingress?: { ip: string }[] } };
              }
            | undefined;
        const ingress = (name: string) => svc(name)?.status?.loadBalancer?.ingress?.[0]?.ip;
        try {
          await eventually(
            'both Services allocated, the re-evaluate request consumed',
            () =>
              ingress('web') !== undefined &&
              ingress('api') !== undefined &&
              svc('api')?.metadata.annotations?.['purelb.io/re-evaluate'] === undefined,
          );
          const kubeconfig = join(dir, 'kubeconfig');
          writeFileSync(kubeconfig, JSON.stringify(kubeconfigJson(agent.url)));
          await withNetns(async (netns) => {
            seedShapedNode(netns);
            const a = new RunningAgent(netns, '', [
              '--kubeconfig',
              kubeconfig,
              '--namespace',
              NS,
              // Renewed every 3 s, each renewal given 3 s (a loaded machine misses 1 s).
              '--lease-duration',
              '6',
            ]);
            try {
              const web = ingress('web') as string;
              await a.until(
                'local address placed',
                () => v4Addresses(netns).get('enp1s0')?.includes(`${web}/24`) ?? false,
                15_000,
              );
              await a.until(
                'announcing slot written',
                () =>
                  svc('web')?.metadata.annotations?.['purelb.io/announcing-IPv4']?.startsWith(`${NODE},`) ??
                  false,
                15_000,
              );
              // A renewal (update) after the create, then SIGTERM: withdraw, then delete the Lease.
              await a.until(
                'lease renewed',
                () => agent.requests.some((r) => r.verb === 'update' && r.resource === 'leases'),
                15_000,
              );
              await a.until(
                'an event posted',
                () => agent.requests.some((r) => r.resource === 'events'),
                15_000,
              );
              // Graceful shutdown: withdraw, then delete the Lease. Only its requests matter here (how
              // the process exits is kubernetes-mode.test.ts's business).
              void a.stop('SIGTERM');
              await eventually('the agent deletes its Lease on SIGTERM', () =>
                agent.requests.some((r) => r.verb === 'delete' && r.resource === 'leases'),
              );
            } finally {
              await a.stop('SIGKILL');
            }
          });
          // A repeated event is a series count PATCHed on the Event already posted, at most once per
          // update interval (60 s in both components): the same event writer, with the identity each
          // component posts under and a short interval, writes one through each proxy.
          const web = svc('web') as unknown as EventTarget;
          await repeatEvent(agent, REPORTING_CONTROLLER, `${REPORTING_CONTROLLER}-${NODE}`, web);
          await repeatEvent(allocator, ALLOCATOR_CONTROLLER, 'allocator-0_0a1b2c3d', web);
        } finally {
          await controller.stop();
        }
        return { agent, allocator };
      } finally {
        await agent.close();
        await allocator.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    { namespaces: ['default', NS] },
  );
}

/** The grants no recorded request used. */
const unused = (grants: readonly Grant[], requests: readonly RecordedRequest[]): string[] => {
  const used = new Set(requests.flatMap((r) => r.grants.map(grantKey)));
  return grants.map(grantKey).filter((k) => !used.has(k));
};

describe('the code’s requests against deploy/rbac.yaml and deploy/admission-policy.yaml', {
  skip: netnsUnavailableReason(),
}, () => {
  // One run for every check (a failed run fails them all, once).
  let run: Promise<Run> | undefined;
  const get = (): Promise<Run> => {
    run ??= runBoth();
    return run;
  };

  for (const who of ['agent', 'allocator'] as const) {
    it(`${who}: RBAC grants every request, and the policy admits every write`, async (t) => {
      const proxy = (await get())[who];
      const inventory = [...new Set(proxy.requests.map(describeRequest))].sort();
      const t0 = proxy.requests[0]?.at ?? 0;
      if (process.env.PURELB_TRACE_REQUESTS)
        t.diagnostic(proxy.requests.map((r) => `${r.at - t0} ${r.status} ${describeRequest(r)}`).join('\n'));
      t.diagnostic(`${who} requests:\n  ${inventory.join('\n  ')}`);
      const refused = proxy.requests.filter(
        (r) => r.grants.length === 0 || (r.admission?.denials.length ?? 0) > 0,
      );
      assert.deepEqual(
        refused.map(
          (r) => `${describeRequest(r)}: ${r.admission?.denials.map((d) => d.message).join('; ') ?? 'RBAC'}`,
        ),
        [],
      );
    });

    it(`${who}: every write to a Lease, Service or Event went through its admission policy`, async () => {
      const proxy = (await get())[who];
      const policy = who === 'agent' ? 'purelb-lbnodeagent' : 'purelb-allocator';
      const writes = proxy.requests.filter((r) => ['create', 'update', 'patch', 'delete'].includes(r.verb));
      const covered = writes.filter((r) => /^(leases|services|services\/status|events)$/.test(r.resource));
      assert.ok(covered.length > 0);
      for (const w of covered) assert.deepEqual(w.admission?.matched, [policy], describeRequest(w));
      // The other writes: pool usage on the ServiceGroups' status and live Leases on the LBNodeAgents'
      // status, which RBAC confines to those subresources in the install namespace (a status write
      // changes nothing else).
      const others = [
        ...new Set(writes.filter((r) => !covered.includes(r)).map((r) => `${r.verb} ${r.resource}`)),
      ].sort();
      assert.deepEqual(
        others,
        who === 'agent' ? [] : ['patch lbnodeagents/status', 'patch servicegroups/status'],
      );
    });

    it(`${who}: nothing is granted that the code does not use`, async () => {
      const proxy = (await get())[who];
      const grants = grantsOf(docs('rbac.yaml'), NS, who === 'agent' ? 'lbnodeagent' : 'allocator');
      assert.deepEqual(unused(grants, proxy.requests), []);
    });
  }

  it('the check finds a grant the code does not use, and a request RBAC does not grant', async () => {
    const { agent } = await get();
    const grants = grantsOf(docs('rbac.yaml'), NS, 'lbnodeagent');
    const wider: Grant[] = [...grants, { role: 'extra', group: '', resource: 'secrets', verb: 'get' }];
    assert.deepEqual(unused(wider, agent.requests), ['get core/secrets (cluster)']);
    // Without the Lease update grant, the agent's renewals would have been refused.
    const narrower = grants.filter((g) => !(g.resource === 'leases' && g.verb === 'update'));
    const { authorizing } = await import('./rbac.ts');
    const renewals = agent.requests.filter((r) => r.resource === 'leases' && r.verb === 'update');
    assert.ok(renewals.length > 0);
    for (const r of renewals) assert.deepEqual(authorizing(narrower, r), []);
  });
});
