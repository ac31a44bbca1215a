// The memory scenarios of `npm run bench:agent`, each with its own fake API server (in this process: its
// memory is not the agent's; only the child's /proc figures count) and, for the node agent, its own
// seed-shaped namespace, deleted whatever happens:
//   scale:     a node agent started against N Services (with addresses) and N EndpointSlices that already
//              exist, as after a rollout: ready, every address placed, writes done → VmRSS, and VmHWM
//              (the initial LIST and first reconcile are the peak).
//   churn:     a node agent carrying 1,000 Services while they keep changing (ingress, annotations,
//              their EndpointSlices' endpoints) at a steady rate; VmRSS sampled every 10 s.
//   allocator: `purelb-agent allocator` idle, then after giving N new Services their addresses.
// Objects are shaped as a real API server returns them (objects.ts).
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { Netlink } from '@purelb-ts/netlink-native';
import { type FakeApiServer, startFakeApiServer, writeKubeconfig } from '../../../test/support/kube.ts';
import { createNetns, deleteNetns } from '../../../test/support/netns.ts';
import { RunningAgent, RunningCli, seedShapedNode, v4Addresses } from '../test/support/agent-process.ts';
import { group } from '../test/support/manifests.ts';
import { AddressWatch } from './address-watch.ts';
import { onInterrupt } from './interrupt.ts';
import { realisticService, realisticSlice } from './objects.ts';
import { type Memory, memory, ready } from './proc.ts';
import { agentIdle, config, NODE, sleep } from './single-node.ts';

type Say = (s: string) => void;
type Track = (agent: RunningAgent) => void;

const CHUNK = 500;
const QUIET_MS = 1000;
const SETTLE_MS = 3000;

const remoteIP = (k: number): string => `10.200.${(256 + k) >> 8}.${(256 + k) & 255}`;
const clusterIP = (k: number): string =>
  `10.${96 + ((k + 2) >> 16)}.${((k + 2) >> 8) & 255}.${(k + 2) & 255}`;
const svcName = (k: number): string => `svc-${String(k).padStart(5, '0')}`;

/** Waits until nothing but Lease renewals reached the server for QUIET_MS; throws after limitMs. */
async function quiet(server: FakeApiServer, limitMs: number): Promise<void> {
  const started = performance.now();
  const writes = () => server.requests.filter((r) => !r.includes('/leases/')).length;
  let seen = writes();
  let since = performance.now();
  while (performance.now() - since < QUIET_MS) {
    if (performance.now() - started > limitMs)
      throw new Error(`still writing to the API server after ${limitMs} ms`);
    await sleep(100);
    const now = writes();
    if (now !== seen) {
      seen = now;
      since = performance.now();
    }
  }
}

/** N Services with their addresses (remote pool, a /32 each on kube-lb0) and N EndpointSlices, in the store. */
async function populate(server: FakeApiServer, n: number): Promise<string[]> {
  const svc = server.resource('v1', 'Service');
  const ips: string[] = [];
  for (let k = 0; k < n; k++) {
    const name = svcName(k);
    const ip = remoteIP(k);
    const obj = server.apply(realisticService({ name, clusterIP: clusterIP(k), ip }));
    obj.status = { loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] } };
    server.store.write(svc, obj, 'MODIFIED');
    server.apply(realisticSlice({ service: name, node: NODE }));
    ips.push(ip);
    if (k % CHUNK === CHUNK - 1) await yieldToLoop();
  }
  return ips;
}

function averageBytes(server: FakeApiServer, apiVersion: string, kind: string): number {
  const some = server.store.peek(server.resource(apiVersion, kind)).slice(0, 100);
  return Math.round(
    some.reduce((t, o) => t + Buffer.byteLength(JSON.stringify(o)), 0) / Math.max(1, some.length),
  );
}

interface NodeAgentSetup {
  server: FakeApiServer;
  ns: string;
  watch: AddressWatch;
  agent: RunningAgent;
  /** Set when the agent exited: its exit code or signal and the last of its stderr. */
  died: () => string | undefined;
}

