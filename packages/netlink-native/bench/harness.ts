// The rtnetlink benchmark (`npm run bench:netlink`, through bench/run.sh, which owns the namespace).
// Every contender is its own process under `ip netns exec` in the same namespace, fed commands one
// at a time; phases are timed inside the contender (monotonic clock) except `ip`, timed as wall
// time around its process. Warm-up first, then repetitions, rounds interleaved across contenders;
// after every add phase `ip` counts the addresses, so a contender that skips work is caught.
// Progress goes to stderr; stdout gets the tables and, as its last line, one JSON object.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type AddDeletePhase,
  addDeleteSummary,
  addDeleteWorkload,
  type Rounds,
  renderAddDelete,
  runRounds,
} from './add-delete-phase.ts';
import { churnWorkload } from './churn.ts';
import {
  type AddressContender,
  addressContenders,
  dumpContenders,
  type Paths,
  tuningContenders,
} from './contenders.ts';
import { cpuSnapshot, environment, load1, othersShare } from './environment.ts';
import { describe, deviations, requestsInStraceFile } from './message-check.ts';
import { MULTIPATH_PHASE } from './multipath.ts';
import {
  flushSequence,
  furnish,
  mainRouteCount,
  preloadRoutes,
  sequenceCount,
  writeAddressBatches,
} from './namespace.ts';
import { NEIGHBOURS_PHASE } from './neighbours.ts';
import { NEXTHOPS_PHASE } from './nexthops.ts';
import {
  type AddressCell,
  type Cell,
  type DumpCell,
  type MonitorCell,
  type Results,
  renderMessageCheck,
  renderTables,
  summaryJson,
} from './report.ts';
import { RULES_PHASE } from './rules.ts';
import { summarize } from './stats.ts';
import { Worker } from './worker.ts';
import { type Family, parseFamily } from './workers/addresses.ts';

