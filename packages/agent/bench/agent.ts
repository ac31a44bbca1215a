// `npm run bench:agent [-- --quick] [--only single|failover|standalone-load|foreign-churn|churn|scale|
//   allocator] [--from-source] [--no-build] [--lease-duration S] [--profile DIR] [--kernel-floor]`
// The real purelb-agent CLI, run as the image runs it (compiled dist/cli.js with the node flags of
// deploy/image/node-flags; --from-source: the TypeScript sources), in Kubernetes mode against the
// in-process fake API server, acting in throw-away network namespaces (see README.md beside this file):
//   1. Service change → address present, one change at a time (p50, p99).
//   2. 5,000 Services get their ingress at once → all 5,000 addresses present.
//   3. Agent RSS idle, and with 10k Services and 10k EndpointSlices loaded (objects the size a real API
//      server returns, objects.ts).
//   4. Restore after an external `ip addr del` of an owned address (p50), at ~1k and at 10k Services.
//   5. Failover on three nodes: SIGTERM / SIGKILL the holder of a local address → another holds it.
// Memory (memory.ts): an agent started against 10k (and 50k) existing Services + EndpointSlices (settled
// RSS, peak); 1,000 Services under 3 minutes of churn (RSS every 10 s); the allocator idle and at 10k.
// And in standalone mode:
//   6. standalone-load: `--once` on a file of 50k Services: load time, place time, peak RSS.
//   7. foreign-churn: another program adds and deletes 30k addresses; the agent's CPU, reconciles and
//      RSS, with neither the foreign-address debounce nor the kernel monitor filter (the behaviour
//      before both), with the debounce only, and as shipped.
// Prints a table (figure, target, met) and, as its LAST line, one JSON object.
// There is no peer column: upstream PureLB's lbnodeagent is Go, and this machine has neither a Go
// toolchain nor PureLB's source (checked at run time, stated in the footer).
// Needs root (namespaces). Every namespace is deleted on exit, on Ctrl-C and on failure.
import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { netnsUnavailableReason } from '../../../test/support/netns.ts';
import { type CpuSnapshot, cpuSnapshot, othersShare } from '../../netlink-native/bench/environment.ts';
import { type RunningAgent, setAgentRuntime } from '../test/support/agent-process.ts';
import { ensureDist, imageNodeFlags } from './build.ts';
import { failover, type Round } from './failover.ts';
import { type ChurnRun, type ForeignChurnResult, foreignChurn } from './foreign-churn.ts';
import { runInterruptCleanups } from './interrupt.ts';
import {
  type AllocatorResult,
  allocator,
  type ChurnResult,
  churn,
  type ScaleResult,
  scale,
} from './memory.ts';
import { cpuTicks } from './proc.ts';
import { type Row, stats, table } from './report.ts';
import { type SingleNodeResult, singleNode } from './single-node.ts';
import { type StandaloneLoadResult, standaloneLoad } from './standalone-load.ts';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'lease-duration': { type: 'string' },
    profile: { type: 'string' },
    'kernel-floor': { type: 'boolean', default: false },
    'from-source': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});