/** A fake API server holding `n` Services + slices, a seed-shaped namespace, and the agent started on them. */
async function withNodeAgent<T>(
  n: number,
  o: { say: Say; track: Track },
  fn: (s: NodeAgentSetup & { ips: string[] }) => Promise<T>,
): Promise<T> {
  const server = await startFakeApiServer();
  const kc = writeKubeconfig(server);
  const forget = onInterrupt(kc.cleanup);
  let ns: string | undefined;
  let nl: Netlink | undefined;
  let watch: AddressWatch | undefined;
  let agent: RunningAgent | undefined;
  try {
    server.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'purelb' } });
    server.apply({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: NODE, labels: { 'kubernetes.io/hostname': NODE } },
    });
    for (const obj of config()) server.apply(obj);
    const t0 = performance.now();
    const ips = await populate(server, n);
    o.say(
      `${n} Services + ${n} EndpointSlices in the fake API server (${Math.round(performance.now() - t0)} ms)`,
    );
    ns = createNetns();
    seedShapedNode(ns);
    nl = await Netlink.open({ netns: ns });
    watch = new AddressWatch(nl);
    agent = new RunningAgent(ns, '', ['--kubeconfig', kc.kubeconfig, '--namespace', 'purelb']);
    o.track(agent);
    let exit: string | undefined;
    const a = agent;
    const w = watch;
    agent.child.once('exit', (code, signal) => {
      exit = `exit ${code ?? signal}: ${a.stderr.slice(-1500)}`;
      w.close(new Error(`the agent exited (${code ?? signal})`));
    });
    return await fn({ server, ns, watch, agent, died: () => exit, ips });
  } finally {
    watch?.close();
    nl?.close();
    await agent?.stop('SIGKILL');
    await server.stop();
    kc.cleanup();
    forget();
    if (ns !== undefined) deleteNetns(ns);
  }
}

export interface ScaleResult {
  services: number;
  endpointSlices: number;
  serviceBytes: number;
  sliceBytes: number;
  /** Spawn → /readyz answers. */
  readyMs?: number;
  /** Spawn → every address present on kube-lb0. */
  placedMs?: number;
  /** Settled: placed, writes done, idle. */
  settled?: Memory;
  /** Whether the agent was idle (no CPU for 200 ms) within 10 s when `settled` was read. */
  idle?: boolean;
  /** The agent died: how (e.g. V8's heap limit), with the last of its log. */
  died?: string;
}

/** The node agent started against `services` existing Services and EndpointSlices. */
export function scale(o: { services: number; say: Say; track: Track }): Promise<ScaleResult> {
  return withNodeAgent(o.services, o, async ({ server, watch, agent, died, ips }) => {
    const base = {
      services: o.services,
      endpointSlices: o.services,
      serviceBytes: averageBytes(server, 'v1', 'Service'),
      sliceBytes: averageBytes(server, 'discovery.k8s.io/v1', 'EndpointSlice'),
    };
    const spawned = performance.now();
    const placedLimit = 120_000 + o.services * 12; // the kernel's work grows faster than linearly
    try {
      const placed = watch.all(ips, placedLimit, `${o.services} addresses`);
      await ready(agent, placedLimit);
      const readyMs = Math.round(performance.now() - spawned);
      o.say(`agent ready after ${readyMs} ms, VmHWM so far ${memory(agent.child.pid as number).hwmMB} MB`);
      const placedMs = Math.round((await placed) - spawned);
      o.say(`all ${o.services} addresses present after ${placedMs} ms`);
      await quiet(server, 300_000);
      await sleep(SETTLE_MS);
      // At 50k the agent may never be idle for 200 ms on end (its budgeted event writes, GC): read
      // its figures anyway, and say so.
      const idle = await agentIdle(agent.child.pid as number).then(
        () => true,
        () => false,
      );
      return { ...base, readyMs, placedMs, settled: memory(agent.child.pid as number), idle };
    } catch (err) {
      const how = died();
      if (how === undefined) {
        o.say(`the agent's last log lines:\n${agent.stderr.split('\n').slice(-12).join('\n')}`);
        throw err;
      }
      o.say(`the agent died: ${how}`);
      return { ...base, died: how };
    }
  });
}

