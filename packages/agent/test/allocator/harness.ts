// The allocator against the fake API server through the real client-node: a server with PureLB's
// namespace, ServiceGroups and Services as a user would create them (no status), one or more
// in-process AllocatorControllers with short leases, and readers of what the cluster shows.
import { call } from '../../../../test/fake-apiserver/http-helpers.ts';
import { accessFor, type FakeApiServer, withFakeApiServer } from '../../../../test/support/kube.ts';
import { AllocatorController } from '../../src/allocator/controller.ts';
import { AllocatorMetrics } from '../../src/allocator/metrics.ts';
import { eventually, memoryLogger } from '../kubernetes/fixtures.ts';

export { eventually };

export const NS = 'purelb';

export interface Pools {
  v4?: string[];
  v6?: string[];
}

export function group(
  name: string,
  pools: Pools,
  type: 'local' | 'remote' = 'remote',
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const entry = (pool: string) => ({
    pool,
    subnet: pool.includes(':') ? '2001:db8::/32' : '10.0.0.0/8',
    aggregation: 'default',
  });
  const body: Record<string, unknown> = {};
  if (pools.v4 !== undefined) body.v4pools = pools.v4.map(entry);
  if (pools.v6 !== undefined) body.v6pools = pools.v6.map(entry);
  return {
    apiVersion: 'purelb.io/v2',
    kind: 'ServiceGroup',
    metadata: { name, namespace: NS },
    spec: { [type]: body, ...extra },
  };
}

export interface SvcOptions {
  ns?: string;
  annotations?: Record<string, string>;
  ports?: (number | { port: number; protocol: 'TCP' | 'UDP' })[];
  families?: ('IPv4' | 'IPv6')[];
  policy?: 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';
  /** undefined: purelb.io/purelbv2; null: no class. */
  class?: string | null;
  type?: 'LoadBalancer' | 'ClusterIP';
}

/** A Service as a user writes it: no status, no purelb.io/allocated-* annotations. */
export function lb(name: string, o: SvcOptions = {}): Record<string, unknown> {
  const spec: Record<string, unknown> = {
    type: o.type ?? 'LoadBalancer',
    ports: (o.ports ?? [80]).map((p) =>
      typeof p === 'number'
        ? { name: `p${p}`, port: p, protocol: 'TCP' }
        : { name: `p${p.port}${p.protocol.toLowerCase()}`, ...p },
    ),
  };
  if (o.class !== null) spec.loadBalancerClass = o.class ?? 'purelb.io/purelbv2';
  if (o.families !== undefined) spec.ipFamilies = o.families;
  if (o.policy !== undefined) spec.ipFamilyPolicy = o.policy;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: o.ns ?? 'default',
      ...(o.annotations ? { annotations: o.annotations } : {}),
    },
    spec,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: the stored objects are untyped JSON read by assertions
type Json = any;

export interface Cluster {
  server: FakeApiServer;
  lines: Record<string, unknown>[];
  controllers: AllocatorController[];
  metrics: AllocatorMetrics[];
  /** Starts one more allocator (another replica). */
  startAllocator(): Promise<AllocatorController>;
  create(obj: Record<string, unknown>): void;
  service(name: string, ns?: string): Json | undefined;
  /** The Service's status.loadBalancer.ingress IPs. */
  ips(name: string, ns?: string): string[];
  serviceGroup(name: string): Json | undefined;
  /** events.k8s.io/v1 events, optionally of one reason. */
  events(reason?: string): Json[];
  /** Every Service's IPs, by namespace/name. */
  allIPs(): Map<string, string[]>;
  patch(path: string, body: unknown): Promise<number>;
  remove(name: string, ns?: string): void;
  /** Waits until the Service shows an address list satisfying `ok`. */
  waitIPs(name: string, ok: (ips: string[]) => boolean, what: string, ns?: string): Promise<string[]>;
}

export interface ClusterOptions {
  groups?: Record<string, unknown>[];
  defaultAnnouncer?: boolean;
  leaseDurationSeconds?: number;
  replicas?: number;
}

export function withCluster(fn: (c: Cluster) => Promise<void>, o: ClusterOptions = {}): Promise<void> {
  return withFakeApiServer(
    async (server) => {
      for (const g of o.groups ?? []) server.apply(g);
      const { logger, lines } = memoryLogger();
      const controllers: AllocatorController[] = [];
      const metrics: AllocatorMetrics[] = [];
      const svcR = server.resource('v1', 'Service');
      const startAllocator = async () => {
        const m = new AllocatorMetrics();
        const c = new AllocatorController({
          access: accessFor(server),
          namespace: NS,
          defaultAnnouncer: o.defaultAnnouncer ?? false,
          logger,
          metrics: m,
          identity: `allocator-${controllers.length}`,
          leaseDurationSeconds: o.leaseDurationSeconds ?? 3,
          resyncMs: 0,
          restartDelayMs: 20,
          maxRestartDelayMs: 200,
          retryBaseDelayMs: 20,
        });
        controllers.push(c);
        metrics.push(m);
        await c.start();
        return c;
      };
      const service = (name: string, ns = 'default') => server.store.get(svcR, ns, name) as Json;
      const ips = (name: string, ns = 'default'): string[] =>
        (service(name, ns)?.status?.loadBalancer?.ingress ?? []).map((e: Json) => e.ip);
      const cluster: Cluster = {
        server,
        lines,
        controllers,
        metrics,
        startAllocator,
        create: (obj) => {
          server.apply(obj);
        },
        service,
        ips,
        serviceGroup: (name) => server.store.get(server.resource('purelb.io/v2', 'ServiceGroup'), NS, name),
        events: (reason) =>
          server.store
            .list(server.resource('events.k8s.io/v1', 'Event'))
            .filter((e: Json) => reason === undefined || e.reason === reason),
        allIPs: () =>
          new Map(
            server.store
              .list(svcR)
              .map((s: Json) => [
                `${s.metadata.namespace}/${s.metadata.name}`,
                (s.status?.loadBalancer?.ingress ?? []).map((e: Json) => e.ip),
              ]),
          ),
        patch: async (path, body) =>
          (await call(server, 'PATCH', path, body, 'application/merge-patch+json')).status,
        remove: (name, ns = 'default') => {
          server.store.remove(svcR, ns, name);
        },
        waitIPs: async (name, ok, what, ns = 'default') => {
          await eventually(`${ns}/${name}: ${what} (has ${JSON.stringify(ips(name, ns))})`, () =>
            ok(ips(name, ns)),
          );
          return ips(name, ns);
        },
      };
      try {
        for (let i = 0; i < (o.replicas ?? 1); i++) await startAllocator();
        await eventually('an allocator leads', () => controllers.some((c) => c.leading));
        await fn(cluster);
      } finally {
        for (const c of controllers) await c.stop();
      }
    },
    { namespaces: ['default', 'other', NS] },
  );
}

/** Addresses shown by more than one Service (without sharing), as "ip: a, b". */
export function duplicates(all: Map<string, string[]>): string[] {
  const by = new Map<string, string[]>();
  for (const [svc, list] of all) for (const ip of list) by.set(ip, [...(by.get(ip) ?? []), svc]);
  return [...by].filter(([, s]) => s.length > 1).map(([ip, s]) => `${ip}: ${s.join(', ')}`);
}