const QUICK = args.quick === true;
const ONLY = args.only;
const SCENARIOS = [
  'single',
  'failover',
  'standalone-load',
  'foreign-churn',
  'scale',
  'churn',
  'allocator',
] as const;
type Scenario = (typeof SCENARIOS)[number];
if (ONLY !== undefined && !(SCENARIOS as readonly string[]).includes(ONLY)) {
  process.stderr.write(`--only must be one of ${SCENARIOS.join(', ')}, got ${JSON.stringify(ONLY)}\n`);
  process.exit(2);
}
// The 3-minute churn is left out of --quick (run it with --only churn).
const runs = (s: Scenario): boolean => (ONLY === undefined ? !(QUICK && s === 'churn') : ONLY === s);
const FROM_SOURCE = args['from-source'] === true;
const LEASE_SECONDS = Number(args['lease-duration'] ?? (QUICK ? 3 : 10));
if (!Number.isInteger(LEASE_SECONDS) || LEASE_SECONDS < 1) {
  process.stderr.write(
    `--lease-duration must be a whole number of seconds >= 1, got ${args['lease-duration']}\n`,
  );
  process.exit(2);
}
const COUNTS = {
  changes: QUICK ? 200 : 1000,
  burst: 5000,
  loaded: 10_000,
  restores: QUICK ? 20 : 50,
  termRounds: QUICK ? 2 : 5,
  killRounds: QUICK ? 2 : 5,
  loadServices: QUICK ? 10_000 : 50_000,
  churnAddresses: QUICK ? 10_000 : 30_000,
  churnServices: 1000,
  churnAfterMs: 30_000,
  churnReturnWindowMs: 180_000,
  scale: QUICK ? [10_000] : [10_000, 50_000],
  serviceChurn: 1000,
  serviceChurnMinutes: 3,
  serviceChurnRate: 5,
  allocator: 10_000,
};
const GLOBAL_TIMEOUT_MS = 60 * 60_000;
const TARGETS = {
  changeP50Ms: 10,
  changeP99Ms: 50,
  burstMs: 2000,
  rssMB: 150,
  peakMB: 250,
  idleMB: 80,
  churnMB: 120,
  /** Under churn, the last minute's mean RSS may exceed the first minute's by this share at most. */
  churnFlat: 0.1,
  restoreP50Ms: 100,
  sigtermMs: 1000,
  sigkillMs: LEASE_SECONDS * 1000 + 1000,
  loadAndPlaceMs: 15_000,
  churnCpuS: 2,
};

const T0 = performance.now();
const say = (s: string) =>
  process.stderr.write(`[bench:agent +${((performance.now() - T0) / 1000).toFixed(1)}s] ${s}\n`);

// Every agent started, so an interrupt or the global timeout can kill them before the namespaces go.
const agents = new Set<RunningAgent>();
const track = (a: RunningAgent) => {
  agents.add(a);
  a.child.once('exit', () => agents.delete(a));
};
const killAll = () => {
  for (const a of agents) a.child.kill('SIGKILL');
  runInterruptCleanups();
};
// process.exit runs test/support/netns.ts's 'exit' handler, which deletes every namespace still live.
process.once('SIGINT', () => {
  say('interrupted: killing the agents, deleting the namespaces');
  killAll();
  process.exit(130);
});
process.once('SIGTERM', () => {
  killAll();
  process.exit(143);
});

if (args.profile !== undefined) {
  // The agents inherit it; they are then stopped with SIGTERM so they write their profile on exit.
  process.env.NODE_OPTIONS =
    `${process.env.NODE_OPTIONS ?? ''} --cpu-prof --cpu-prof-dir=${args.profile}`.trim();
}

/** CPU ticks of the live agents (their time is not in this process's until they are reaped). */
function agentTicks(): number {
  let sum = 0;
  for (const a of agents) {
    try {
      sum += cpuTicks(a.child.pid as number);
    } catch {
      // exited meanwhile: its time is now in ours, once reaped
    }
  }
  return sum;
}
const snapshot = (): CpuSnapshot => {
  const s = cpuSnapshot();
  return { ...s, ours: s.ours + agentTicks() };
};

/** What other processes took of the machine's CPU during fn (0..1), with fn's result. */
async function measured<T>(fn: () => Promise<T>): Promise<{ result: T; others: number }> {
  const a = snapshot();
  const result = await fn();
  return { result, others: othersShare(a, snapshot(), availableParallelism()) };
}

