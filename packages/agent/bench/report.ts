// Percentiles of the bench's samples, and the table that puts each figure beside its target.
import { quantile, round } from '../../netlink-native/bench/stats.ts';

export interface Stats {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export function stats(samples: readonly number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: round(quantile(s, 0.5), 2),
    p99: round(quantile(s, 0.99), 2),
    max: round(s.at(-1) ?? Number.NaN, 2),
  };
}

export interface Row {
  measure: string;
  result: string;
  /** Empty for a detail row that has no target of its own. */
  target: string;
  met?: boolean;
}

/** The table, one row per line: measure, result, target and whether it was met, side by side. */
export function table(rows: readonly Row[]): string {
  const w0 = Math.max('measure'.length, ...rows.map((r) => r.measure.length));
  const w1 = Math.max('result'.length, ...rows.map((r) => r.result.length));
  const w2 = Math.max('target'.length, ...rows.map((r) => r.target.length));
  const line = (a: string, b: string, c: string, d: string) =>
    `${a.padEnd(w0)}  ${b.padStart(w1)}  ${c.padEnd(w2)}  ${d}`.trimEnd();
  return [
    line('measure', 'result', 'target', 'met'),
    ...rows.map((r) =>
      line(r.measure, r.result, r.target, r.met === undefined ? '' : r.met ? 'met' : 'NOT MET'),
    ),
  ].join('\n');
}
