// The neighbours phase of the benchmark: add then delete n permanent IPv4 neighbour entries on v0
// (`10.200.x.y lladdr 02:00:00:00:x:y`, workers/neighbour-sequence.ts), every contender sending
// the same requests as `ip neigh add|del ADDR lladdr MAC dev v0 nud permanent` (RTM_NEWNEIGH with
// REQUEST|ACK|CREATE|EXCL, NDA_DST then NDA_LLADDR; the delete RTM_DELNEIGH with NDA_DST). Ours
// sends those bytes exactly (the golden vectors neigh-add-v4-permanent and neigh-del). After every
// add `ip` counts the entries, after every delete it checks none is left. Permanent entries do not
// count towards the neighbour table's gc_thresh3 (1,024 by default), so 10k fit. There is no C
// limit row: c-limit.c sends address requests only.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressCell, Cell } from './report.ts';
import { isError, num, table } from './report.ts';
import { round, summarize } from './stats.ts';
import { Worker } from './worker.ts';
import { neighbourAt } from './workers/neighbour-sequence.ts';

/** Who runs the neighbours phase: the workers (by contender name) that take `neigh add|del N IFINDEX`, and ip. */
export const NEIGHBOUR_CONTENDERS = [
  'ours',
  'ours_seq',
  'ip_batch',
  'pyroute2',
  'npm_netlink',
  'npm_netlink_window',
];

/** What each contender does in this phase (the address phase's labels name address calls). */
const NEIGHBOUR_LABELS: Record<string, string> = {
  ours: 'ours, neighbours.add/delete, batched (all issued at once)',
  ours_seq: 'ours, neighbours.add/delete, sequential (await each)',
  ip_batch: 'ip -batch (process wall time)',
  pyroute2: 'pyroute2 0.7.2, IPRoute.neigh()',
  npm_netlink: 'npm netlink 0.3.0, newNeighbor/delNeighbor, sequential',
  npm_netlink_window: 'npm netlink 0.3.0, newNeighbor/delNeighbor, window 256',
};