export interface ChurnResult {
  services: number;
  minutes: number;
  changesPerSecond: number;
  changes: { ingress: number; annotations: number; endpoints: number };
  /** VmRSS every 10 s from the start of the churn: [seconds, MB]. */
  samples: [number, number][];
  before: Memory;
  firstMinuteMeanMB: number;
  lastMinuteMeanMB: number;
  maxMB: number;
  /** VmHWM at the end (the peak of the agent's whole life, its initial load included). */
  hwmMB: number;
  /** Addresses the Services held at the end that were not on kube-lb0, and the other way round. */
  missing: number;
  extra: number;
}

const SAMPLE_MS = 10_000;
const mean = (xs: readonly number[]): number =>
  Math.round((xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)) * 10) / 10;

/**
 * `services` Services under churn for `minutes`, `rate` changes a second in turn: a Service's ingress
 * moves to its other address, a Service's annotations change (as a kubectl apply that touches
 * metadata only), a Service's EndpointSlice gets new endpoints (a rollout: new pods, addresses, names).
 */
export function churn(o: {
  services: number;
  minutes: number;
  rate: number;
  say: Say;
  track: Track;
}): Promise<ChurnResult> {
  return withNodeAgent(o.services, o, async ({ server, ns, watch, agent, ips }) => {
    const pid = agent.child.pid as number;
    await ready(agent, 120_000);
    await watch.all(ips, 120_000, `${o.services} addresses`);
    await quiet(server, 300_000);
    await sleep(SETTLE_MS);
    await agentIdle(pid);
    const before = memory(pid);
    o.say(`agent carrying ${o.services} Services: VmRSS ${before.rssMB} MB; churning for ${o.minutes} min`);
    const svc = server.resource('v1', 'Service');
    const eps = server.resource('discovery.k8s.io/v1', 'EndpointSlice');
    const current = [...ips];
    const moved = new Array<boolean>(o.services).fill(false);
    const generation = new Array<number>(o.services).fill(0);
    const changes = { ingress: 0, annotations: 0, endpoints: 0 };
    const samples: [number, number][] = [];
    const t0 = performance.now();
    const end = t0 + o.minutes * 60_000;
    let nextSample = t0 + SAMPLE_MS;
    let revision = 0;
    for (let i = 0; performance.now() < end; i++) {
      const due = t0 + (i * 1000) / o.rate;
      if (due > performance.now()) await sleep(due - performance.now());
      const k = Math.floor(i / 3) % o.services;
      const name = svcName(k);
      if (i % 3 === 0) {
        moved[k] = !moved[k];
        const ip = moved[k] ? remoteIP(o.services + k) : remoteIP(k);
        current[k] = ip;
        const cur = server.store.get(svc, 'default', name);
        if (cur === undefined) throw new Error(`bench: no Service ${name}`);
        cur.status = { loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] } };
        server.store.write(svc, cur, 'MODIFIED');
        changes.ingress++;
      } else if (i % 3 === 1) {
        const cur = server.store.get(svc, 'default', name);
        if (cur === undefined) throw new Error(`bench: no Service ${name}`);
        const meta = cur.metadata as unknown as {
          annotations: Record<string, string>;
          managedFields: { time: string }[];
        };
        meta.annotations['example.com/revision'] = String(++revision);
        meta.annotations['example.com/deployed-at'] = new Date().toISOString();
        if (meta.managedFields[0] !== undefined) meta.managedFields[0].time = new Date().toISOString();
        server.store.write(svc, cur, 'MODIFIED');
        changes.annotations++;
      } else {
        generation[k] = (generation[k] ?? 0) + 1;
        const slice = realisticSlice({ service: name, node: NODE, generation: generation[k] });
        const cur = server.store.get(eps, 'default', (slice.metadata as { name: string }).name);
        if (cur === undefined) throw new Error(`bench: no EndpointSlice for ${name}`);
        cur.endpoints = slice.endpoints;
        server.store.write(eps, cur, 'MODIFIED');
        changes.endpoints++;
      }
      if (performance.now() >= nextSample) {
        samples.push([Math.round((nextSample - t0) / 1000), memory(pid).rssMB]);
        nextSample += SAMPLE_MS;
      }
    }
    samples.push([Math.round((performance.now() - t0) / 1000), memory(pid).rssMB]);
    const hwmMB = memory(pid).hwmMB;
    await quiet(server, 120_000);
    await sleep(SETTLE_MS);
    const onLb0 = new Set((v4Addresses(ns).get('kube-lb0') ?? []).map((a) => a.slice(0, a.indexOf('/'))));
    const want = new Set(current);
    const lastStart = o.minutes * 60 - 60;
    const rss = samples.map(([, mb]) => mb);
    return {
      services: o.services,
      minutes: o.minutes,
      changesPerSecond: o.rate,
      changes,
      samples,
      before,
      firstMinuteMeanMB: mean(samples.filter(([t]) => t <= 60).map(([, mb]) => mb)),
      lastMinuteMeanMB: mean(samples.filter(([t]) => t > lastStart).map(([, mb]) => mb)),
      maxMB: Math.max(...rss),
      hwmMB,
      missing: [...want].filter((a) => !onLb0.has(a)).length,
      extra: [...onLb0].filter((a) => !want.has(a)).length,
    };
  });
}

