// Turns measurements into the printed tables and the one-line JSON summary.
import type { ChurnCell, ChurnVariant } from './churn.ts';
import { round, type Summary } from './stats.ts';

export type Cell<T> = T | { error: string };

export interface AddressCell {
  opsPerSec: Summary;
  addMs: Summary;
  delMs: Summary;
  /** Operations per second of the contender's own CPU time (user + system, all threads). */
  cpuOpsPerSec: Summary | undefined;
  /** Ops/s of the first (untimed) cycle: a process new to the workload, before V8 has warmed up. */
  firstOpsPerSec?: number;
}

export interface DumpCell {
  ms: Summary;
  routes: number;
}

export interface MonitorCell {
  p50Ms: number;
  p99Ms: number;
  minMs: number;
  maxMs: number;
  samples: number;
}

export interface Results {
  /** [family][size label][contender] */
  addresses: Record<string, Record<string, Record<string, Cell<AddressCell>>>>;
  /** [size label][contender] */
  dumps: Record<string, Record<string, Cell<DumpCell>>>;
  monitor?: Cell<MonitorCell>;
  /** The churn phase: a monitor's CPU while another program churns /32s, without and with a filter. */
  churn?: Record<ChurnVariant, Cell<ChurnCell>>;
  messages: Record<string, { requests: string[]; deviations: string[] } | { error: string }>;
  /**
   * The add/delete phases (rules, neighbours, nexthops, multipath; bench/add-delete-phase.ts), by
   * their key in the JSON summary (`rules_1k`): [contender].
   */
  addDelete: Record<string, Record<string, Cell<AddressCell>>>;
  notes: string[];
}

export const isError = <T>(c: Cell<T> | undefined): c is { error: string } =>
  c !== undefined && typeof c === 'object' && c !== null && 'error' in c;

/** A text table: the first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** A number rounded to `digits` with thousands separators. */
export const num = (v: number, digits = 0) => round(v, digits).toLocaleString('en-US');

/** The ops/s of a cell's first (cold) cycle, '-' when the phase had no warm-up to take it from. */
export const firstCycle = (c: AddressCell) => (c.firstOpsPerSec === undefined ? '-' : num(c.firstOpsPerSec));

export function renderTables(results: Results, labels: Record<string, string>): string {
  const out: string[] = [];
  for (const [family, sizes] of Object.entries(results.addresses)) {
    for (const [size, cells] of Object.entries(sizes)) {
      const limit = cells.c_limit;
      const limitOps = limit && !isError(limit) ? limit.opsPerSec.median : undefined;
      const limitCpu = limit && !isError(limit) ? limit.cpuOpsPerSec?.median : undefined;
      const rows = Object.entries(cells).map(([name, c]) => {
        const label = labels[name] ?? name;
        if (isError(c)) return [label, 'failed', '', '', '', '', '', '', '', ''];
        const s = c.opsPerSec;
        const cpu = c.cpuOpsPerSec?.median;
        return [
          label,
          num(s.median),
          `${num(s.min)}–${num(s.max)}`,
          num(c.addMs.median, 1),
          num(c.delMs.median, 1),
          limitOps ? `${num((100 * s.median) / limitOps)}%` : '',
          cpu === undefined ? '-' : num(cpu),
          cpu !== undefined && limitCpu ? `${num((100 * cpu) / limitCpu)}%` : '',
          String(s.runs),
          firstCycle(c),
        ];
      });
      out.push(
        `IPv${family} address add+delete, ${size} addresses (ops/s counts adds and deletes)`,
        table(
          [
            'contender',
            'ops/s median',
            'min–max',
            'add ms',
            'del ms',
            'vs C',
            'ops/CPU-s',
            'CPU vs C',
            'runs',
            'first cycle',
          ],
          rows,
        ),
        ...Object.entries(cells).flatMap(([name, c]) =>
          isError(c) ? [`  failed: ${labels[name] ?? name}: ${c.error}`] : [],
        ),
        '',
      );
    }
  }
  const dumpRows: string[][] = [];
  const sizes = Object.keys(results.dumps);
  const names = [...new Set(sizes.flatMap((s) => Object.keys(results.dumps[s]!)))];
  for (const name of names) {
    const row = [labels[`dump:${name}`] ?? name];
    for (const size of sizes) {
      const c = results.dumps[size]![name];
      if (!c) row.push('-');
      else if (isError(c)) row.push('failed');
      else row.push(`${num(c.ms.median, 1)} [${num(c.ms.min, 1)}–${num(c.ms.max, 1)}] n=${c.routes}`);
    }
    dumpRows.push(row);
  }
  if (dumpRows.length) {
    const failures = sizes.flatMap((size) =>
      Object.entries(results.dumps[size]!).flatMap(([name, c]) =>
        isError(c) ? [`  failed: ${labels[`dump:${name}`] ?? name} (${size}): ${c.error}`] : [],
      ),
    );
    out.push(
      'IPv4 main-table route dump into objects, ms median [min–max], routes returned',
      table(['contender', ...sizes.map((s) => `${s} routes`)], dumpRows),
      ...failures,
      '',
    );
  }
  const m = results.monitor;
  if (m) {
    out.push(
      isError(m)
        ? `monitor latency: failed: ${m.error}`
        : `monitor latency (add issued -> event delivered): p50 ${num(m.p50Ms, 3)} ms, p99 ${num(m.p99Ms, 3)} ms, min ${num(m.minMs, 3)}, max ${num(m.maxMs, 3)} over ${m.samples} adds`,
      '',
    );
  }
  if (results.churn) out.push(renderChurn(results.churn), '');
  return out.join('\n');
}

