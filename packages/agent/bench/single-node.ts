// The single-node phases of `npm run bench:agent`: one real agent in Kubernetes mode against the
// in-process fake API server, acting in a throw-away namespace shaped like the seed's node (enp1s0
// 172.30.250.104/24 + default route). Changes are committed straight into the fake server's store
// (the watch events the agent gets are the same as after an HTTP write), so t0 is the moment the
// change exists in the API server; t1 is the RTM_NEWADDR reaching the bench's own netlink monitor.
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { Netlink } from '@purelb-ts/netlink-native';
import { type FakeApiServer, startFakeApiServer, writeKubeconfig } from '../../../test/support/kube.ts';
import { createNetns, deleteNetns } from '../../../test/support/netns.ts';
import { RunningAgent, seedShapedNode } from '../test/support/agent-process.ts';
import { group, seedGroups } from '../test/support/manifests.ts';
import { AddressWatch } from './address-watch.ts';
import { onInterrupt } from './interrupt.ts';
import { realisticService, realisticSlice } from './objects.ts';
import { cpuTicks, type Memory, memory as memoryOf, ready, statusMB } from './proc.ts';
import { type Stats, stats } from './report.ts';

export interface SingleNodeOptions {
  changes: number;
  burst: number;
  loaded: number;
  restores: number;
  /** Stop the agent with SIGTERM (it writes its --cpu-prof profile on exit) instead of SIGKILL. */
  gentleStop: boolean;
  say: (s: string) => void;
  /** Called with every agent started, so an interrupt can kill it. */
  track: (agent: RunningAgent) => void;
}

export interface SingleNodeResult {
  /** From spawning the agent until its /readyz answers (first reconcile done). */
  startupMs: number;
  changes: { all: Stats; remote: Stats; local: Stats };
  burst: { services: number; ms: number; commitMs: number };
  memory: {
    services: number;
    endpointSlices: number;
    addresses: number;
    rssMB: number;
    hwmMB: number;
    /** From the last load step until the agent had written nothing for QUIET_MS (included). */
    quietMs: number;
    /** Average JSON size of a loaded Service and EndpointSlice as the fake API server stores them. */
    serviceBytes: number;
    sliceBytes: number;
  };
  /** The agent once up (ready, idle), nothing to place: what the process costs before any load. */
  idle: Memory;
  /** VmRSS once the first Service's address is present. */
  startRssMB: number;
  restoreSmall: Stats & { services: number };
  restoreLoaded: Stats & { services: number };
  overruns: number;
}

export const NODE = 'purelb2-1'; // RunningAgent's --node
const STEP_TIMEOUT_MS = 10_000;
const BULK_TIMEOUT_MS = 120_000;
const CREATE_CHUNK = 500;
const QUIET_MS = 1000;
const IDLE_MS = 200;
const QUIET_LIMIT_MS = 300_000;
/** How long a ready agent is left alone before its idle figure is read. */
const IDLE_SETTLE_MS = 3000;
const LOCAL_FIRST = 110;
const LOCAL_LAST = 250;

export const config = (): Record<string, unknown>[] =>
  [
    seedGroups()[0] as object, // the LBNodeAgent: local on the default interface, kube-lb0
    group(
      'local',
      'local',
      `172.30.250.${LOCAL_FIRST}-172.30.250.${LOCAL_LAST}`,
      '172.30.250.0/24',
      'default',
    ),
    group('remote', 'remote', '10.200.0.0/16', '10.200.0.0/16', '/32'),
  ] as Record<string, unknown>[];

/** Hands out addresses: the remote pool (a /32 each on kube-lb0) and the local pool (enp1s0's /24). */
export class Addresses {
  #remote = 256; // skip 10.200.0.0/24: no pool network address
  #local = LOCAL_FIRST;
  remote(): string {
    const k = this.#remote++;
    if (k >= 65_535) throw new Error('bench ran out of remote pool addresses');
    return `10.200.${k >> 8}.${k & 255}`;
  }
  local(): string {
    if (this.#local > LOCAL_LAST) throw new Error('bench ran out of local pool addresses');
    return `172.30.250.${this.#local++}`;
  }
}

/** The Services and EndpointSlices the bench puts in the fake API server. */
export class Cluster {
  readonly server: FakeApiServer;
  readonly names: string[] = [];
  services = 0;
  slices = 0;
  #clusterIP = 2;
  #sentinels = 0;
  readonly #svc;

