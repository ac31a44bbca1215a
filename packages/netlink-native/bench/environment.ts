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
  const path = resolve(import.meta.dirname, '../../../build/Release/netlink_native.node');
  try {
    const sanitized = readFileSync(path).includes('__asan_init');
    return `${statSync(path).mtime.toISOString()}${sanitized ? ' (ASAN BUILD: slow)' : ''}`;
  } catch {
    return 'missing';
  }
}

/** Load average over the last minute: other work on the machine skews every number. */
export const load1 = (): number => Math.round(loadavg()[0]! * 100) / 100;

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