const { values: args } = parseArgs({
  options: {
    ns: { type: 'string' },
    peers: { type: 'string' },
    quick: { type: 'boolean', default: false },
    reps: { type: 'string' },
    'reps-1k': { type: 'string' },
    warmup: { type: 'string' },
    cpu: { type: 'string' },
    'v6-10k': { type: 'string', default: 'core' },
    'skip-check': { type: 'boolean', default: false },
    only: { type: 'string' },
    phases: {
      type: 'string',
      default: 'check,addresses,monitor,churn,rules,neighbours,nexthops,multipath,dumps',
    },
    churn: { type: 'string' },
    'churn-reps': { type: 'string' },
    profile: { type: 'string' },
    families: { type: 'string', default: '4,6' },
    tuning: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});

const ns = args.ns ?? fail('--ns NAME is required (bench/run.sh creates the namespace)');
const bench = import.meta.dirname;
const paths: Paths = { bench, peers: resolve(args.peers ?? join(bench, '../../../.cache/bench-peers')) };
const quick = args.quick;
const reps = Number(args.reps ?? (quick ? 3 : 5));
// Untimed 1k cycles before the timed ones, for every contender alike. A Node process new to a
// workload spends its first ~20 cycles compiling it (V8's background threads, on the same pinned
// CPU) and growing its heap (each new page is a fault, ~12 µs in this VM): measured in
// bench/README.md. The first cycle is still reported, as `first cycle`.
const warmupCycles = Number(args.warmup ?? 30);
// 1k cycles are short (~15 ms for ours and the C limit) and each is perturbed by whichever
// scavenge falls in it: many runs, so the median is steady.
const reps1k = Number(args['reps-1k'] ?? (quick ? 9 : 15));
// Pinned to one CPU for stable numbers; CPU 1 leaves CPU 0 to the harness and the rest of the system.
const cpu = args.cpu === 'none' ? undefined : Number(args.cpu ?? (availableParallelism() > 1 ? 1 : 0));
const v6Big = args['v6-10k'];
if (!['all', 'core', 'skip'].includes(v6Big)) fail('--v6-10k must be all, core or skip');
const phases = new Set(args.phases.split(','));
const families = args.families.split(',').map((f) => parseFamily(f));
const sizes = quick ? [1000] : [1000, 10000];
const dumpSizes = quick ? [10000] : [10000, 100000];
const monitorSamples = quick ? 200 : 500;
const churnAddresses = Number(args.churn ?? (quick ? 10000 : 30000));
const churnReps = Number(args['churn-reps'] ?? 1);
/**
 * The add/delete phases after the address ones, in the order they run: each adds then deletes n
 * objects, `rounds` timed cycles after `warmups` untimed ones; `key` names it in the JSON summary.
 * 1k cycles are cheap: the 1k runs and warm-up. 10k neighbour entries cost seconds per cycle.
 */
const ADD_DELETE_PHASES: { phase: AddDeletePhase; n: number; rounds: number; warmups: number }[] = [
  { phase: RULES_PHASE, n: 1000, rounds: reps1k, warmups: warmupCycles },
  { phase: NEIGHBOURS_PHASE, n: 10000, rounds: reps, warmups: 1 },
  { phase: NEXTHOPS_PHASE, n: 1000, rounds: reps1k, warmups: warmupCycles },
  { phase: MULTIPATH_PHASE, n: 1000, rounds: reps1k, warmups: warmupCycles },
];
/** A phase's key in the JSON summary: `rules_1k`, `neighbours_10k`. */
const summaryKey = (phase: AddDeletePhase, n: number) => `${phase.name}_${n / 1000}k`;
const label = (n: number) => `${n / 1000}k`;
const started = performance.now();
const log = (msg: string) =>
  process.stderr.write(`[bench +${((performance.now() - started) / 1000).toFixed(1)}s] ${msg}\n`);

function fail(msg: string): never {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(2);
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function startAll(contenders: AddressContender[]): Promise<Map<string, Worker | Error>> {
  const workers = new Map<string, Worker | Error>();
  for (const c of contenders) {
    try {
      workers.set(c.name, await Worker.start(c, { ns, cpu }));
    } catch (err) {
      log(`${c.name} did not start: ${errorText(err)}`);
      workers.set(c.name, err instanceof Error ? err : new Error(String(err)));
    }
  }
  return workers;
}

/** One add and one delete per family under strace, decoded from the bytes sent. */
async function checkMessages(contenders: AddressContender[], ifindex: number, dir: string, results: Results) {
  for (const c of contenders) {
    const trace = join(dir, `${c.name}.strace`);
    const wrap = [
      'strace',
      '-f',
      '-qq',
      '-o',
      trace,
      '-e',
      'trace=sendmsg,sendto',
      '-e',
      'write=all',
      '-e',
      'signal=none',
    ];
    try {
      const w = await Worker.start(c, { ns, cpu, wrap });
      try {
        for (const family of [4, 6] as Family[]) {
          const batch = writeAddressBatches(dir, family, 1);
          await w.request(c.command('add', family, 1, ifindex, batch), 30_000);
          await w.request(c.command('del', family, 1, ifindex, batch), 30_000);
        }
      } finally {
        await w.close();
      }
      const seen = requestsInStraceFile(trace);
      const kinds = new Set(seen.map((r) => `${r.type}${r.family}`));
      const missing = ['add4', 'del4', 'add6', 'del6'].filter((k) => !kinds.has(k));
      const devs = [...new Set(seen.flatMap((r) => deviations(r).map((d) => `${r.type}${r.family}: ${d}`)))];
      if (missing.length) devs.push(`not seen in the trace: ${missing.join(',')}`);
      results.messages[c.name] = { requests: [...new Set(seen.map(describe))], deviations: devs };
    } catch (err) {
      results.messages[c.name] = { error: errorText(err) };
    }
  }
}

/** The address phase of one family and size: bench/add-delete-phase.ts runs its rounds. */
function addressWorkload(
  family: Family,
  n: number,
  contenders: AddressContender[],
  workers: Map<string, Worker | Error>,
  ifindex: number,
  dir: string,
  rounds: number,
  warmups: number,
): Promise<Record<string, Cell<AddressCell>>> {
  const batch = writeAddressBatches(dir, family, n);
  const byName = new Map(contenders.map((c) => [c.name, c]));
  const spec: Rounds = {
    name: `IPv${family} ${label(n)}`,
    objects: 'addresses',
    n,
    names: contenders.map((c) => c.name),
    command: (name, op) => byName.get(name)!.command(op, family, n, ifindex, batch),
    count: () => sequenceCount(ns, family),
    flush: () => flushSequence(ns, family),
    timeoutMs: 30_000 + n * 10,
  };
  return runRounds(spec, workers, rounds, warmups, log);
}

async function dumpWorkload(
  workers: Map<string, Worker | Error>,
  rounds: number,
  expected: number,
  size: number,
) {
  const cells: Record<string, Cell<DumpCell>> = {};
  const ms: Record<string, number[]> = {};
  const routes: Record<string, number> = {};
  const failed: Record<string, string> = {};
  // pyroute2 decodes every route in Python (~9 s at 100k): two runs, warm from the 10k dumps.
  const roundsFor = (name: string) => (name === 'pyroute2' && size > 10000 ? 2 : rounds);
  for (let round = 0; round <= rounds; round++) {
    for (const d of dumpContenders) {
      const w = workers.get(d.worker);
      ms[d.name] ??= [];
      if (failed[d.name] || round > roundsFor(d.name) || (round === 0 && roundsFor(d.name) < rounds))
        continue;
      if (!(w instanceof Worker)) {
        failed[d.name] = `worker ${d.worker} unavailable${w ? `: ${w.message}` : ''}`;
        continue;
      }
      try {
        const [t, count] = await w.request(d.command, 120_000);
        if (count !== expected) throw new Error(`returned ${count} routes, ip counts ${expected}`);
        routes[d.name] = count;
        if (round > 0) ms[d.name]!.push(t! / 1e6);
      } catch (err) {
        failed[d.name] = errorText(err);
        log(`dump ${label(size)} ${d.name}: ${failed[d.name]}`);
      }
    }
  }
  for (const d of dumpContenders) {
    const error = failed[d.name];
    cells[d.name] = error ? { error } : { ms: summarize(ms[d.name]!)!, routes: routes[d.name]! };
  }
  return cells;
}

async function monitorLatency(ours: Worker | Error | undefined, ifindex: number): Promise<Cell<MonitorCell>> {
  if (!(ours instanceof Worker)) return { error: `ours unavailable: ${ours?.message ?? 'not selected'}` };
  log(`monitor latency over ${monitorSamples} adds`);
  try {
    const [p50, p99, min, max, samples] = await ours.request(`monitor ${monitorSamples} ${ifindex}`, 120_000);
    return { p50Ms: p50! / 1e6, p99Ms: p99! / 1e6, minMs: min! / 1e6, maxMs: max! / 1e6, samples: samples! };
  } catch (err) {
    return { error: errorText(err) };
  }
}

async function main() {
  const env = environment(paths.peers, cpu);
  const cpuAtStart = cpuSnapshot();
  const { ifindex } = furnish(ns);
  const dir = mkdtempSync(join(tmpdir(), 'plbb-'));
  const results: Results = { addresses: {}, dumps: {}, messages: {}, addDelete: {}, notes: [] };
  const only = args.only?.split(',');
  const profile = args.profile ? resolve(args.profile) : undefined;
  const all = [...addressContenders(paths, profile), ...(args.tuning ? tuningContenders(paths) : [])];
  const contenders = all.filter((c) => !only || only.includes(c.name));
  const labels: Record<string, string> = Object.fromEntries(contenders.map((c) => [c.name, c.label]));
  for (const d of dumpContenders) labels[`dump:${d.name}`] = d.label;
  log(`namespace ${ns}, v0 ifindex ${ifindex}, pinned to ${cpu ?? 'no cpu'}`);
  if (sizes.includes(10000))
    results.notes.push('10k address runs: no separate warm-up round (workers are warm from the 1k runs)');
  const workers = await startAll(contenders);
  const addDelete = (phase: AddDeletePhase, n: number, rounds: number, warmups: number) =>
    addDeleteWorkload(phase, ns, workers, dir, n, ifindex, rounds, warmups, log);
  try {
    if (phases.has('check') && !args['skip-check']) {
      log('checking the requests each contender sends');
      await checkMessages(contenders, ifindex, dir, results);
    }
    for (const n of phases.has('addresses') ? sizes : []) {
      for (const family of families) {
        let set = contenders;
        // 1k runs are cheap and noisy: more of them. At 10k every run costs seconds of kernel time
        // and the workers are already warm from the 1k runs (same process, same code paths).
        let rounds = n < 10000 ? reps1k : reps;
        const warmups = n < 10000 ? warmupCycles : 0;
        if (family === 6 && n >= 10000) {
          if (v6Big === 'skip') continue;
          if (v6Big === 'core') {
            // Kernel-bound: every IPv6 delete walks the whole fib6 tree (rt6_remove_prefsrc), ~2 ms
            // per delete at 10k, so each contender costs ~25 s per run. The workers are warm from 1k.
            set = contenders.filter((c) => c.name === 'ours' || c.name === 'c_limit');
            rounds = Math.min(reps, 3);
            results.notes.push(
              `IPv6 10k: only ours and c_limit, ${rounds} runs (kernel-bound, ~25 s per run; --v6-10k=all for everyone)`,
            );
          }
        }
        results.addresses[String(family)] ??= {};
        results.addresses[String(family)]![label(n)] = await addressWorkload(
          family,
          n,
          set,
          workers,
          ifindex,
          dir,
          rounds,
          warmups,
        );
      }
    }
    if (phases.has('monitor')) results.monitor = await monitorLatency(workers.get('ours'), ifindex);
    if (phases.has('churn')) {
      log(`churn: ${churnAddresses} /32s added and deleted by ip -batch, ${churnReps} run(s) per variant`);
      results.churn = await churnWorkload(ns, workers.get('ours'), dir, churnAddresses, churnReps, log);
    }
    for (const { phase, n, rounds, warmups } of ADD_DELETE_PHASES) {
      if (!phases.has(phase.name)) continue;
      log(
        `${phase.name}: ${n} ${phase.objects} added then deleted, ${rounds} runs after ${warmups} warm-up cycles`,
      );
      results.addDelete[summaryKey(phase, n)] = await addDelete(phase, n, rounds, warmups);
    }
    let loaded = 0;
    for (const size of phases.has('dumps') ? dumpSizes : []) {
      log(`preloading routes to ${label(size)}`);
      preloadRoutes(ns, dir, loaded, size);
      loaded = size;
      const expected = mainRouteCount(ns);
      results.dumps[label(size)] = await dumpWorkload(workers, reps, expected, size);
    }
  } finally {
    await Promise.all([...workers.values()].map((w) => (w instanceof Worker ? w.close() : undefined)));
    rmSync(dir, { recursive: true, force: true });
  }
  env.load1_at_end = load1();
  // CPU that neither the harness nor any contender used: other work competing for the machine.
  env.others_cpu_share = othersShare(cpuAtStart, cpuSnapshot(), Number(env.cpus));
  if (Number(env.load1_at_start) > 1 || env.others_cpu_share > 0.1) {
    results.notes.push(
      `the machine was busy (load ${env.load1_at_start} at start; other work used ${Math.round(100 * env.others_cpu_share)}% of the CPUs during the run): expect noise`,
    );
  }
  const envLines = Object.entries(env).map(([k, v]) => `  ${k}: ${v}`);
  const summary = summaryJson(results, env);
  const ran = ADD_DELETE_PHASES.flatMap(({ phase, n }) => {
    const cells = results.addDelete[summaryKey(phase, n)];
    return cells ? [{ phase, n, cells }] : [];
  });
  for (const { phase, n, cells } of ran) summary[summaryKey(phase, n)] = addDeleteSummary(phase, cells);
  const text = [
    `rtnetlink benchmark${quick ? ' (--quick)' : ''}: median [min–max]; 1k addresses ${reps1k} runs after ${warmupCycles} warm-up cycles, 10k addresses and dumps ${reps} runs`,
    ...envLines,
    '',
    ...(Object.keys(results.messages).length ? [renderMessageCheck(results, labels)] : []),
    renderTables(results, labels),
    ...ran.map(({ phase, n, cells }) => renderAddDelete(phase, cells, labels, n)),
    ...results.notes.map((n) => `note: ${n}`),
  ].join('\n');
  const json = JSON.stringify(summary);
  const out = args.out ?? join(bench, '../../../bench-results/netlink-latest.json');
  mkdirSync(resolve(out, '..'), { recursive: true });
  writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);
  process.stdout.write(`${text}\n${json}\n`);
}

await main();