/** How many entries of the sequence (10.200.0.0/16) the namespace has on v0. */
function sequenceEntries(ns: string): number {
  const out = execFileSync('ip', ['-n', ns, '-4', 'neigh', 'show', 'dev', 'v0', 'nud', 'all'], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return out.split('\n').filter((line) => line.startsWith('10.200.')).length;
}

/** Removes whatever a failed contender left: every entry of the sequence's /16. */
function flushEntries(ns: string): void {
  execFileSync('ip', ['-n', ns, '-4', 'neigh', 'flush', 'dev', 'v0', 'to', '10.200.0.0/16', 'nud', 'all'], {
    stdio: 'ignore',
  });
}

/** The `ip -batch` files adding and deleting the first n entries of the sequence. */
function writeNeighbourBatches(dir: string, n: number): { add: string; del: string } {
  const lines = (op: 'add' | 'del') =>
    Array.from({ length: n }, (_, i) => {
      const e = neighbourAt(i);
      return op === 'add'
        ? `neigh add ${e.address} lladdr ${e.lladdr} dev v0 nud permanent`
        : `neigh del ${e.address} dev v0`;
    }).join('\n');
  const files = { add: join(dir, `neigh-${n}-add.batch`), del: join(dir, `neigh-${n}-del.batch`) };
  writeFileSync(files.add, `${lines('add')}\n`);
  writeFileSync(files.del, `${lines('del')}\n`);
  return files;
}

interface Run {
  add: number[];
  del: number[];
  cpu: number[];
}

/** One add/delete cycle of n entries by one contender; ms of each half and CPU seconds of both. */
async function cycle(ns: string, w: Worker, cmd: (op: 'add' | 'del') => string, n: number) {
  const [addNs, addCpu] = await w.request(cmd('add'), 30_000 + n * 20);
  const present = sequenceEntries(ns);
  if (present !== n) throw new Error(`after add, ip shows ${present} of ${n} entries`);
  const [delNs, delCpu] = await w.request(cmd('del'), 30_000 + n * 20);
  const left = sequenceEntries(ns);
  if (left !== 0) throw new Error(`after delete, ip shows ${left} entries left`);
  const cpu = addCpu !== undefined && delCpu !== undefined ? (addCpu + delCpu) / 1e9 : undefined;
  return { addMs: addNs! / 1e6, delMs: delNs! / 1e6, cpu };
}

/** `warmups` untimed then `rounds` timed add/delete cycles of n entries, interleaved across contenders. */
export async function neighboursWorkload(
  ns: string,
  workers: Map<string, Worker | Error>,
  dir: string,
  n: number,
  ifindex: number,
  rounds: number,
  warmups: number,
  log: (msg: string) => void,
): Promise<Record<string, Cell<AddressCell>>> {
  const files = writeNeighbourBatches(dir, n);
  const names = NEIGHBOUR_CONTENDERS.filter((name) => workers.has(name));
  const runs: Record<string, Run> = {};
  const failed: Record<string, string> = {};
  for (const name of names) {
    const w = workers.get(name);
    if (w instanceof Error) failed[name] = `did not start: ${w.message}`;
    runs[name] = { add: [], del: [], cpu: [] };
  }
  for (let round = 1 - warmups; round <= rounds; round++) {
    for (const name of names) {
      const w = workers.get(name);
      if (failed[name] || !(w instanceof Worker)) continue;
      const cmd = (op: 'add' | 'del') =>
        name === 'ip_batch' ? `batch ${files[op]}` : `neigh ${op} ${n} ${ifindex}`;
      try {
        const r = await cycle(ns, w, cmd, n);
        if (round > 0) {
          runs[name]!.add.push(r.addMs);
          runs[name]!.del.push(r.delMs);
          if (r.cpu !== undefined) runs[name]!.cpu.push(r.cpu);
        }
      } catch (err) {
        failed[name] = err instanceof Error ? err.message : String(err);
        log(`neighbours ${n} ${name}: ${failed[name]}`);
        flushEntries(ns);
      }
    }
    log(`neighbours ${n} ${round > 0 ? `run ${round}/${rounds}` : 'warm-up'} done`);
  }
  const cells: Record<string, Cell<AddressCell>> = {};
  for (const name of names) {
    const { add, del, cpu } = runs[name]!;
    const error = failed[name];
    cells[name] = error
      ? { error }
      : {
          opsPerSec: summarize(add.map((ms, i) => (2 * n) / ((ms + del[i]!) / 1000)))!,
          addMs: summarize(add)!,
          delMs: summarize(del)!,
          cpuOpsPerSec: summarize(cpu.map((seconds) => (2 * n) / seconds)),
        };
  }
  return cells;
}

const median = (c: Cell<AddressCell> | undefined) => (c && !isError(c) ? c.opsPerSec.median : undefined);
const cpuMedian = (c: Cell<AddressCell> | undefined) =>
  c && !isError(c) ? c.cpuOpsPerSec?.median : undefined;

/** The neighbours phase's part of the JSON summary: ops/s and ops/CPU-s per contender, ratios to the others. */
export function neighboursSummary(cells: Record<string, Cell<AddressCell>>): Record<string, unknown> {
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
    ours_vs_ip_batch: ratio(median(cells.ip_batch)),
    ours_vs_pyroute2: ratio(median(cells.pyroute2)),
    ours_vs_npm_netlink_best: ratio(npm.length ? Math.max(...npm) : undefined),
    errors: Object.fromEntries(Object.entries(cells).flatMap(([n, c]) => (isError(c) ? [[n, c.error]] : []))),
  };
}

/** The neighbours phase as a table: ops/s (adds and deletes), add and delete ms, ops per CPU-second. */
export function renderNeighbours(
  cells: Record<string, Cell<AddressCell>>,
  labels: Record<string, string>,
  n: number,
): string {
  const rows = Object.entries(cells).map(([name, c]) => {
    const label = NEIGHBOUR_LABELS[name] ?? labels[name] ?? name;
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
    `IPv4 neighbour add+delete, ${num(n)} permanent entries (ip neigh add|del 10.200.x.y lladdr MAC dev v0; ops/s counts adds and deletes)`,
    table(['contender', 'ops/s median', 'min–max', 'add ms', 'del ms', 'ops/CPU-s', 'runs'], rows),
    ...Object.entries(cells).flatMap(([name, c]) =>
      isError(c) ? [`  failed: ${NEIGHBOUR_LABELS[name] ?? labels[name] ?? name}: ${c.error}`] : [],
    ),
    '',
  ].join('\n');
}
