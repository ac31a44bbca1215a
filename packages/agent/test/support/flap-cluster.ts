// A cluster under churn for the write-budget tests and bench: nodes on one segment, many Services (a
// share on the local pool, the rest remote), the real agents in Kubernetes mode, each with its own
// bearer token so the fake API server's request log says which node sent each write, and a default
// route flapping inside one node's namespace (never the host's).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeApiServer } from '../../../../test/support/kube.ts';
import { ip } from '../../../../test/support/netns.ts';
import type { RunningAgent } from './agent-process.ts';
import { addNamespaceAndNodes } from './cluster.ts';
import { startNodeAgent } from './election-cluster.ts';
import { group, service } from './manifests.ts';
import type { SegmentHost } from './segment.ts';

/** The local pool: 140 addresses of the segment's /24, above the nodes' own (.101-.103). */
export const LOCAL_POOL = { first: 110, count: 140 };

const LB_NODE_AGENT = {
  apiVersion: 'purelb.io/v2',
  kind: 'LBNodeAgent',
  metadata: { name: 'default', namespace: 'purelb' },
  spec: { local: { localInterface: 'default', dummyInterface: 'kube-lb0' } },
};

/** The i-th Service's address: the first `local` on the segment's /24, the rest in 10.200.0.0/16. */
export function serviceIP(i: number, local: number): string {
  if (i < local) return `172.30.250.${LOCAL_POOL.first + i}`;
  const r = i - local + 1;
  return `10.200.${r >> 8}.${r & 255}`;
}

/**
 * Nodes, the LBNodeAgent, a local and a remote group and `count` Services with their ingress, written
 * straight into the store (a create drops status; this is the watch event a status write makes). Node
 * ports are off and cluster IPs given, as a fleet of LoadBalancer Services needs.
 */
export function seedFlapCluster(
  server: FakeApiServer,
  hosts: readonly SegmentHost[],
  count: number,
  local: number,
): string[] {
  if (local > LOCAL_POOL.count) throw new Error(`at most ${LOCAL_POOL.count} local Services, got ${local}`);
  addNamespaceAndNodes(
    server,
    hosts.map((h) => h.name),
  );
  server.apply(LB_NODE_AGENT);
  const last = LOCAL_POOL.first + LOCAL_POOL.count - 1;
  server.apply(
    group(
      'local',
      'local',
      `172.30.250.${LOCAL_POOL.first}-172.30.250.${last}`,
      '172.30.250.0/24',
      'default',
    ),
  );
  server.apply(group('remote', 'remote', '10.200.0.0/16', '10.200.0.0/16', '/32'));
  const svc = server.resource('v1', 'Service');
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `svc-${i}`;
    const obj = service({ name, ip: '0.0.0.0' }) as { spec: Record<string, unknown> };
    obj.spec.clusterIP = `10.96.${(i >> 8) & 255}.${i & 255}`;
    obj.spec.allocateLoadBalancerNodePorts = false;
    server.apply(obj as Record<string, unknown>);
    const cur = server.store.get(svc, 'default', name);
    if (cur === undefined) throw new Error(`no Service default/${name} after create`);
    cur.status = { loadBalancer: { ingress: [{ ip: serviceIP(i, local), ipMode: 'VIP' }] } };
    server.store.write(svc, cur, 'MODIFIED');
    names.push(name);
  }
  return names;
}

/** A kubeconfig per node, each with the node's name as bearer token (the request log's `caller`). */
export class NodeKubeconfigs {
  readonly dir = mkdtempSync(join(tmpdir(), 'plb-flap-'));

  path(server: FakeApiServer, node: string): string {
    const file = join(this.dir, `${node}.kubeconfig`);
    writeFileSync(
      file,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'fake', cluster: { server: server.baseUrl, 'insecure-skip-tls-verify': true } }],
        users: [{ name: node, user: { token: node } }],
        contexts: [{ name: 'fake', context: { cluster: 'fake', user: node, namespace: 'default' } }],
        'current-context': 'fake',
      }),
    );
    return file;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Starts the real agent for each host, its requests signed with the host's name. */
