// bench:agent's foreign-churn scenario: another program (`ip -batch`) adds then deletes N /32s on
// another interface of the node while the real agent (standalone, watching) carries S Services in a
// namespace shaped like the seed's node. Measured on the agent: its CPU seconds (utime + stime from
// /proc/PID/stat) from just before the churn until it has settled after it, its reconciles (from
// /metrics), monitor overruns (its log), and VmRSS before, at peak during the churn and 30 s after.
// Run three times, each with a fresh agent and namespace: with neither the foreign-address debounce
// nor the kernel monitor filter (PURELB_BENCH_IMMEDIATE_FOREIGN_ADDRESSES=1 and
// PURELB_BENCH_NO_MONITOR_FILTER=1: the behaviour before both), with the debounce only, and as
// shipped; then with only a process subscribed to the agent's monitor groups, unfiltered
// (monitor-only.ts): what receiving and decoding every notification costs before any agent work.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createNetns, deleteNetns, ip } from '../../../test/support/netns.ts';
import { IMMEDIATE_FOREIGN_ENV, NO_MONITOR_FILTER_ENV } from '../src/network/watch.ts';
import { ManifestFile, RunningAgent, seedShapedNode, v4Addresses } from '../test/support/agent-process.ts';
import { group, manifests, seedGroups } from '../test/support/manifests.ts';
import { onInterrupt } from './interrupt.ts';
import { statusMB } from './proc.ts';

export interface ForeignChurnOptions {
  /** Foreign addresses added, then deleted. */
  addresses: number;
  /** Services the agent carries (remote /32s on kube-lb0). */
  services: number;
  /** How long after the churn the RSS is read again. */
  afterMs: number;
  /** How long after the churn to watch for the RSS to return to its figure before it. */
  returnWindowMs: number;
  say: (s: string) => void;
  track: (agent: RunningAgent) => void;
}

/** before: neither step; debounced: the debounce only; shipped: the debounce and the kernel filter. */
export type ChurnMode = 'before' | 'debounced' | 'shipped';

export interface ChurnRun {
  mode: ChurnMode;
  /** The churn itself (ip -batch, add then delete), wall time. */
  churnMs: number;
  /** The agent's utime + stime from just before the churn until it settled after it. */
  cpuS: number;
  /** The same, split: its own code (user) and the kernel working for it (system: dumps, reads). */
  userS: number;
  sysS: number;
  reconciles: number;
  /** Wall seconds those reconciles took (the agent's reconcile histogram). */
  reconcileS: number;
  /** Of those, how many failed (e.g. every retry of a dump interrupted by the churn). */
  failedReconciles: number;
  overruns: number;
  rssBeforeMB: number;
  rssPeakMB: number;
  rssAfterMB: number;
  /** Seconds after the churn until VmRSS was back at or below its figure before (undefined: not in the window). */
  rssReturnedS: number | undefined;
}

/** The monitor-only process under the same churn. */
export interface MonitorFloor {
  churnMs: number;
  cpuS: number;
  userS: number;
  sysS: number;
  /** Notifications it received, by type. */
  counts: Record<string, number>;
  rssBeforeMB: number;
  rssPeakMB: number;
  rssAfterMB: number;
}

export interface ForeignChurnResult {
  addresses: number;
  services: number;
  afterS: number;
  before: ChurnRun;
  debounced: ChurnRun;
  shipped: ChurnRun;
  floor: MonitorFloor;
}

const TICKS_PER_SECOND = 100; // USER_HZ
const POLL_MS = 100;
/** Longer than the debounce's longest wait (1 s): no reconcile is pending after this much calm. */
const SETTLE_MS = 1500;
const SETTLE_LIMIT_MS = 300_000;
const UP_TIMEOUT_MS = 120_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** utime and stime of pid in ticks (fields 14 and 15 of /proc/PID/stat). */
function cpuTicks(pid: number): { user: number; sys: number } {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return { user: Number(f[11]), sys: Number(f[12]) };
}
const seconds = (ticks: number): number => Math.round((ticks / TICKS_PER_SECOND) * 100) / 100;

const remoteIP = (k: number): string => `10.200.${(256 + k) >> 8}.${(256 + k) & 255}`;
const foreignIP = (k: number): string => `10.99.${k >> 8}.${k & 255}`;

const metricsPort = (agent: RunningAgent): unknown =>
  agent.logs.find((l) => l.msg.startsWith('serving /metrics'))?.port;

