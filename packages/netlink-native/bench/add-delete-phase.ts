// What the rules, neighbours and nexthops phases of the benchmark share: each adds then deletes n
// objects of one kind, `warmups` untimed then `rounds` timed cycles interleaved across its
// contenders, `ip` counting the objects after every add and delete; then the cells, the phase's part
// of the JSON summary and its table. The phases keep what is their own (contenders, labels, batch
// file lines, commands, how to count and flush their objects) in an AddDeletePhase.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressCell, Cell } from './report.ts';
import { cpuMedian, firstCycle, isError, median, num, table } from './report.ts';
import { round, summarize } from './stats.ts';
import { Worker } from './worker.ts';

export type Op = 'add' | 'del';

/** One add/delete phase: who runs it, how its objects are added, deleted, counted and flushed, its title. */
export interface AddDeletePhase {
  /** The phase in progress lines (`rules 1000 ours: ...`, `rules 1000 run 1/5 done`). */
  name: string;
  /** What errors call the objects (`after add, ip shows 3 of 1000 rules`). */
  objects: string;
  /**
   * The contenders (worker names) that run the phase, in order; those not started are left out. The
   * JSON summary has ratios to pyroute2 and npm netlink only for phases whose list names them.
   */
  contenders: readonly string[];
  /** What each contender does in this phase (the address phase's labels name address calls). */
  labels: Record<string, string>;
  /** The table's title for n objects. */
  title: (n: number) => string;
  /** The `ip -batch` files' names (`${batchName}-${n}-add.batch`). */
  batchName: string;
  /** The `ip -batch` line adding or deleting object i of the phase's sequence. */
  batchLine: (op: Op, i: number) => string;
  /** The command a worker other than ip_batch takes to add or delete the first n objects. */
  workerCommand: (op: Op, n: number, ifindex: number) => string;
  /** How many of the phase's objects the namespace has, as `ip` shows them. */
  count: (ns: string) => number;
  /** Removes whatever a failed contender left. */
  flush: (ns: string) => void;
}

/** The `ip -batch` files adding and deleting the first n objects of the phase's sequence. */
function writeBatches(phase: AddDeletePhase, dir: string, n: number): Record<Op, string> {
  const files = {
    add: join(dir, `${phase.batchName}-${n}-add.batch`),
    del: join(dir, `${phase.batchName}-${n}-del.batch`),
  };
  for (const op of ['add', 'del'] as const) {
    const lines = Array.from({ length: n }, (_, i) => phase.batchLine(op, i));
    writeFileSync(files[op], `${lines.join('\n')}\n`);
  }
  return files;
}

/** What one add/delete workload runs: who, the command for each half, and how `ip` checks it. */
export interface Rounds {
  /** Progress lines: `${name} run 1/5 done`, `${name} ours: <error>`. */
  name: string;
  /** What errors call the objects (`after add, ip shows 3 of 1000 rules`). */
  objects: string;
  n: number;
  /** The contenders (worker names) in the order each round runs them. */
  names: readonly string[];
  command: (name: string, op: Op) => string;
  /** How many of the objects the namespace has, as `ip` shows them. */
  count: () => number;
  /** Removes whatever a failed contender left. */
  flush: () => void;
  timeoutMs: number;
}

/**
 * `warmups` untimed then `rounds` timed add/delete cycles, interleaved across contenders. The
 * first warm-up cycle is kept apart (`firstOpsPerSec`): what a process that has not run this
 * workload before gets, before V8 has compiled its path and sized its heap (bench/README.md).
 */
export async function runRounds(
  spec: Rounds,
  workers: Map<string, Worker | Error>,
  rounds: number,
  warmups: number,
  log: (msg: string) => void,
): Promise<Record<string, Cell<AddressCell>>> {
  const { n } = spec;
  // Ms of each half and CPU seconds of both (when the contender reports its CPU time; not `ip`).
  const runs: Record<string, { add: number[]; del: number[]; cpu: number[]; first?: number }> = {};
  const failed: Record<string, string> = {};
  for (const name of spec.names) {
    const w = workers.get(name);
    if (w instanceof Error) failed[name] = `did not start: ${w.message}`;
    runs[name] = { add: [], del: [], cpu: [] };
  }
  for (let round = 1 - warmups; round <= rounds; round++) {
    for (const name of spec.names) {
      const w = workers.get(name);
      if (failed[name] || !(w instanceof Worker)) continue;
      try {
        const [addNs, addCpu] = await w.request(spec.command(name, 'add'), spec.timeoutMs);
        const present = spec.count();
        if (present !== n) throw new Error(`after add, ip shows ${present} of ${n} ${spec.objects}`);
        const [delNs, delCpu] = await w.request(spec.command(name, 'del'), spec.timeoutMs);
        const left = spec.count();
        if (left !== 0) throw new Error(`after delete, ip shows ${left} ${spec.objects} left`);
        const r = runs[name]!;
        if (round === 1 - warmups && warmups > 0) r.first = (2 * n) / ((addNs! + delNs!) / 1e9);
        if (round > 0) {
          r.add.push(addNs! / 1e6);
          r.del.push(delNs! / 1e6);
          if (addCpu !== undefined && delCpu !== undefined) r.cpu.push((addCpu + delCpu) / 1e9);
        }
      } catch (err) {
        failed[name] = err instanceof Error ? err.message : String(err);
        log(`${spec.name} ${name}: ${failed[name]}`);
        spec.flush();
      }
    }
    log(`${spec.name} ${round > 0 ? `run ${round}/${rounds}` : 'warm-up'} done`);
  }
  const cells: Record<string, Cell<AddressCell>> = {};
  for (const name of spec.names) {
    const { add, del, cpu, first } = runs[name]!;
    const error = failed[name];
    cells[name] = error
      ? { error }
      : {
          opsPerSec: summarize(add.map((ms, i) => (2 * n) / ((ms + del[i]!) / 1000)))!,
          addMs: summarize(add)!,
          delMs: summarize(del)!,
          cpuOpsPerSec: summarize(cpu.map((seconds) => (2 * n) / seconds)),
          ...(first === undefined ? {} : { firstOpsPerSec: first }),
        };
  }
  return cells;
}