function goToolchain(): string {
  try {
    return execFileSync('go', ['version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'none';
  }
}

const ms = (v: number) => `${v} ms`;

function singleRows(r: SingleNodeResult): Row[] {
  const c = r.changes;
  return [
    {
      measure: `change → address p50 (${c.all.n} changes)`,
      result: ms(c.all.p50),
      target: `< ${TARGETS.changeP50Ms} ms`,
      met: c.all.p50 < TARGETS.changeP50Ms,
    },
    {
      measure: 'change → address p99',
      result: ms(c.all.p99),
      target: `< ${TARGETS.changeP99Ms} ms`,
      met: c.all.p99 < TARGETS.changeP99Ms,
    },
    {
      measure: `  remote /32 on kube-lb0: p50 / p99 / max (${c.remote.n})`,
      result: `${c.remote.p50} / ${c.remote.p99} / ${c.remote.max} ms`,
      target: '',
    },
    {
      measure: `  local /24 on enp1s0: p50 / p99 / max (${c.local.n})`,
      result: `${c.local.p50} / ${c.local.p99} / ${c.local.max} ms`,
      target: '',
    },
    {
      measure: `${r.burst.services} Services at once → all present`,
      result: ms(r.burst.ms),
      target: `< ${TARGETS.burstMs} ms`,
      met: r.burst.ms < TARGETS.burstMs,
    },
    { measure: '  (committing the 5,000 status changes)', result: ms(r.burst.commitMs), target: '' },
    {
      measure: 'agent idle: VmRSS once ready, nothing to place',
      result: `${r.idle.rssMB} MB`,
      target: `≤ ${TARGETS.idleMB} MB`,
      met: r.idle.rssMB <= TARGETS.idleMB,
    },
    { measure: '  its VmHWM', result: `${r.idle.hwmMB} MB`, target: '' },
    { measure: '  spawn → ready (first reconcile done)', result: ms(r.startupMs), target: '' },
    { measure: '  VmRSS once the first address is present', result: `${r.startRssMB} MB`, target: '' },
    {
      measure: `agent VmRSS, ${r.memory.services} Svc + ${r.memory.endpointSlices} EPS + ${r.memory.addresses} addrs, loaded one by one`,
      result: `${r.memory.rssMB} MB`,
      target: `≤ ${TARGETS.rssMB} MB`,
      met: r.memory.rssMB <= TARGETS.rssMB,
    },
    {
      measure: '  agent VmHWM (peak RSS of its life so far)',
      result: `${r.memory.hwmMB} MB`,
      target: `≤ ${TARGETS.peakMB} MB`,
      met: r.memory.hwmMB <= TARGETS.peakMB,
    },
    {
      measure: '  average JSON size of a Service / an EndpointSlice',
      result: `${r.memory.serviceBytes} / ${r.memory.sliceBytes} B`,
      target: '',
    },
    {
      measure: '  agent writing back after the load (until 1 s quiet)',
      result: ms(r.memory.quietMs),
      target: '',
    },
    ...[r.restoreSmall, r.restoreLoaded].map((s) => ({
      measure: `restore after ip addr del, p50 (${s.services} Svc, ${s.n} tries)`,
      result: `${ms(s.p50)} (p99 ${s.p99})`,
      target: `< ${TARGETS.restoreP50Ms} ms`,
      met: s.p50 < TARGETS.restoreP50Ms,
    })),
  ];
}

function failoverFigures(rounds: readonly Round[], signal: Round['signal']) {
  const mine = rounds.filter((r) => r.signal === signal);
  const s = stats(mine.map((r) => r.ms));
  return { n: s.n, p50Ms: s.p50, maxMs: s.max, rounds: mine.map((r) => `${r.from}->${r.to} ${r.ms}`) };
}

function failoverRows(rounds: readonly Round[]): Row[] {
  const term = failoverFigures(rounds, 'SIGTERM');
  const kill = failoverFigures(rounds, 'SIGKILL');
  return [
    {
      measure: `SIGTERM the holder → another holds it, p50 / max (${term.n} rounds)`,
      result: `${term.p50Ms} / ${term.maxMs} ms`,
      target: `< ${TARGETS.sigtermMs} ms`,
      met: term.maxMs < TARGETS.sigtermMs,
    },
    {
      measure: `SIGKILL the holder → another holds it, p50 / max (${kill.n} rounds)`,
      result: `${kill.p50Ms} / ${kill.maxMs} ms`,
      target: `< lease ${LEASE_SECONDS} s + 1 s`,
      met: kill.maxMs < TARGETS.sigkillMs,
    },
  ];
}

const sec = (msValue: number) => `${(msValue / 1000).toFixed(1)} s`;
const cpuText = (c: { userS: number; sysS: number }) => `user ${c.userS} s, system ${c.sysS} s`;

function loadRows(r: StandaloneLoadResult): Row[] {
  const f = r.fresh;
  const p = r.present;
  return [
    {
      measure: `--once, ${r.services} Services one document each: load + place`,
      result: sec(f.loadMs + f.placeMs),
      target: `< ${TARGETS.loadAndPlaceMs / 1000} s`,
      met: f.loadMs + f.placeMs < TARGETS.loadAndPlaceMs && f.exitCode === 0,
    },
    { measure: `  load (read + parse ${f.fileMB} MB)`, result: sec(f.loadMs), target: '' },
    { measure: '    its CPU', result: cpuText(f.loadCpu), target: '' },
    {
      measure: `  place (${f.onKubeLb0} addresses on kube-lb0, exit ${f.exitCode})`,
      result: sec(f.placeMs),
      target: '',
    },
    { measure: '    its CPU (system: the kernel adding addresses)', result: cpuText(f.placeCpu), target: '' },
    { measure: '  peak RSS (VmHWM)', result: `${f.peakRssMB} MB`, target: '' },
    {
      measure: `--once, the same as one List (${p.fileMB} MB), all addresses present: load`,
      result: sec(p.loadMs),
      target: '',
    },
    { measure: '  plan (nothing to add) and exit', result: sec(p.placeMs), target: '' },
    { measure: '  peak RSS (VmHWM)', result: `${p.peakRssMB} MB`, target: '' },
    ...(r.kernelFloor
      ? [
          {
            measure: `ip -batch adding the ${r.kernelFloor.addresses} /32s (the kernel's floor)`,
            result: `${sec(r.kernelFloor.wallMs)} (${cpuText(r.kernelFloor)})`,
            target: '',
          },
        ]
      : []),
  ];
}

/** One figure of the three agent runs, before → debounced → debounced and filtered. */
const steps = (r: ForeignChurnResult, f: (c: ChurnRun) => string | number): string =>
  [r.before, r.debounced, r.shipped].map(f).join(' → ');

function churnRows(r: ForeignChurnResult): Row[] {
  const s = r.shipped;
  const returned = (c: ChurnRun) => (c.rssReturnedS === undefined ? 'not yet' : `after ${c.rssReturnedS} s`);
  const rss = (c: { rssBeforeMB: number; rssPeakMB: number; rssAfterMB: number }) =>
    `${c.rssBeforeMB} / ${c.rssPeakMB} / ${c.rssAfterMB} MB`;
  const runs = 'no debounce → debounced → debounced + kernel filter';
  return [
    {
      measure: `${r.addresses} foreign adds + deletes: agent CPU, ${runs}`,
      result: steps(r, (c) => `${c.cpuS} s`),
      target: `< ${TARGETS.churnCpuS} s`,
      met: s.cpuS < TARGETS.churnCpuS,
    },
    {
      measure: '  of which system (the kernel working for the agent)',
      result: steps(r, (c) => `${c.sysS} s`),
      target: '',
    },
    {
      measure: `  floor without the filter: a process only receiving the notifications (${Object.entries(
        r.floor.counts,
      )
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')})`,
      result: `${r.floor.cpuS} s (system ${r.floor.sysS} s)`,
      target: '',
    },
    { measure: '  reconciles', result: steps(r, (c) => c.reconciles), target: '' },
    {
      measure: '  their wall time, and failed ones (dumps the churn kept interrupting)',
      result: steps(r, (c) => `${c.reconcileS} s, ${c.failedReconciles} failed`),
      target: '',
    },
    { measure: '  monitor overruns', result: steps(r, (c) => c.overruns), target: '' },
    { measure: '  churn wall time (ip -batch)', result: steps(r, (c) => sec(c.churnMs)), target: '' },
    ...[r.before, r.debounced, r.shipped].map((c) => ({
      measure: `  VmRSS before / peak / ${r.afterS} s after, ${c.mode}`,
      result: rss(c),
      target: '',
    })),
    { measure: `  VmRSS before / peak / ${r.afterS} s after, the floor`, result: rss(r.floor), target: '' },
    {
      measure: `  VmRSS back at its figure before (watched ${COUNTS.churnReturnWindowMs / 1000} s)`,
      result: steps(r, returned),
      target: 'no lasting growth',
      met: s.rssReturnedS !== undefined,
    },
  ];
}

const mb = (v: number) => `${v} MB`;

function scaleRows(attempts: readonly Attempt<ScaleResult>[]): Row[] {
  const rows: Row[] = [];
  for (const a of attempts) {
    const r = a.result;
    if (r?.settled === undefined) {
      rows.push(...deathRows('agent started against existing Services', [a]));
      continue;
    }
    const size = `${r.services / 1000}k`;
    const targeted = r.services === 10_000;
    const under = a.flags === undefined ? '' : ` (${a.flags})`;
    rows.push(
      {
        measure: `agent started against ${size} Svc + ${size} EPS${under}: settled VmRSS${r.idle === false ? ' (still busy)' : ''}`,
        result: mb(r.settled.rssMB),
        target: targeted ? `≤ ${TARGETS.rssMB} MB` : '',
        met: targeted ? r.settled.rssMB <= TARGETS.rssMB : undefined,
      },
      {
        measure: '  peak (VmHWM: initial LIST, first reconcile)',
        result: mb(r.settled.hwmMB),
        target: targeted ? `≤ ${TARGETS.peakMB} MB` : '',
        met: targeted ? r.settled.hwmMB <= TARGETS.peakMB : undefined,
      },
      {
        measure: '  spawn → ready / → every address on kube-lb0',
        result: `${sec(r.readyMs ?? 0)} / ${sec(r.placedMs ?? 0)}`,
        target: '',
      },
      {
        measure: '  average JSON size of a Service / an EndpointSlice',
        result: `${r.serviceBytes} / ${r.sliceBytes} B`,
        target: '',
      },
    );
  }
  return rows;
}

function serviceChurnRows(r: ChurnResult): Row[] {
  const limit = Math.round(r.firstMinuteMeanMB * (1 + TARGETS.churnFlat) * 10) / 10;
  const total = r.changes.ingress + r.changes.annotations + r.changes.endpoints;
  return [
    {
      measure: `${r.services} Svc under ${r.minutes} min of churn (${r.changesPerSecond}/s): max VmRSS (every 10 s)`,
      result: mb(r.maxMB),
      target: `≤ ${TARGETS.churnMB} MB`,
      met: r.maxMB <= TARGETS.churnMB,
    },
    {
      measure: '  first-minute / last-minute mean VmRSS',
      result: `${r.firstMinuteMeanMB} / ${r.lastMinuteMeanMB} MB`,
      target: `flat: last ≤ first + ${TARGETS.churnFlat * 100}%`,
      met: r.lastMinuteMeanMB <= limit,
    },
    {
      measure: '  VmRSS before the churn / VmHWM at the end',
      result: `${r.before.rssMB} / ${r.hwmMB} MB`,
      target: '',
    },
    {
      measure: `  changes: ${r.changes.ingress} ingress, ${r.changes.annotations} annotations, ${r.changes.endpoints} endpoints`,
      result: `${total}`,
      target: '',
    },
    {
      measure: '  addresses at the end: missing / not wanted on kube-lb0',
      result: `${r.missing} / ${r.extra}`,
      target: '0 / 0',
      met: r.missing === 0 && r.extra === 0,
    },
  ];
}

function allocatorRows(attempts: readonly Attempt<AllocatorResult>[]): Row[] {
  return attempts.flatMap((a) =>
    a.result === undefined ? deathRows('allocator', [a]) : allocatorAttemptRows(a.result, a.flags),
  );
}

function allocatorAttemptRows(r: AllocatorResult, flags: string | undefined): Row[] {
  const under = flags === undefined ? '' : ` (${flags})`;
  const idle: Row = {
    measure: `allocator idle (one ServiceGroup, no Service)${under}: VmRSS / VmHWM`,
    result: `${r.idle.rssMB} / ${r.idle.hwmMB} MB`,
    target: '',
  };
  if (r.loaded === undefined || r.allocateMs === undefined)
    return [
      idle,
      { measure: `allocator allocating ${r.services} Svc${under}`, result: 'DIED', target: '' },
      { measure: `  ${(r.died ?? '').split('\n')[0]}`, result: '', target: '' },
    ];
  return [
    idle,
    {
      measure: `allocator after allocating ${r.services} Svc${under}: VmRSS / VmHWM`,
      result: `${r.loaded.rssMB} / ${r.loaded.hwmMB} MB`,
      target: '',
    },
    {
      measure: `  allocating the ${r.services} (Service ${r.serviceBytes} B)`,
      result: sec(r.allocateMs),
      target: '',
    },
  ];
}

interface Attempt<R> {
  /** Undefined when the process died. */
  result?: R;
  /** How it died (e.g. V8's heap limit). */
  died?: string;
  /** The node flags when they were not the run's own (a retry with a larger heap). */
  flags?: string;
}

/** Old-space caps tried, in order, after a process died under the flags' own. */
const CAP_LADDER = [128, 160, 192, 256, 384, 512, 768, 1024];
const OLD_SPACE = /^--max-old-space-size=(\d+)$/;
/** What a phase throws when its agent died under it. */
const DIED = /the agent exited|exited before it was ready|exited while waiting/;

/** The fatal line of a dead process's log, or its first line. */
const fatalLine = (text: string): string =>
  (text.split('\n').find((l) => l.includes('FATAL ERROR')) ?? text.split('\n')[0] ?? '').trim();

/**
 * Runs `run`; if the process died (compiled mode, under the image's heap cap), runs it again with the
 * next larger old space of CAP_LADDER until it holds: the smallest cap that works is reported.
 */
async function withRetries<R extends object>(
  what: string,
  nodeFlags: string[] | undefined,
  run: () => Promise<R>,
): Promise<Attempt<R>[]> {
  const attempt = async (flags?: string): Promise<Attempt<R>> => {
    try {
      const result = await run();
      const died = (result as { died?: string }).died;
      return died === undefined ? { result, flags } : { died: fatalLine(died), flags };
    } catch (err) {
      const m = err instanceof Error ? err.message : String(err);
      if (!DIED.test(m)) throw err;
      return { died: fatalLine(m), flags };
    }
  };
  const out = [await attempt()];
  if (nodeFlags === undefined) return out;
  const cap = Number(nodeFlags.map((f) => OLD_SPACE.exec(f)?.[1]).find(Boolean) ?? 0);
  try {
    for (const next of CAP_LADDER.filter((c) => c > cap)) {
      if ((out.at(-1) as Attempt<R>).died === undefined || cap === 0) break;
      const flags = [...nodeFlags.filter((f) => !OLD_SPACE.test(f)), `--max-old-space-size=${next}`];
      say(`${what}: died (${out.at(-1)?.died}); again with ${flags.join(' ')}`);
      setAgentRuntime({ compiled: true, nodeFlags: flags });
      out.push(await attempt(flags.join(' ')));
    }
  } finally {
    setAgentRuntime({ compiled: true, nodeFlags });
  }
  return out;
}

/** A DIED row for each attempt that died, and the flags of the one that held (if not the run's own). */
function deathRows(what: string, attempts: readonly Attempt<unknown>[], target = ''): Row[] {
  const rows: Row[] = [];
  for (const a of attempts) {
    const under = a.flags ?? "the run's flags";
    if (a.died !== undefined) {
      rows.push({
        measure: `${what} under ${under}`,
        result: 'DIED',
        target,
        met: target === '' ? undefined : false,
      });
      rows.push({ measure: `  ${a.died}`, result: '', target: '' });
    } else if (a.flags !== undefined) {
      rows.push({ measure: `${what}: the rows below ran with ${a.flags}`, result: '', target: '' });
    }
  }
  return rows;
}

async function main(): Promise<number> {
  const why = netnsUnavailableReason();
  if (why !== undefined) {
    say(`cannot run: ${why}`);
    return 2;
  }
  const timer = setTimeout(() => {
    say(`global timeout of ${GLOBAL_TIMEOUT_MS / 60_000} min: giving up`);
    killAll();
    process.exit(1);
  }, GLOBAL_TIMEOUT_MS);
  timer.unref();
  let nodeFlags: string[] | undefined;
  let runtime: string;
  if (FROM_SOURCE) {
    runtime = `from the TypeScript sources (--from-source), node flags ${process.env.PURELB_AGENT_NODE_FLAGS || 'none'}`;
  } else {
    try {
      ensureDist(say, args['no-build'] !== true);
    } catch (err) {
      say(err instanceof Error ? err.message : String(err));
      clearTimeout(timer);
      return 2;
    }
    const f = imageNodeFlags();
    nodeFlags = f.flags;
    setAgentRuntime({ compiled: true, nodeFlags });
    runtime = `compiled dist/cli.js, node flags ${nodeFlags.join(' ') || 'none'} (${f.from})`;
  }
  say(`agent: ${runtime}`);
  const load1AtStart = loadavg()[0] as number;
  const gentleStop = args.profile !== undefined;
  let single: { result: SingleNodeResult; others: number } | undefined;
  let singleAttempts: Attempt<SingleNodeResult>[] = [];
  const failures: Row[] = [];
  /** Runs one scenario; its failure is reported (a row, and exit 1) without stopping the others. */
  const scenario = async (name: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      say(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      const m = err instanceof Error ? err.message : String(err);
      failures.push({ measure: `${name}: FAILED, ${m.split('\n')[0]}`, result: '', target: '', met: false });
    }
  };
  let fo: { result: Round[]; others: number } | undefined;
  let ld: { result: StandaloneLoadResult; others: number } | undefined;
  let ch: { result: ForeignChurnResult; others: number } | undefined;
  let sc: { result: Attempt<ScaleResult>[]; others: number } | undefined;
  let sch: { result: ChurnResult; others: number } | undefined;
  let al: { result: Attempt<AllocatorResult>[]; others: number } | undefined;
  try {
    if (runs('single'))
      await scenario('single node', async () => {
        say('single node: idle memory, change latency, burst, memory, restore');
        const m = await measured(() =>
          withRetries('single node', nodeFlags, () => singleNode({ ...COUNTS, gentleStop, say, track })),
        );
        singleAttempts = m.result;
        const held = m.result.find((a) => a.result !== undefined)?.result;
        if (held !== undefined) single = { result: held, others: m.others };
      });
    if (runs('failover'))
      await scenario('failover', async () => {
        say(
          `failover: ${COUNTS.termRounds} SIGTERM + ${COUNTS.killRounds} SIGKILL rounds, lease ${LEASE_SECONDS} s`,
        );
        fo = await measured(() => failover({ ...COUNTS, leaseSeconds: LEASE_SECONDS, say, track }));
      });
    if (runs('standalone-load'))
      await scenario('standalone load', async () => {
        say(`standalone load: --once on ${COUNTS.loadServices} Services`);
        ld = await measured(() =>
          standaloneLoad({
            services: COUNTS.loadServices,
            kernelFloor: args['kernel-floor'] === true,
            say,
            track,
          }),
        );
      });
    if (runs('foreign-churn'))
      await scenario('foreign churn', async () => {
        say(
          `foreign churn: ${COUNTS.churnAddresses} addresses added and deleted by ip -batch: before, debounced, debounced and filtered`,
        );
        ch = await measured(() =>
          foreignChurn({
            addresses: COUNTS.churnAddresses,
            services: COUNTS.churnServices,
            afterMs: COUNTS.churnAfterMs,
            returnWindowMs: COUNTS.churnReturnWindowMs,
            say,
            track,
          }),
        );
      });
    if (runs('scale'))
      await scenario('scale', async () => {
        sc = await measured(async () => {
          const all: Attempt<ScaleResult>[] = [];
          for (const n of COUNTS.scale) {
            say(`scale: the agent started against ${n} existing Services + ${n} EndpointSlices`);
            all.push(
              ...(await withRetries(`scale ${n}`, nodeFlags, () => scale({ services: n, say, track }))),
            );
          }
          return all;
        });
      });
    if (runs('churn'))
      await scenario('churn', async () => {
        say(
          `churn: ${COUNTS.serviceChurn} Services, ${COUNTS.serviceChurnRate} changes/s for ${COUNTS.serviceChurnMinutes} min`,
        );
        sch = await measured(() =>
          churn({
            services: COUNTS.serviceChurn,
            minutes: COUNTS.serviceChurnMinutes,
            rate: COUNTS.serviceChurnRate,
            say,
            track,
          }),
        );
      });
    if (runs('allocator'))
      await scenario('allocator', async () => {
        say(`allocator: idle, then ${COUNTS.allocator} Services`);
        al = await measured(() =>
          withRetries('allocator', nodeFlags, () => allocator({ services: COUNTS.allocator, say, track })),
        );
      });
  } catch (err) {
    say(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  } finally {
    clearTimeout(timer);
  }

  const rows = [
    ...deathRows('single-node phases', singleAttempts, 'survives'),
    ...(single ? singleRows(single.result) : []),
    ...(fo ? failoverRows(fo.result) : []),
    ...(ld ? loadRows(ld.result) : []),
    ...(ch ? churnRows(ch.result) : []),
    ...(sc ? scaleRows(sc.result) : []),
    ...(sch ? serviceChurnRows(sch.result) : []),
    ...(al ? allocatorRows(al.result) : []),
    ...failures,
  ];
  const go = goToolchain();
  const peer =
    go === 'none'
      ? "none: upstream PureLB's lbnodeagent is Go; no Go toolchain and no PureLB source here"
      : `none run (${go} present, but PureLB's source is not)`;
  const load = (v: number) => Math.round(v * 100) / 100;
  console.log(table(rows));
  console.log(
    [
      `node ${process.version}, ${availableParallelism()} CPUs, load1 ${load(load1AtStart)} → ${load(loadavg()[0] as number)}`,
      single ? `; other processes' CPU share: single node ${single.others}` : '',
      fo ? `, failover ${fo.others}` : '',
      ld ? `, standalone load ${ld.others}` : '',
      ch ? `, foreign churn ${ch.others}` : '',
      sc ? `, scale ${sc.others}` : '',
      sch ? `, churn ${sch.others}` : '',
      al ? `, allocator ${al.others}` : '',
      single ? `; monitor overruns ${single.result.overruns}` : '',
      QUICK ? '; --quick' : '',
    ].join(''),
  );
  console.log(
    "times: a change is committed in the fake API server (in-process), an address counts when the bench's own netlink monitor sees RTM_NEWADDR; failover holders are followed by a netlink monitor per node namespace",
  );
  if (sch)
    console.log(
      `churn: agent VmRSS every 10 s [s:MB]: ${sch.result.samples.map(([t, v]) => `${t}:${v}`).join(' ')}`,
    );
  console.log(`agent: ${runtime}`);
  console.log(`peer: ${peer}`);
  const met = Object.fromEntries(
    rows.filter((r) => r.met !== undefined).map((r) => [r.measure.trim(), r.met]),
  );
  console.log(
    JSON.stringify({
      bench: 'agent',
      quick: QUICK,
      runtime: FROM_SOURCE ? 'source' : 'compiled',
      nodeFlags: nodeFlags ?? process.env.PURELB_AGENT_NODE_FLAGS ?? '',
      node: process.version,
      cpus: availableParallelism(),
      load1: { start: load(load1AtStart), end: load(loadavg()[0] as number) },
      othersCpuShare: {
        single: single?.others,
        failover: fo?.others,
        standaloneLoad: ld?.others,
        foreignChurn: ch?.others,
        scale: sc?.others,
        churn: sch?.others,
        allocator: al?.others,
      },
      ...(single
        ? {
            startupMs: single.result.startupMs,
            idle: single.result.idle,
            startRssMB: single.result.startRssMB,
            changes: {
              n: single.result.changes.all.n,
              p50Ms: single.result.changes.all.p50,
              p99Ms: single.result.changes.all.p99,
              maxMs: single.result.changes.all.max,
              remote: single.result.changes.remote,
              local: single.result.changes.local,
            },
            burst: single.result.burst,
            memory: single.result.memory,
            restore: {
              tries: COUNTS.restores,
              atServices: [single.result.restoreSmall, single.result.restoreLoaded].map((s) => ({
                services: s.services,
                p50Ms: s.p50,
                p99Ms: s.p99,
              })),
            },
            overruns: single.result.overruns,
          }
        : {}),
      ...(fo
        ? {
            failover: {
              leaseSeconds: LEASE_SECONDS,
              sampling: 'netlink monitor per node namespace',
              sigterm: failoverFigures(fo.result, 'SIGTERM'),
              sigkill: failoverFigures(fo.result, 'SIGKILL'),
            },
          }
        : {}),
      ...(ld ? { standaloneLoad: ld.result } : {}),
      ...(ch ? { foreignChurn: ch.result } : {}),
      ...(sc ? { scale: sc.result } : {}),
      ...(sch ? { churn: sch.result } : {}),
      ...(al ? { allocator: al.result } : {}),
      targets: TARGETS,
      met,
      allMet: Object.values(met).every(Boolean),
      peer,
    }),
  );
  return failures.length === 0 ? 0 : 1;
}

process.exitCode = await main();
