// The rules phase of the benchmark: add then delete n IPv4 policy routing rules (`pref P from
// 10.x.y.0/24 table 100`, workers/rule-sequence.ts), every contender sending the same requests as
// `ip rule add|del pref P from PREFIX table 100` (RTM_NEWRULE with REQUEST|ACK|CREATE|EXCL, header
// table 100, FRA_PRIORITY and FRA_SRC; the delete the same with REQUEST|ACK and action 0). Ours
// sends those bytes exactly (the golden vectors rule-add-v4-table and rule-del-v4-full). After
// every add `ip` counts the rules, after every delete it checks none is left. There is no C limit
// row: c-limit.c sends address requests only.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressCell, Cell } from './report.ts';
import { isError, num, table } from './report.ts';
import { round, summarize } from './stats.ts';
import { Worker } from './worker.ts';
import { RULE_SOURCE_LENGTH, RULE_TABLE, ruleAt } from './workers/rule-sequence.ts';

/** Who runs the rules phase: the workers (by contender name) that take `rules add|del N`, and ip. */
export const RULE_CONTENDERS = [
  'ours',
  'ours_seq',
  'ip_batch',
  'pyroute2',
  'npm_netlink',
  'npm_netlink_window',
];

/** What each contender does in this phase (the address phase's labels name address calls). */
const RULE_LABELS: Record<string, string> = {
  ours: 'ours, rules.add/delete, batched (all issued at once)',
  ours_seq: 'ours, rules.add/delete, sequential (await each)',
  ip_batch: 'ip -batch (process wall time)',
  pyroute2: 'pyroute2 0.7.2, IPRoute.rule() (also sends FRA_TABLE)',
  npm_netlink: 'npm netlink 0.3.0, newRule/delRule, sequential',
  npm_netlink_window: 'npm netlink 0.3.0, newRule/delRule, window 256',
};

