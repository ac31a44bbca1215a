// What /proc says about a process: CPU time and memory; and when an agent or allocator is ready.
import { readFileSync } from 'node:fs';
import type { RunningCli } from '../test/support/agent-process.ts';

/** utime + stime of pid in clock ticks (fields 14 and 15 of /proc/PID/stat). */
export function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return Number(fields[11]) + Number(fields[12]);
}

/** A memory figure of /proc/PID/status in MB, one decimal. */
export function statusMB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (m === null) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Math.round((Number(m[1]) / 1024) * 10) / 10;
}

export interface Memory {
  rssMB: number;
  /** Peak RSS of the process's life so far. */
  hwmMB: number;
}

/** VmRSS and VmHWM of pid (no forced GC: what the kernel charges it now). */
export const memory = (pid: number): Memory => ({
  rssMB: statusMB(pid, 'VmRSS'),
  hwmMB: statusMB(pid, 'VmHWM'),
});

/** The port of a CLI's /metrics, /healthz and /readyz (started with --metrics-port 0), from its log. */
export function metricsPort(cli: RunningCli): number | undefined {
  // The agent says `serving /metrics, …`, the allocator `purelb allocator starting`.
  const port = cli.logs.find(
    (l) => l.msg.startsWith('serving /metrics') || l.msg === 'purelb allocator starting',
  )?.port;
  return typeof port === 'number' ? port : undefined;
}

/** Polls the CLI's /readyz until it answers 200 (the agent: first reconcile done; the allocator: caches filled). */
export async function ready(cli: RunningCli, timeoutMs: number): Promise<void> {
  await cli.until('its metrics port', () => metricsPort(cli) !== undefined, timeoutMs);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${metricsPort(cli)}/readyz`);
      await res.text();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (cli.child.exitCode !== null || cli.child.signalCode !== null)
      throw new Error(`exited before it was ready:\n${cli.stderr.slice(-4000)}`);
    if (Date.now() > deadline)
      throw new Error(`not ready after ${timeoutMs} ms:\n${cli.stderr.slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
