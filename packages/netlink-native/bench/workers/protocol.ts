// The line protocol between the benchmark harness and each contender process (bench/harness.ts
// drives it; bench/c-limit.c and bench/peers/pyroute2_worker.py speak it too). The worker prints
// `ready <name>` once set up, then answers each command line, in order, with `ok <numbers...>`
// or `err <text>`. Setup happens before `ready`, so process start-up is never inside a timing.
import { createInterface } from 'node:readline';

/** Runs one command; resolves to the numbers of the `ok` line (times in ns first). */
export type Handler = (args: string[]) => Promise<Array<number | bigint>>;

export function serve(name: string, handlers: Record<string, Handler>): void {
  const rl = createInterface({ input: process.stdin, terminal: false });
  let queue = Promise.resolve();
  rl.on('line', (line) => {
    queue = queue.then(() => answer(handlers, line));
  });
  rl.on('close', () => {
    queue.then(() => process.exit(0));
  });
  process.stdout.write(`ready ${name}\n`);
}

async function answer(handlers: Record<string, Handler>, line: string): Promise<void> {
  const [op, ...args] = line.trim().split(/\s+/);
  const handler = op === undefined ? undefined : handlers[op];
  try {
    if (!handler) throw new Error(`unknown command: ${line}`);
    const values = await handler(args);
    process.stdout.write(`ok ${values.join(' ')}\n`);
  } catch (err) {
    const text = err instanceof Error ? `${err.message}` : String(err);
    process.stdout.write(`err ${text.replace(/\s+/g, ' ')}\n`);
  }
}

export const elapsedSince = (t0: bigint): bigint => process.hrtime.bigint() - t0;

/**
 * Runs a timed phase: [wall ns, CPU ns]. CPU time is the whole process's (every thread, user and
 * system) and does not grow while the process sleeps, e.g. waiting for rtnl_lock held by someone
 * else, so it still compares contenders when the machine is busy.
 */
export async function measured(phase: () => Promise<unknown>): Promise<[bigint, number]> {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await phase();
  const wall = elapsedSince(t0);
  const cpu = process.cpuUsage(cpu0);
  return [wall, (cpu.user + cpu.system) * 1000];
}

/** Parses a positive integer argument, naming it when it is missing or wrong. */
export function intArg(args: string[], index: number, what: string): number {
  const v = Number(args[index]);
  if (!Number.isInteger(v) || v < 0)
    throw new Error(`${what} must be a non-negative integer, got ${args[index]}`);
  return v;
}

/** Runs `task(i)` for i in [0, count) with at most `window` in flight; rejects on the first failure. */
export async function windowed(count: number, window: number, task: (i: number) => Promise<unknown>) {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, count) }, lane));
}
