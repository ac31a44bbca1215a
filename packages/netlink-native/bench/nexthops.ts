// The nexthops phase of the benchmark: add then delete n nexthop objects (`ip nexthop add id I via
// 192.168.0.2 dev v0`, workers/nexthop-sequence.ts), every contender sending the same requests as `ip
// nexthop add id I via GW dev v0` / `ip nexthop del id I` (RTM_NEWNEXTHOP with
// REQUEST|ACK|CREATE|EXCL, NHA_ID, NHA_GATEWAY, NHA_OIF; RTM_DELNEXTHOP with NHA_ID). Ours sends
// those bytes exactly (the golden vectors nexthop-add-via-dev and nexthop-del). After every add `ip`
// counts the objects, after every delete it checks none is left. Only ours and `ip -batch` run it:
// npm netlink 0.3.0 knows the message numbers but has no nexthop call or attributes, and pyroute2
// 0.7.2's IPRoute has no nexthop call. There is no C limit row: c-limit.c sends address requests
// only.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressCell, Cell } from './report.ts';
import { isError, num, table } from './report.ts';
import { round, summarize } from './stats.ts';
import { Worker } from './worker.ts';
import { nexthopAt } from './workers/nexthop-sequence.ts';

/** Who runs the nexthops phase: the workers (by contender name) that take `nexthops add|del N IFINDEX`, and ip. */
export const NEXTHOP_CONTENDERS = ['ours', 'ours_seq', 'ip_batch'];

const NEXTHOP_LABELS: Record<string, string> = {
  ours: 'ours, nexthops.add/delete, batched (all issued at once)',
  ours_seq: 'ours, nexthops.add/delete, sequential (await each)',
  ip_batch: 'ip -batch (process wall time)',
};

/** How many nexthop objects the namespace has (`ip nexthop show`: the phase's are the only ones). */
function sequenceObjects(ns: string): number {
  const out = execFileSync('ip', ['-n', ns, 'nexthop', 'show'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return out.split('\n').filter((line) => line.startsWith('id ')).length;
}

/** Removes whatever a failed contender left: every nexthop object (`ip nexthop flush`). */
function flushObjects(ns: string): void {
  execFileSync('ip', ['-n', ns, 'nexthop', 'flush'], { stdio: 'ignore' });
}

/** The `ip -batch` files adding and deleting the first n objects of the sequence. */
function writeNexthopBatches(dir: string, n: number): { add: string; del: string } {
  const lines = (op: 'add' | 'del') =>
    Array.from({ length: n }, (_, i) => {
      const nh = nexthopAt(i);
      return op === 'add' ? `nexthop add id ${nh.id} via ${nh.gateway} dev v0` : `nexthop del id ${nh.id}`;
    }).join('\n');
  const files = { add: join(dir, `nexthop-${n}-add.batch`), del: join(dir, `nexthop-${n}-del.batch`) };
  writeFileSync(files.add, `${lines('add')}\n`);
  writeFileSync(files.del, `${lines('del')}\n`);
  return files;
}

/** One add/delete cycle of n objects by one contender; ms of each half and CPU seconds of both. */
async function cycle(ns: string, w: Worker, cmd: (op: 'add' | 'del') => string, n: number) {
  const [addNs, addCpu] = await w.request(cmd('add'), 30_000 + n * 20);
  const present = sequenceObjects(ns);
  if (present !== n) throw new Error(`after add, ip shows ${present} of ${n} nexthop objects`);
  const [delNs, delCpu] = await w.request(cmd('del'), 30_000 + n * 20);
  const left = sequenceObjects(ns);
  if (left !== 0) throw new Error(`after delete, ip shows ${left} nexthop objects left`);
  const cpu = addCpu !== undefined && delCpu !== undefined ? (addCpu + delCpu) / 1e9 : undefined;
  return { addMs: addNs! / 1e6, delMs: delNs! / 1e6, cpu };
}

/** `warmups` untimed then `rounds` timed add/delete cycles of n objects, interleaved across contenders. */
export async function nexthopsWorkload(
  ns: string,
  workers: Map<string, Worker | Error>,
  dir: string,
  n: number,
  ifindex: number,
  rounds: number,
  warmups: number,
  log: (msg: string) => void,
): Promise<Record<string, Cell<AddressCell>>> {
  const files = writeNexthopBatches(dir, n);
  const names = NEXTHOP_CONTENDERS.filter((name) => workers.has(name));
  const runs: Record<string, { add: number[]; del: number[]; cpu: number[] }> = {};
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
        name === 'ip_batch' ? `batch ${files[op]}` : `nexthops ${op} ${n} ${ifindex}`;
      try {
        const r = await cycle(ns, w, cmd, n);
        if (round > 0) {
          runs[name]!.add.push(r.addMs);
          runs[name]!.del.push(r.delMs);
          if (r.cpu !== undefined) runs[name]!.cpu.push(r.cpu);
        }
      } catch (err) {
        failed[name] = err instanceof Error ? err.message : String(err);
        log(`nexthops ${n} ${name}: ${failed[name]}`);
        flushObjects(ns);
      }
    }
    log(`nexthops ${n} ${round > 0 ? `run ${round}/${rounds}` : 'warm-up'} done`);
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

/** The nexthops phase's part of the JSON summary: ops/s and ops/CPU-s per contender, ours to ip -batch. */
export function nexthopsSummary(cells: Record<string, Cell<AddressCell>>): Record<string, unknown> {
  const perContender = (get: (c: Cell<AddressCell> | undefined) => number | undefined) =>
    Object.fromEntries(
      Object.entries(cells).map(([n, c]) => [n, get(c) === undefined ? null : round(get(c)!)]),
    );
  const ours = median(cells.ours);
  const ipBatch = median(cells.ip_batch);
  return {
    ops_per_s: perContender(median),
    cpu_ops_per_s: perContender(cpuMedian),
    ours_vs_ip_batch:
      ours !== undefined && ipBatch !== undefined && ipBatch > 0 ? round(ours / ipBatch, 3) : null,
    errors: Object.fromEntries(Object.entries(cells).flatMap(([n, c]) => (isError(c) ? [[n, c.error]] : []))),
  };
}

/** The nexthops phase as a table: ops/s (adds and deletes), add and delete ms, ops per CPU-second. */
export function renderNexthops(
  cells: Record<string, Cell<AddressCell>>,
  labels: Record<string, string>,
  n: number,
): string {
  const rows = Object.entries(cells).map(([name, c]) => {
    const label = NEXTHOP_LABELS[name] ?? labels[name] ?? name;
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
    `Nexthop object add+delete, ${num(n)} objects (ip nexthop add id I via ${nexthopAt(0).gateway} dev v0 | del id I; ops/s counts adds and deletes)`,
    table(['contender', 'ops/s median', 'min–max', 'add ms', 'del ms', 'ops/CPU-s', 'runs'], rows),
    ...Object.entries(cells).flatMap(([name, c]) =>
      isError(c) ? [`  failed: ${NEXTHOP_LABELS[name] ?? labels[name] ?? name}: ${c.error}`] : [],
    ),
    '',
  ].join('\n');
}