export interface AllocatorResult {
  idle: Memory;
  services: number;
  serviceBytes: number;
  /** From the first Service created until every one has its address. */
  allocateMs?: number;
  loaded?: Memory;
  /** The allocator died: how (e.g. V8's heap limit), with the last of its log. */
  died?: string;
}

/** `purelb-agent allocator` idle (one ServiceGroup, no Service), then after allocating `services` new ones. */
export async function allocator(o: { services: number; say: Say; track: Track }): Promise<AllocatorResult> {
  const server = await startFakeApiServer();
  const kc = writeKubeconfig(server);
  const forget = onInterrupt(kc.cleanup);
  let cli: RunningCli | undefined;
  try {
    server.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'purelb' } });
    // Named default: the group of Services that name none.
    server.apply(group('default', 'remote', '10.200.0.0/16', '10.200.0.0/16', '/32'));
    cli = new RunningCli([
      'allocator',
      '--kubeconfig',
      kc.kubeconfig,
      '--namespace',
      'purelb',
      '--default-announcer',
      '--metrics-port',
      '0',
      '--resync',
      '0',
    ]);
    o.track(cli as RunningAgent);
    const pid = cli.child.pid as number;
    await ready(cli, 60_000);
    await sleep(SETTLE_MS);
    await agentIdle(pid);
    const idle = memory(pid);
    o.say(`allocator ready and idle: VmRSS ${idle.rssMB} MB; ${o.services} Services to allocate`);
    const svc = server.resource('v1', 'Service');
    const t0 = performance.now();
    for (let k = 0; k < o.services; k++) {
      server.apply(realisticService({ name: svcName(k), clusterIP: clusterIP(k) }));
      if (k % CHUNK === CHUNK - 1) await yieldToLoop();
    }
    const allocated = () =>
      server.store
        .peek(svc)
        .filter(
          (s) =>
            ((s.status as { loadBalancer?: { ingress?: unknown[] } })?.loadBalancer?.ingress ?? []).length >
            0,
        ).length;
    const limit = 60_000 + o.services * 30;
    while (allocated() < o.services) {
      if (cli.child.exitCode !== null || cli.child.signalCode !== null) {
        const how = `exit ${cli.child.exitCode ?? cli.child.signalCode}: ${cli.stderr.slice(-1500)}`;
        o.say(`the allocator died: ${how}`);
        return { idle, services: o.services, serviceBytes: averageBytes(server, 'v1', 'Service'), died: how };
      }
      if (performance.now() - t0 > limit)
        throw new Error(`only ${allocated()} of ${o.services} Services allocated after ${limit} ms`);
      await sleep(250);
    }
    const allocateMs = Math.round(performance.now() - t0);
    await quiet(server, 300_000);
    await sleep(SETTLE_MS);
    await agentIdle(pid);
    return {
      idle,
      services: o.services,
      serviceBytes: averageBytes(server, 'v1', 'Service'),
      allocateMs,
      loaded: memory(pid),
    };
  } catch (err) {
    if (cli !== undefined) o.say(`allocator log tail:\n${cli.stderr.slice(-4000)}`);
    throw err;
  } finally {
    await cli?.stop('SIGKILL');
    await server.stop();
    kc.cleanup();
    forget();
  }
}