/** How many rules of the sequence the namespace has (priorities 10000..75535, from `ip rule show`). */
function sequenceRules(ns: string): number {
  const out = execFileSync('ip', ['-n', ns, '-4', 'rule', 'show', 'table', String(RULE_TABLE)], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return out.split('\n').filter((line) => /^\d+:\s+from 10\./.test(line)).length;
}

/** Removes whatever a failed contender left: every rule looking up the sequence's table. */
function flushRules(ns: string): void {
  for (let left = sequenceRules(ns); left > 0; left--) {
    execFileSync('ip', ['-n', ns, '-4', 'rule', 'del', 'table', String(RULE_TABLE)], { stdio: 'ignore' });
  }
}

/** The `ip -batch` files adding and deleting the first n rules of the sequence. */
function writeRuleBatches(dir: string, n: number): { add: string; del: string } {
  const lines = (op: string) =>
    Array.from({ length: n }, (_, i) => {
      const r = ruleAt(i);
      return `rule ${op} pref ${r.priority} from ${r.source}/${RULE_SOURCE_LENGTH} table ${RULE_TABLE}`;
    }).join('\n');
  const files = { add: join(dir, `rules-${n}-add.batch`), del: join(dir, `rules-${n}-del.batch`) };
  writeFileSync(files.add, `${lines('add')}\n`);
  writeFileSync(files.del, `${lines('del')}\n`);
  return files;
}

const command = (name: string, op: 'add' | 'del', n: number, files: { add: string; del: string }) =>
  name === 'ip_batch' ? `batch ${files[op]}` : `rules ${op} ${n}`;

/** `warmups` untimed then `rounds` timed add/delete cycles of n rules, interleaved across contenders. */
export async function rulesWorkload(
  ns: string,
  workers: Map<string, Worker | Error>,
  dir: string,
  n: number,
  rounds: number,
  warmups: number,
  log: (msg: string) => void,
): Promise<Record<string, Cell<AddressCell>>> {
  const files = writeRuleBatches(dir, n);
  const names = RULE_CONTENDERS.filter((name) => workers.has(name));
  const add: Record<string, number[]> = {};
  const del: Record<string, number[]> = {};
  const cpu: Record<string, number[]> = {};
  const failed: Record<string, string> = {};
  for (const name of names) {
    const w = workers.get(name);
    if (w instanceof Error) failed[name] = `did not start: ${w.message}`;
    add[name] = [];
    del[name] = [];
    cpu[name] = [];
  }
  for (let round = 1 - warmups; round <= rounds; round++) {
    for (const name of names) {
      const w = workers.get(name);
      if (failed[name] || !(w instanceof Worker)) continue;
      try {
        const [addNs, addCpu] = await w.request(command(name, 'add', n, files), 30_000 + n * 20);
        const present = sequenceRules(ns);
        if (present !== n) throw new Error(`after add, ip shows ${present} of ${n} rules`);
        const [delNs, delCpu] = await w.request(command(name, 'del', n, files), 30_000 + n * 20);
        const left = sequenceRules(ns);
        if (left !== 0) throw new Error(`after delete, ip shows ${left} rules left`);
        if (round > 0) {
          add[name]!.push(addNs! / 1e6);
          del[name]!.push(delNs! / 1e6);
          if (addCpu !== undefined && delCpu !== undefined) cpu[name]!.push((addCpu + delCpu) / 1e9);
        }
      } catch (err) {
        failed[name] = err instanceof Error ? err.message : String(err);
        log(`rules ${n} ${name}: ${failed[name]}`);
        flushRules(ns);
      }
    }
    log(`rules ${n} ${round > 0 ? `run ${round}/${rounds}` : 'warm-up'} done`);
  }
  const cells: Record<string, Cell<AddressCell>> = {};
  for (const name of names) {
    const a = add[name]!;
    const d = del[name]!;
    const error = failed[name];
    cells[name] = error
      ? { error }
      : {
          opsPerSec: summarize(a.map((ms, i) => (2 * n) / ((ms + d[i]!) / 1000)))!,
          addMs: summarize(a)!,
          delMs: summarize(d)!,
          cpuOpsPerSec: summarize(cpu[name]!.map((seconds) => (2 * n) / seconds)),
        };
  }
  return cells;
}

const median = (c: Cell<AddressCell> | undefined) => (c && !isError(c) ? c.opsPerSec.median : undefined);
const cpuMedian = (c: Cell<AddressCell> | undefined) =>
  c && !isError(c) ? c.cpuOpsPerSec?.median : undefined;

/** The rules phase's part of the JSON summary: ops/s and ops/CPU-s per contender, ratios to ip -batch. */
export function rulesSummary(cells: Record<string, Cell<AddressCell>>): Record<string, unknown> {
  const table = (get: (c: Cell<AddressCell> | undefined) => number | undefined) =>
    Object.fromEntries(
      Object.entries(cells).map(([n, c]) => [n, get(c) === undefined ? null : round(get(c)!)]),
    );
  const ours = median(cells.ours);
  const ratio = (other: number | undefined) =>
    ours !== undefined && other !== undefined && other > 0 ? round(ours / other, 3) : null;
  const npm = [median(cells.npm_netlink), median(cells.npm_netlink_window)].filter((v) => v !== undefined);
  return {
    ops_per_s: table(median),
    cpu_ops_per_s: table(cpuMedian),
    ours_vs_ip_batch: ratio(median(cells.ip_batch)),
    ours_vs_pyroute2: ratio(median(cells.pyroute2)),
    ours_vs_npm_netlink_best: ratio(npm.length ? Math.max(...npm) : undefined),
    errors: Object.fromEntries(Object.entries(cells).flatMap(([n, c]) => (isError(c) ? [[n, c.error]] : []))),
  };
}

/** The rules phase as a table: ops/s (adds and deletes), add and delete ms, ops per CPU-second. */
export function renderRules(
  cells: Record<string, Cell<AddressCell>>,
  labels: Record<string, string>,
  n: number,
) {
  const rows = Object.entries(cells).map(([name, c]) => {
    const label = RULE_LABELS[name] ?? labels[name] ?? name;
    if (isError(c)) return [label, 'failed', '', '', '', '', ''];
    const cpu = c.cpuOpsPerSec?.median;
    return [
      label,
      num(c.opsPerSec.median),
      `${num(c.opsPerSec.min)}–${num(c.opsPerSec.max)}`,
      num(c.addMs.median, 1),
      num(c.delMs.median, 1),
      cpu === undefined ? '-' : num(cpu),
      String(c.opsPerSec.runs),
    ];
  });
  return [
    `IPv4 rule add+delete, ${num(n)} rules (ip rule add|del pref P from 10.x.y.0/24 table 100; ops/s counts adds and deletes)`,
    table(['contender', 'ops/s median', 'min–max', 'add ms', 'del ms', 'ops/CPU-s', 'runs'], rows),
    ...Object.entries(cells).flatMap(([name, c]) =>
      isError(c) ? [`  failed: ${RULE_LABELS[name] ?? labels[name] ?? name}: ${c.error}`] : [],
    ),
    '',
  ].join('\n');
}
