// What the numbers were measured on: kernel, socket buffer defaults, CPU, tool versions.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, release } from 'node:os';
import { join, resolve } from 'node:path';

function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return 'unavailable';
  }
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return 'unavailable';
  }
}

/** The addon the "ours" contender loads, and whether it is a sanitizer build (which is slower). */
function addonBuild(): string {
  const path =
    process.env.BENCH_ADDON ?? resolve(import.meta.dirname, '../../../build/Release/netlink_native.node');
  try {
    const sanitized = readFileSync(path).includes('__asan_init');
    return `${path} built ${statSync(path).mtime.toISOString()}${sanitized ? ' (ASAN BUILD: slow)' : ''}`;
  } catch {
    return 'missing';
  }
}

/** Load average over the last minute: other work on the machine skews every number. */
export const load1 = (): number => Math.round(loadavg()[0]! * 100) / 100;

export interface CpuSnapshot {
  /** Busy clock ticks of every CPU (/proc/stat: all but idle and iowait). */
  busy: number;
  /** Ticks of this process and of its reaped descendants (every worker, every `ip`). */
  ours: number;
  at: number;
}

export function cpuSnapshot(): CpuSnapshot {
  const cpu = read('/proc/stat').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  const busy = cpu.reduce((sum, v, i) => (i === 3 || i === 4 ? sum : sum + v), 0);
  // Fields after the ")" of /proc/self/stat: utime, stime, cutime, cstime are the 12th to 15th.
  const self = read('/proc/self/stat').split(') ')[1]!.split(' ').map(Number);
  return { busy, ours: self[11]! + self[12]! + self[13]! + self[14]!, at: performance.now() };
}

/** Share of the machine's CPU time that went to other work between two snapshots (0..1). */
export function othersShare(a: CpuSnapshot, b: CpuSnapshot, cpus: number): number {
  const ticksPerSecond = 100; // USER_HZ on Linux
  const capacity = ((b.at - a.at) / 1000) * ticksPerSecond * cpus;
  const others = Math.max(0, b.busy - a.busy - (b.ours - a.ours));
  return capacity > 0 ? Math.round((100 * others) / capacity) / 100 : 0;
}

export type Environment = Record<string, string | number>;

export function environment(peers: string, cpu: number | undefined): Environment {
  const cpuModel = /model name\s*:\s*(.*)/.exec(read('/proc/cpuinfo'))?.[1] ?? 'unknown';
  let npmNetlink = 'unavailable';
  try {
    npmNetlink = (
      JSON.parse(read(join(peers, 'npm/node_modules/netlink/package.json'))) as { version: string }
    ).version;
  } catch {}
  return {
    kernel: release(),
    rmem_default: Number(read('/proc/sys/net/core/rmem_default')),
    rmem_max: Number(read('/proc/sys/net/core/rmem_max')),
    cpu: cpuModel,
    cpus: availableParallelism(),
    pinned_cpu: cpu === undefined ? 'none' : cpu,
    node: process.version,
    iproute2: run('ip', ['-V']).replace(/^ip utility, /, ''),
    // dpkg-query's own ${field} syntax, not a template literal.
    pyroute2: run('dpkg-query', ['-W', '-f', '$' + '{Version}', 'python3-pyroute2']),
    python: run('/usr/bin/python3', ['-c', 'import platform; print(platform.python_version())']),
    npm_netlink: npmNetlink,
    cc: run('cc', ['--version']).split('\n')[0] ?? 'unknown',
    addon_built: addonBuild(),
    load1_at_start: load1(),
  };
}