export function startFlapAgents(
  server: FakeApiServer,
  hosts: readonly SegmentHost[],
  namespaces: ReadonlyMap<string, string>,
  configs: NodeKubeconfigs,
  leaseSeconds: number,
): Map<string, RunningAgent> {
  const agents = new Map<string, RunningAgent>();
  for (const h of hosts) {
    const ns = namespaces.get(h.name);
    if (ns === undefined) throw new Error(`no namespace for ${h.name}`);
    agents.set(h.name, startNodeAgent(ns, h.name, configs.path(server, h.name), leaseSeconds));
  }
  return agents;
}

export interface Writes {
  events: number;
  servicePatches: number;
  leases: number;
  other: number;
  total: number;
}

const WRITE_VERBS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The writes `caller` sent in [from, to) (ms since the epoch), by kind. */
export function writesBy(server: FakeApiServer, caller: string, from: number, to: number): Writes {
  const w: Writes = { events: 0, servicePatches: 0, leases: 0, other: 0, total: 0 };
  for (const r of server.requestLog) {
    if (r.caller !== caller || r.at < from || r.at >= to || !WRITE_VERBS.has(r.method)) continue;
    w.total++;
    if (r.path.includes('/events')) w.events++;
    else if (r.path.includes('/services/')) w.servicePatches++;
    else if (r.path.includes('/leases')) w.leases++;
    else w.other++;
  }
  return w;
}

/**
 * Resolves once every Service carries `slots` announcing slots (IPv4) and, when given, `ok` holds for
 * its value; throws after `limitMs` naming one that does not.
 */
export async function untilAnnounced(
  server: FakeApiServer,
  slots: (name: string) => number,
  limitMs: number,
  ok: (name: string, value: string) => boolean = () => true,
) {
  const svc = server.resource('v1', 'Service');
  const started = Date.now();
  for (;;) {
    let missing = 0;
    let example = '';
    for (const s of server.store.list(svc, 'default') as {
      metadata: { name: string; annotations?: Record<string, string> };
    }[]) {
      const value = s.metadata.annotations?.['purelb.io/announcing-IPv4'] ?? '';
      const name = s.metadata.name;
      if (value.split(' ').filter(Boolean).length === slots(name) && ok(name, value)) continue;
      missing++;
      example = `${name}: "${value}"`;
    }
    if (missing === 0) return;
    if (Date.now() - started > limitMs)
      throw new Error(`${missing} Services not announced as expected after ${limitMs} ms (${example})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Resolves once the nodes have sent at most `allowed` writes other than Lease renewals in the last
 * `quietMs` (an agent writing events as its budget allows trickles on); throws after `limitMs`.
 */
export async function untilQuiet(
  server: FakeApiServer,
  quietMs: number,
  limitMs: number,
  allowed = 0,
): Promise<void> {
  const started = Date.now();
  for (;;) {
    const now = Date.now();
    const recent = server.requestLog.filter(
      (r) => r.at >= now - quietMs && WRITE_VERBS.has(r.method) && !r.path.includes('/leases'),
    ).length;
    if (recent <= allowed && now - started >= quietMs) return;
    if (now - started > limitMs)
      throw new Error(`still writing after ${limitMs} ms (${recent} recent writes)`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Deletes and re-adds the default route inside namespace `ns` (down for half of each `periodMs`)
 * until stop(), which leaves the route in place and resolves with the number of flaps.
 */
export function flapDefaultRoute(ns: string, periodMs: number): { stop(): Promise<number> } {
  let stopping = false;
  let flaps = 0;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const loop = (async () => {
    while (!stopping) {
      ip(ns, 'route', 'del', 'default');
      await sleep(periodMs / 2);
      ip(ns, 'route', 'add', 'default', 'via', '172.30.250.1', 'dev', 'enp1s0');
      flaps++;
      await sleep(periodMs / 2);
    }
  })();
  return {
    stop: async () => {
      stopping = true;
      await loop;
      return flaps;
    },
  };
}