  constructor(server: FakeApiServer) {
    this.server = server;
    this.#svc = server.resource('v1', 'Service');
  }

  /**
   * A Service as the allocator leaves it, minus the status (a create drops it), with the metadata a
   * real API server returns (objects.ts). Its cluster IP is given and node ports are off, as a fleet
   * of 10k LoadBalancer Services needs on a real cluster.
   */
  createService(name: string, trafficPolicy: 'Cluster' | 'Local' = 'Cluster'): void {
    const i = this.#clusterIP++;
    const clusterIP = `10.${96 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
    this.server.apply(realisticService({ name, clusterIP, trafficPolicy, ip: '0.0.0.0' }));
    this.names.push(name);
    this.services++;
  }

  /** Creates in chunks, letting the event loop turn between them (watch streams, sockets, timers). */
  async createServices(names: readonly string[]): Promise<void> {
    for (let i = 0; i < names.length; i++) {
      this.createService(names[i] as string);
      if (i % CREATE_CHUNK === CREATE_CHUNK - 1) await yieldToLoop();
    }
  }

  async createSlices(names: readonly string[]): Promise<void> {
    for (let i = 0; i < names.length; i++) {
      this.createSlice(names[i] as string);
      if (i % CREATE_CHUNK === CREATE_CHUNK - 1) await yieldToLoop();
    }
  }

  /** Three ready endpoints for Service `name`, the first on this node (objects.ts). */
  createSlice(name: string): void {
    this.server.apply(realisticSlice({ service: name, node: NODE }));
    this.slices++;
  }

  /** Average JSON size in bytes of the stored objects of `kind` whose name starts with `prefix` (100 at most). */
  averageBytes(kind: 'Service' | 'EndpointSlice', prefix: string): number {
    const r = kind === 'Service' ? this.#svc : this.server.resource('discovery.k8s.io/v1', 'EndpointSlice');
    const some = this.server.store
      .peek(r)
      .filter((o) => o.metadata.name.startsWith(prefix))
      .slice(0, 100);
    const total = some.reduce((n, o) => n + Buffer.byteLength(JSON.stringify(o)), 0);
    return Math.round(total / Math.max(1, some.length));
  }

  /**
   * Waits until the agent has sent the fake API server nothing for QUIET_MS: its write-backs
   * (an AnnouncingNonLocal event per new Service) are done, so what follows is measured on an agent
   * that is not still busy with the previous phase. Lease renewals (every few seconds) do not count.
   */
  async quiet(): Promise<number> {
    const started = performance.now();
    const writes = () => this.server.requests.filter((r) => !r.includes('/leases/')).length;
    let seen = writes();
    let since = performance.now();
    while (performance.now() - since < QUIET_MS) {
      if (performance.now() - started > QUIET_LIMIT_MS)
        throw new Error(`the agent was still writing to the API server after ${QUIET_LIMIT_MS} ms`);
      await sleep(100);
      const now = writes();
      if (now !== seen) {
        seen = now;
        since = performance.now();
      }
    }
    return Math.round(performance.now() - started);
  }

  /** Commits status.loadBalancer.ingress in the store, as a status write does (same watch event). */
  commitIngress(name: string, ip: string): void {
    const cur = this.server.store.get(this.#svc, 'default', name);
    if (cur === undefined) throw new Error(`bench: no Service default/${name}`);
    cur.status = { loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] } };
    this.server.store.write(this.#svc, cur, 'MODIFIED');
  }

  /**
   * A Service written after everything else: once its address is present the agent has seen every
   * earlier Service event. With `slices`, an externalTrafficPolicy Local Service whose EndpointSlice
   * is the last one written: its address needs that slice, so every earlier slice was seen too.
   */
  async sync(watch: AddressWatch, addrs: Addresses, slices = false): Promise<void> {
    const name = `sync-${this.#sentinels++}`;
    const ip = addrs.remote();
    this.createService(name, slices ? 'Local' : 'Cluster');
    if (slices) this.createSlice(name);
    const seen = watch.next('new', ip, BULK_TIMEOUT_MS, `sentinel ${name}`);
    this.commitIngress(name, ip);
    await seen;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Service change → address present, one change at a time; every 10th lands on enp1s0 (local pool). */
async function changes(c: Cluster, watch: AddressWatch, addrs: Addresses, n: number) {
  const names = Array.from({ length: n }, (_, i) => `chg-${i}`);
  await c.createServices(names);
  await c.sync(watch, addrs);
  const all: number[] = [];
  const local: number[] = [];
  const remote: number[] = [];
  const remoteIPs: string[] = [];
  for (let i = 0; i < n; i++) {
    const isLocal = i % 10 === 9;
    const ip = isLocal ? addrs.local() : addrs.remote();
    const seen = watch.next('new', ip, STEP_TIMEOUT_MS, `change ${i}`);
    const t0 = performance.now();
    c.commitIngress(names[i] as string, ip);
    const dt = (await seen) - t0;
    all.push(dt);
    (isLocal ? local : remote).push(dt);
    if (!isLocal) remoteIPs.push(ip);
  }
  return { stats: { all: stats(all), local: stats(local), remote: stats(remote) }, remoteIPs };
}

/**
 * Waits until the agent has used no CPU for IDLE_MS: its follow-up work (the reconcile its own
 * address change triggers, the write-back after it) is over.
 */
export async function agentIdle(pid: number): Promise<void> {
  const started = performance.now();
  let last = cpuTicks(pid);
  let since = performance.now();
  while (performance.now() - since < IDLE_MS) {
    if (performance.now() - started > STEP_TIMEOUT_MS)
      throw new Error(`the agent did not go idle for ${IDLE_MS} ms within ${STEP_TIMEOUT_MS} ms`);
    await sleep(20);
    const now = cpuTicks(pid);
    if (now !== last) {
      last = now;
      since = performance.now();
    }
  }
}

/**
 * `ip addr del` of an owned /32 behind the agent's back → RTM_DELADDR to RTM_NEWADDR. Each delete
 * hits an idle agent: an isolated event, not one queued behind the previous restore's follow-up.
 */
async function restores(nl: Netlink, watch: AddressWatch, ips: readonly string[], n: number, pid: number) {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    await agentIdle(pid);
    const ip = ips[i % ips.length] as string;
    const gone = watch.next('del', ip, STEP_TIMEOUT_MS, `external delete ${i}`);
    const back = watch.next('new', ip, STEP_TIMEOUT_MS, `restore ${i}`);
    await nl.addresses.delete({ link: 'kube-lb0', address: ip, prefixLength: 32 });
    const t0 = await gone;
    samples.push((await back) - t0);
  }
  return stats(samples);
}

/** `n` Services (already created) get their ingress at once → the last of their addresses present. */
async function burst(c: Cluster, watch: AddressWatch, addrs: Addresses, n: number) {
  const items = Array.from({ length: n }, (_, i) => [`burst-${i}`, addrs.remote()] as const);
  await c.createServices(items.map(([name]) => name));
  await c.sync(watch, addrs);
  await c.quiet();
  const allPresent = watch.all(
    items.map(([, ip]) => ip),
    BULK_TIMEOUT_MS,
    `${n} burst addresses`,
  );
  const t0 = performance.now();
  for (const [name, ip] of items) c.commitIngress(name, ip);
  const commitMs = performance.now() - t0;
  const t1 = await allPresent;
  return { services: n, ms: Math.round((t1 - t0) * 100) / 100, commitMs: Math.round(commitMs * 100) / 100 };
}

/** Loads up to `total` Services with addresses, an EndpointSlice for each, then reads the agent's RSS. */
async function loaded(c: Cluster, watch: AddressWatch, addrs: Addresses, total: number, pid: number) {
  const extra = Math.max(0, total - c.services - 1); // the slice sentinel is the last Service
  const items = Array.from({ length: extra }, (_, i) => [`load-${i}`, addrs.remote()] as const);
  await c.createServices(items.map(([name]) => name));
  const present = watch.all(
    items.map(([, ip]) => ip),
    BULK_TIMEOUT_MS,
    'the loaded addresses',
  );
  for (const [name, ip] of items) c.commitIngress(name, ip);
  await present;
  await c.createSlices(c.names.slice(0, Math.max(0, total - 1)));
  await c.sync(watch, addrs, true);
  const quietMs = await c.quiet();
  return {
    services: c.services,
    endpointSlices: c.slices,
    addresses: watch.present.size,
    rssMB: statusMB(pid, 'VmRSS'),
    hwmMB: statusMB(pid, 'VmHWM'),
    quietMs,
    serviceBytes: c.averageBytes('Service', 'load-'),
    sliceBytes: c.averageBytes('EndpointSlice', 'load-'),
  };
}

export async function singleNode(o: SingleNodeOptions): Promise<SingleNodeResult> {
  const server = await startFakeApiServer();
  const kc = writeKubeconfig(server);
  const forget = onInterrupt(kc.cleanup);
  let ns: string | undefined;
  let agent: RunningAgent | undefined;
  let nl: Netlink | undefined;
  let watch: AddressWatch | undefined;
  try {
    ns = createNetns();
    seedShapedNode(ns);
    server.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'purelb' } });
    server.apply({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: NODE, labels: { 'kubernetes.io/hostname': NODE } },
    });
    for (const obj of config()) server.apply(obj);
    nl = await Netlink.open({ netns: ns });
    watch = new AddressWatch(nl);
    const c = new Cluster(server);
    const addrs = new Addresses();
    agent = new RunningAgent(ns, '', ['--kubeconfig', kc.kubeconfig, '--namespace', 'purelb']);
    o.track(agent);
    const pid = agent.child.pid as number;
    // An agent that dies fails the phase at once instead of at the next wait's timeout.
    const w = watch;
    const a = agent;
    agent.child.once('exit', (code, signal) => {
      const fatal = a.stderr.split('\n').find((l) => l.includes('FATAL ERROR'));
      w.close(new Error(`the agent exited (${code ?? signal})${fatal === undefined ? '' : `: ${fatal}`}`));
    });
    const spawned = performance.now();
    await ready(agent, BULK_TIMEOUT_MS);
    const startupMs = Math.round(performance.now() - spawned);
    await sleep(IDLE_SETTLE_MS);
    await agentIdle(pid);
    const idle = memoryOf(pid);
    o.say(
      `agent pid ${pid} ready and idle, nothing to place: VmRSS ${idle.rssMB} MB, VmHWM ${idle.hwmMB} MB`,
    );
    const started = performance.now();
    await c.sync(watch, addrs);
    const firstMs = Math.round(performance.now() - started);
    await c.quiet();
    const startRssMB = statusMB(pid, 'VmRSS');
    o.say(`first address ${firstMs} ms after the first Service, VmRSS ${startRssMB} MB`);

