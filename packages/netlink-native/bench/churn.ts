// The churn phase: what a monitor costs its process while another program churns addresses it
// does not care about (as kube-proxy does in IPVS mode, binding every Service IP as a /32). `ip
// -batch` adds then deletes n /32s on v0; each change is an address and a local-table route
// notification. Our worker watches the groups a network watcher joins, without a filter and with
// one that keeps only main-table routes and host addresses on v1, and reports its own CPU time
// (every thread, user and system) from just before the churn until it has handled a sentinel
// address added on v1 after it.
import { execFileSync } from 'node:child_process';
import { flushSequence, linkIndex, SIDE_DEVICE, writeAddressBatches } from './namespace.ts';
import type { Cell } from './report.ts';
import { type Summary, summarize } from './stats.ts';
import { Worker } from './worker.ts';

export const CHURN_VARIANTS = ['none', 'filtered'] as const;
export type ChurnVariant = (typeof CHURN_VARIANTS)[number];

export interface ChurnCell {
  /** Addresses added, then deleted. */
  addresses: number;
  cpuS: Summary;
  userS: Summary;
  sysS: Summary;
  /** Wall time of the churn itself (both `ip -batch` runs). */
  churnS: Summary;
  /** Events the monitor delivered in the last run, and the overruns it reported. */
  addressEvents: number;
  routeEvents: number;
  overruns: number;
}

function ipIn(ns: string, args: string[]): void {
  execFileSync('ip', ['-n', ns, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

interface Run {
  cpu: number[];
  user: number[];
  sys: number[];
  churn: number[];
  last: number[];
}

async function oneRun(
  ns: string,
  w: Worker,
  variant: ChurnVariant,
  side: number,
  files: { add: string; del: string },
  round: number,
) {
  await w.request(`watch ${variant} ${side}`, 30_000);
  const t0 = performance.now();
  ipIn(ns, ['-batch', files.add]);
  ipIn(ns, ['-batch', files.del]);
  const churnS = (performance.now() - t0) / 1000;
  const sentinel = `192.0.2.${(round % 250) + 1}`;
  ipIn(ns, ['address', 'add', `${sentinel}/32`, 'dev', SIDE_DEVICE]);
  try {
    const result = await w.request(`watched ${sentinel}`, 660_000);
    return { churnS, result };
  } finally {
    ipIn(ns, ['address', 'del', `${sentinel}/32`, 'dev', SIDE_DEVICE]);
  }
}

/** `reps` runs of each variant, interleaved; every run churns n addresses. */
export async function churnWorkload(
  ns: string,
  ours: Worker | Error | undefined,
  dir: string,
  n: number,
  reps: number,
  log: (msg: string) => void,
): Promise<Record<ChurnVariant, Cell<ChurnCell>>> {
  const failed = (error: string) => ({ none: { error }, filtered: { error } });
  if (!(ours instanceof Worker)) return failed(`ours unavailable: ${ours?.message ?? 'not selected'}`);
  const side = linkIndex(ns, SIDE_DEVICE);
  const files = writeAddressBatches(dir, 4, n);
  const runs: Record<ChurnVariant, Run> = {
    none: { cpu: [], user: [], sys: [], churn: [], last: [] },
    filtered: { cpu: [], user: [], sys: [], churn: [], last: [] },
  };
  try {
    for (let round = 0; round < reps; round++) {
      for (const variant of CHURN_VARIANTS) {
        const { churnS, result } = await oneRun(ns, ours, variant, side, files, round);
        const [cpu, user, sys] = result as [number, number, number];
        const r = runs[variant];
        r.cpu.push(cpu / 1e9);
        r.user.push(user / 1e9);
        r.sys.push(sys / 1e9);
        r.churn.push(churnS);
        r.last = result.slice(3);
        log(
          `churn ${n} (${variant}) run ${round + 1}/${reps}: monitor CPU ${(cpu / 1e9).toFixed(2)} s, churn ${churnS.toFixed(1)} s`,
        );
      }
    }
  } catch (err) {
    flushSequence(ns, 4); // whatever a broken run left on v0
    return failed(err instanceof Error ? err.message : String(err));
  }
  const cell = (r: Run): ChurnCell => ({
    addresses: n,
    cpuS: summarize(r.cpu)!,
    userS: summarize(r.user)!,
    sysS: summarize(r.sys)!,
    churnS: summarize(r.churn)!,
    addressEvents: r.last[0]!,
    routeEvents: r.last[1]!,
    overruns: r.last[2]!,
  });
  return { none: cell(runs.none), filtered: cell(runs.filtered) };
}