/** A phase's rounds: n of its objects, its contenders that were started, its commands and counts. */
export function addDeleteWorkload(
  phase: AddDeletePhase,
  ns: string,
  workers: Map<string, Worker | Error>,
  dir: string,
  n: number,
  ifindex: number,
  rounds: number,
  warmups: number,
  log: (msg: string) => void,
): Promise<Record<string, Cell<AddressCell>>> {
  const files = writeBatches(phase, dir, n);
  const spec: Rounds = {
    name: `${phase.name} ${n}`,
    objects: phase.objects,
    n,
    names: phase.contenders.filter((name) => workers.has(name)),
    command: (name, op) => (name === 'ip_batch' ? `batch ${files[op]}` : phase.workerCommand(op, n, ifindex)),
    count: () => phase.count(ns),
    flush: () => phase.flush(ns),
    timeoutMs: 30_000 + n * 20,
  };
  return runRounds(spec, workers, rounds, warmups, log);
}

/**
 * A phase's part of the JSON summary: ops/s and ops/CPU-s per contender, ours to ip -batch, and to
 * pyroute2 and the best npm netlink row when the phase's contenders include them (null when they
 * did not run), then the errors.
 */
export function addDeleteSummary(
  phase: AddDeletePhase,
  cells: Record<string, Cell<AddressCell>>,
): Record<string, unknown> {
  const perContender = (get: (c: Cell<AddressCell> | undefined) => number | undefined) =>
    Object.fromEntries(
      Object.entries(cells).map(([n, c]) => [n, get(c) === undefined ? null : round(get(c)!)]),
    );
  const ours = median(cells.ours);
  const ratio = (other: number | undefined) =>
    ours !== undefined && other !== undefined && other > 0 ? round(ours / other, 3) : null;
  const npm = [median(cells.npm_netlink), median(cells.npm_netlink_window)].filter((v) => v !== undefined);
  return {
    ops_per_s: perContender(median),
    cpu_ops_per_s: perContender(cpuMedian),
    first_cycle_ops_per_s: perContender((c) => (c && !isError(c) ? c.firstOpsPerSec : undefined)),
    ours_vs_ip_batch: ratio(median(cells.ip_batch)),
    ...(phase.contenders.includes('pyroute2') ? { ours_vs_pyroute2: ratio(median(cells.pyroute2)) } : {}),
    ...(phase.contenders.includes('npm_netlink')
      ? { ours_vs_npm_netlink_best: ratio(npm.length ? Math.max(...npm) : undefined) }
      : {}),
    errors: Object.fromEntries(Object.entries(cells).flatMap(([n, c]) => (isError(c) ? [[n, c.error]] : []))),
  };
}

/**
 * A phase as a table: ops/s (adds and deletes), add and delete ms, ops per CPU-second, each row
 * named by the phase's own label, else the address phase's, else the contender's name.
 */
export function renderAddDelete(
  phase: AddDeletePhase,
  cells: Record<string, Cell<AddressCell>>,
  labels: Record<string, string>,
  n: number,
): string {
  const labelOf = (name: string) => phase.labels[name] ?? labels[name] ?? name;
  const rows = Object.entries(cells).map(([name, c]) => {
    const label = labelOf(name);
    if (isError(c)) return [label, 'failed', '', '', '', '', '', ''];
    const cpu = c.cpuOpsPerSec?.median;
    return [
      label,
      num(c.opsPerSec.median),
      `${num(c.opsPerSec.min)}–${num(c.opsPerSec.max)}`,
      num(c.addMs.median, 1),
      num(c.delMs.median, 1),
      cpu === undefined ? '-' : num(cpu),
      String(c.opsPerSec.runs),
      firstCycle(c),
    ];
  });
  return [
    phase.title(n),
    table(
      ['contender', 'ops/s median', 'min–max', 'add ms', 'del ms', 'ops/CPU-s', 'runs', 'first cycle'],
      rows,
    ),
    ...Object.entries(cells).flatMap(([name, c]) =>
      isError(c) ? [`  failed: ${labelOf(name)}: ${c.error}`] : [],
    ),
    '',
  ].join('\n');
}