    o.say(`${o.changes} Service changes, one at a time`);
    const ch = await changes(c, watch, addrs, o.changes);
    o.say(`${o.restores} restores with ${c.services} Services`);
    const restoreSmall = {
      ...(await restores(nl, watch, ch.remoteIPs, o.restores, pid)),
      services: c.services,
    };
    o.say(`${o.burst} Services at once`);
    const b = await burst(c, watch, addrs, o.burst);
    o.say(`loading ${o.loaded} Services and EndpointSlices, then RSS`);
    const memory = await loaded(c, watch, addrs, o.loaded, pid);
    o.say(`${o.restores} restores with ${c.services} Services`);
    const restoreLoaded = {
      ...(await restores(nl, watch, ch.remoteIPs, o.restores, pid)),
      services: c.services,
    };
    return {
      startupMs,
      idle,
      startRssMB,
      changes: ch.stats,
      burst: b,
      memory,
      restoreSmall,
      restoreLoaded,
      overruns: watch.overruns,
    };
  } catch (err) {
    if (agent !== undefined) o.say(`agent log tail:\n${agent.stderr.slice(-4000)}`);
    throw err;
  } finally {
    watch?.close();
    nl?.close();
    await agent?.stop(o.gentleStop ? 'SIGTERM' : 'SIGKILL');
    await server.stop();
    kc.cleanup();
    forget();
    if (ns !== undefined) deleteNetns(ns);
  }
}