/** The agent's completed reconciles and the seconds they took, from its /metrics. */
async function reconcileMetrics(agent: RunningAgent): Promise<{ count: number; seconds: number }> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort(agent)}/metrics`)).text();
  const count = /^purelb_lbnodeagent_reconcile_duration_seconds_count (\d+)$/m.exec(text);
  const sum = /^purelb_lbnodeagent_reconcile_duration_seconds_sum ([\d.e+-]+)$/m.exec(text);
  if (count === null || sum === null) throw new Error('no reconcile figures in the agent metrics');
  return { count: Number(count[1]), seconds: Number(sum[1]) };
}

const reconciles = async (agent: RunningAgent): Promise<number> => (await reconcileMetrics(agent)).count;
const failedReconciles = (agent: RunningAgent): number =>
  agent.logs.filter((l) => l.msg === 'reconcile failed').length;

/** Waits until the agent's reconcile count has not moved for SETTLE_MS; returns it. */
async function settled(agent: RunningAgent): Promise<number> {
  const started = performance.now();
  let last = await reconciles(agent);
  for (;;) {
    await sleep(SETTLE_MS);
    const now = await reconciles(agent);
    if (now === last) return now;
    if (performance.now() - started > SETTLE_LIMIT_MS) throw new Error('the agent never settled');
    last = now;
  }
}

const onKubeLb0 = (ns: string): number => v4Addresses(ns).get('kube-lb0')?.length ?? 0;

/** `ip -batch` adding then deleting n /32s on `link`; resolves once it exited. */
async function churn(ns: string, link: string, n: number, whileRunning: () => void): Promise<number> {
  const lines: string[] = [];
  for (let k = 0; k < n; k++) lines.push(`addr add ${foreignIP(k)}/32 dev ${link}\n`);
  for (let k = 0; k < n; k++) lines.push(`addr del ${foreignIP(k)}/32 dev ${link}\n`);
  const t0 = performance.now();
  const child = spawn('ip', ['-n', ns, '-batch', '-'], { stdio: ['pipe', 'ignore', 'inherit'] });
  let done = false;
  const closed = new Promise<number | null>((r) => child.once('close', r));
  void closed.then(() => {
    done = true;
  });
  child.stdin.end(lines.join(''));
  while (!done) {
    whileRunning();
    await Promise.race([closed, sleep(POLL_MS)]);
  }
  const code = await closed;
  if (code !== 0) throw new Error(`ip -batch exited ${code}`);
  return Math.round(performance.now() - t0);
}

/**
 * VmRSS afterMs after the churn, and when (within returnWindowMs) it was back at its figure before:
 * V8 gives its heap back only when its memory reducer runs, some time after the allocation stops.
 */
async function rssAfter(pid: number, churnEnd: number, beforeMB: number, o: ForeignChurnOptions) {
  let rssAfterMB: number | undefined;
  let rssReturnedS: number | undefined;
  for (;;) {
    const since = performance.now() - churnEnd;
    const now = statusMB(pid, 'VmRSS');
    if (rssAfterMB === undefined && since >= o.afterMs) rssAfterMB = now;
    if (rssReturnedS === undefined && now <= beforeMB) rssReturnedS = Math.round(since / 1000);
    if (rssAfterMB !== undefined && (rssReturnedS !== undefined || since >= o.returnWindowMs)) {
      return { rssAfterMB, rssReturnedS };
    }
    await sleep(1000);
  }
}

function startAgent(ns: string, file: string, mode: ChurnMode, o: ForeignChurnOptions): RunningAgent {
  // Set for the spawn only: the child copies the environment when it starts.
  if (mode === 'before') process.env[IMMEDIATE_FOREIGN_ENV] = '1';
  if (mode !== 'shipped') process.env[NO_MONITOR_FILTER_ENV] = '1';
  try {
    const agent = new RunningAgent(ns, file);
    o.track(agent);
    return agent;
  } finally {
    delete process.env[IMMEDIATE_FOREIGN_ENV];
    delete process.env[NO_MONITOR_FILTER_ENV];
  }
}

const MODE_TEXT: Record<ChurnMode, string> = {
  before: 'no debounce, no filter (before)',
  debounced: 'debounced, no filter',
  shipped: 'debounced and filtered (shipped)',
};

async function churnRun(mode: ChurnMode, o: ForeignChurnOptions): Promise<ChurnRun> {
  const file = new ManifestFile(
    manifests(
      Array.from({ length: o.services }, (_, k) => ({ name: `svc-${k}`, ip: remoteIP(k) })),
      [seedGroups()[0] as object, group('remote', 'remote', '10.200.0.0/16', '10.200.0.0/16', '/32')],
    ),
  );
  const forget = onInterrupt(() => file.remove());
  const ns = churnNamespace();
  let agent: RunningAgent | undefined;
  try {
    agent = startAgent(ns, file.path, mode, o);
    const a = agent;
    await a.until(
      `the agent up with ${o.services} addresses`,
      () => metricsPort(a) !== undefined && onKubeLb0(ns) === o.services,
      UP_TIMEOUT_MS,
    );
    const pid = a.child.pid as number;
    await settled(a);
    const runsBefore = await reconcileMetrics(a);
    const failedBefore = failedReconciles(a);
    const rssBeforeMB = statusMB(pid, 'VmRSS');
    const ticksBefore = cpuTicks(pid);
    const overrunsBefore = a.logs.filter((l) => l.msg.startsWith('netlink monitor overrun')).length;
    let rssPeakMB = rssBeforeMB;
    o.say(`${MODE_TEXT[mode]}: churning ${o.addresses} foreign adds + deletes`);
    const churnMs = await churn(ns, 'churn0', o.addresses, () => {
      rssPeakMB = Math.max(rssPeakMB, statusMB(pid, 'VmRSS'));
    });
    const churnEnd = performance.now();
    await settled(a);
    const runsAfter = await reconcileMetrics(a);
    const ticksAfter = cpuTicks(pid);
    const userS = seconds(ticksAfter.user - ticksBefore.user);
    const sysS = seconds(ticksAfter.sys - ticksBefore.sys);
    rssPeakMB = Math.max(rssPeakMB, statusMB(pid, 'VmRSS'));
    const memory = await rssAfter(pid, churnEnd, rssBeforeMB, o);
    return {
      mode,
      churnMs,
      cpuS: Math.round((userS + sysS) * 100) / 100,
      userS,
      sysS,
      reconciles: runsAfter.count - runsBefore.count,
      reconcileS: Math.round((runsAfter.seconds - runsBefore.seconds) * 100) / 100,
      failedReconciles: failedReconciles(a) - failedBefore,
      overruns: a.logs.filter((l) => l.msg.startsWith('netlink monitor overrun')).length - overrunsBefore,
      rssBeforeMB,
      rssPeakMB,
      ...memory,
    };
  } catch (err) {
    if (agent !== undefined) o.say(`agent log tail:\n${agent.stderr.slice(-4000)}`);
    throw err;
  } finally {
    await agent?.stop('SIGKILL');
    deleteNetns(ns);
    file.remove();
    forget();
  }
}

/** A namespace with the churn interface (and the seed's node shape, as the agent's has). */
function churnNamespace(): string {
  const ns = createNetns();
  seedShapedNode(ns);
  ip(ns, 'link', 'add', 'churn0', 'type', 'veth', 'peer', 'name', 'churn1');
  ip(ns, 'link', 'set', 'churn0', 'up');
  return ns;
}

const MONITOR_ONLY = join(import.meta.dirname, 'monitor-only.ts');

async function monitorFloor(o: ForeignChurnOptions): Promise<MonitorFloor> {
  const ns = churnNamespace();
  const child = spawn(process.execPath, ['--conditions=purelb-source', MONITOR_ONLY, ns], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const closed = new Promise((r) => child.once('close', r));
  try {
    const deadline = performance.now() + UP_TIMEOUT_MS;
    while (!stderr.includes('"monitoring"')) {
      if (performance.now() > deadline || child.exitCode !== null) throw new Error(`monitor-only: ${stderr}`);
      await sleep(20);
    }
    const pid = child.pid as number;
    const before = cpuTicks(pid);
    const rssBeforeMB = statusMB(pid, 'VmRSS');
    let rssPeakMB = rssBeforeMB;
    o.say(`monitor only (the floor): churning ${o.addresses} foreign adds + deletes`);
    const churnMs = await churn(ns, 'churn0', o.addresses, () => {
      rssPeakMB = Math.max(rssPeakMB, statusMB(pid, 'VmRSS'));
    });
    const churnEnd = performance.now();
    await sleep(SETTLE_MS);
    const after = cpuTicks(pid);
    await sleep(Math.max(0, o.afterMs - (performance.now() - churnEnd)));
    const rssAfterMB = statusMB(pid, 'VmRSS');
    child.kill('SIGTERM');
    await closed;
    const last = stderr.trim().split('\n').at(-1) ?? '{}';
    const { msg: _msg, ...counts } = JSON.parse(last) as Record<string, number>;
    const userS = seconds(after.user - before.user);
    const sysS = seconds(after.sys - before.sys);
    return {
      churnMs,
      cpuS: Math.round((userS + sysS) * 100) / 100,
      userS,
      sysS,
      counts,
      rssBeforeMB,
      rssPeakMB,
      rssAfterMB,
    };
  } finally {
    child.kill('SIGKILL');
    deleteNetns(ns);
  }
}

export async function foreignChurn(o: ForeignChurnOptions): Promise<ForeignChurnResult> {
  const before = await churnRun('before', o);
  const debounced = await churnRun('debounced', o);
  const shipped = await churnRun('shipped', o);
  const floor = await monitorFloor(o);
  return {
    addresses: o.addresses,
    services: o.services,
    afterS: o.afterMs / 1000,
    before,
    debounced,
    shipped,
    floor,
  };
}