const CHURN_LABELS: Record<ChurnVariant, string> = {
  none: 'no filter',
  filtered: 'filter { routeTables: [main], hostAddressLinks: [v1] }',
};

function renderChurn(cells: Record<ChurnVariant, Cell<ChurnCell>>): string {
  const first = Object.values(cells).find((c) => !isError(c)) as ChurnCell | undefined;
  const rows = Object.entries(cells).map(([variant, c]) => {
    const label = CHURN_LABELS[variant as ChurnVariant];
    if (isError(c)) return [label, 'failed', '', '', '', '', '', ''];
    // each change the churn makes is two notifications: the address and its local-table route
    const notifications = 4 * c.addresses;
    return [
      label,
      num(c.cpuS.median, 3),
      `${num(c.cpuS.min, 3)}–${num(c.cpuS.max, 3)}`,
      `${num(c.userS.median, 3)} / ${num(c.sysS.median, 3)}`,
      num((1e6 * c.cpuS.median) / notifications, 2),
      num(c.addressEvents + c.routeEvents),
      String(c.overruns),
      num(c.churnS.median, 1),
    ];
  });
  const failures = Object.entries(cells).flatMap(([v, c]) =>
    isError(c) ? [`  failed: ${CHURN_LABELS[v as ChurnVariant]}: ${c.error}`] : [],
  );
  return [
    `monitor CPU while ip -batch adds then deletes ${first ? num(first.addresses) : '?'} /32s on v0 (groups link, addresses, routes; µs per notification the churn caused, 4 per address)`,
    table(
      [
        'monitor',
        'CPU s median',
        'min–max',
        'user / sys s',
        'µs/notification',
        'events',
        'overruns',
        'churn s',
      ],
      rows,
    ),
    ...failures,
  ].join('\n');
}

export function renderMessageCheck(results: Results, labels: Record<string, string>): string {
  const out = ['Requests as sent (decoded from strace hex dumps of one add+delete per family)'];
  for (const [name, r] of Object.entries(results.messages)) {
    if ('error' in r) {
      out.push(`  ${labels[name] ?? name}: check failed: ${r.error}`);
      continue;
    }
    out.push(
      `  ${labels[name] ?? name}: ${r.deviations.length ? `DIFFERS: ${r.deviations.join('; ')}` : 'equivalent'}`,
    );
    for (const req of r.requests) out.push(`      ${req}`);
  }
  return `${out.join('\n')}\n`;
}

export const median = (c: Cell<AddressCell> | undefined) =>
  c && !isError(c) ? c.opsPerSec.median : undefined;
export const cpuMedian = (c: Cell<AddressCell> | undefined) =>
  c && !isError(c) ? c.cpuOpsPerSec?.median : undefined;
const dumpMedian = (c: Cell<DumpCell> | undefined) => (c && !isError(c) ? c.ms.median : undefined);
const ratio = (a: number | undefined, b: number | undefined) =>
  a !== undefined && b !== undefined && b > 0 ? round(a / b, 3) : null;

export function summaryJson(results: Results, env: Record<string, unknown>): Record<string, unknown> {
  // family → size → contender → a figure of its cell (null when it failed or has none).
  const figureTable = (family: string, get: (c: Cell<AddressCell>) => number | undefined) =>
    Object.fromEntries(
      Object.entries(results.addresses[family] ?? {}).map(([size, cells]) => [
        size,
        Object.fromEntries(
          Object.entries(cells).map(([n, c]) => [n, get(c) === undefined ? null : round(get(c)!)]),
        ),
      ]),
    );
  const opsTable = (family: string) => figureTable(family, median);
  const cpuTable = (family: string) => figureTable(family, cpuMedian);
  const firstTable = (family: string) =>
    figureTable(family, (c) => (isError(c) ? undefined : c.firstOpsPerSec));
  const dumpTable = (size: string) =>
    Object.fromEntries(
      Object.entries(results.dumps[size] ?? {}).map(([n, c]) => [
        n,
        dumpMedian(c) === undefined ? null : round(dumpMedian(c)!, 1),
      ]),
    );
  const ratios: Record<string, number | null> = {};
  const targets: Record<string, boolean | null> = {};
  for (const [family, sizes] of Object.entries(results.addresses)) {
    const tag = family === '4' ? '' : 'v6_';
    for (const [size, cells] of Object.entries(sizes)) {
      const ours = median(cells.ours);
      ratios[`ours_vs_c_limit_${tag}${size}`] = ratio(ours, median(cells.c_limit));
      ratios[`ours_cpu_vs_c_limit_${tag}${size}`] = ratio(cpuMedian(cells.ours), cpuMedian(cells.c_limit));
      if (size === '1k') {
        ratios[`ours_vs_ip_batch_${tag}${size}`] = ratio(ours, median(cells.ip_batch));
        const npm = [median(cells.npm_netlink), median(cells.npm_netlink_window)].filter(
          (v) => v !== undefined,
        );
        ratios[`ours_vs_npm_netlink_best_${tag}${size}`] = ratio(
          ours,
          npm.length ? Math.max(...npm) : undefined,
        );
        ratios[`ours_vs_pyroute2_best_${tag}${size}`] = ratio(
          ours,
          Math.max(...[median(cells.pyroute2), median(cells.pyroute2_batch)].map((v) => v ?? 0)) || undefined,
        );
      }
    }
  }
  for (const size of Object.keys(results.dumps)) {
    const d = results.dumps[size]!;
    ratios[`ip_json_vs_ours_dump_${size}`] = ratio(dumpMedian(d.ip_json), dumpMedian(d.ours));
  }
  const limitRatios = Object.entries(ratios).filter(([k]) => k.startsWith('ours_vs_c_limit_'));
  targets.ours_ge_85pct_of_c_limit_every_size = limitRatios.some(([, v]) => v === null)
    ? null
    : limitRatios.every(([, v]) => (v ?? 0) >= 0.85);
  const cpuRatios = Object.entries(ratios).filter(([k]) => k.startsWith('ours_cpu_vs_c_limit_'));
  targets.ours_cpu_ge_85pct_of_c_limit_every_size = cpuRatios.some(([, v]) => v === null)
    ? null
    : cpuRatios.every(([, v]) => (v ?? 0) >= 0.85);
  const gate = (v: number | null | undefined, min: number) =>
    v === null || v === undefined ? null : v >= min;
  targets.ours_ge_2x_ip_batch_1k = gate(ratios.ours_vs_ip_batch_1k, 2);
  targets.ours_ge_3x_npm_netlink_1k = gate(ratios.ours_vs_npm_netlink_best_1k, 3);
  targets.dump_100k_no_slower_than_ip_json = gate(ratios.ip_json_vs_ours_dump_100k, 1);
  const m = results.monitor;
  const errors: Record<string, string> = {};
  for (const [family, sizes] of Object.entries(results.addresses)) {
    for (const [size, cells] of Object.entries(sizes)) {
      for (const [n, c] of Object.entries(cells))
        if (isError(c)) errors[`addr${family}_${size}_${n}`] = c.error;
    }
  }
  for (const [size, cells] of Object.entries(results.dumps)) {
    for (const [n, c] of Object.entries(cells)) if (isError(c)) errors[`dump_${size}_${n}`] = c.error;
  }
  if (m && isError(m)) errors.monitor = m.error;
  for (const [variant, c] of Object.entries(results.churn ?? {}))
    if (isError(c)) errors[`churn_${variant}`] = c.error;
  const churnCpu = (c: Cell<ChurnCell> | undefined) => (c && !isError(c) ? round(c.cpuS.median, 3) : null);
  const messagesEquivalent = Object.fromEntries(
    Object.entries(results.messages).map(([n, r]) => [n, 'error' in r ? null : r.deviations.length === 0]),
  );
  return {
    addr_ops_per_s: opsTable('4'),
    addr6_ops_per_s: opsTable('6'),
    addr_cpu_ops_per_s: cpuTable('4'),
    addr6_cpu_ops_per_s: cpuTable('6'),
    addr_first_cycle_ops_per_s: firstTable('4'),
    addr6_first_cycle_ops_per_s: firstTable('6'),
    route_dump_100k_ms: dumpTable('100k'),
    route_dump_10k_ms: dumpTable('10k'),
    monitor_latency_ms:
      m && !isError(m) ? { p50: round(m.p50Ms, 3), p99: round(m.p99Ms, 3), samples: m.samples } : null,
    monitor_churn_cpu_s: results.churn
      ? { none: churnCpu(results.churn.none), filtered: churnCpu(results.churn.filtered) }
      : null,
    ratios,
    targets,
    messages_equivalent: messagesEquivalent,
    errors,
    notes: results.notes,
    env,
  };
}
