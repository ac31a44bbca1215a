// The harness side of the worker protocol (bench/workers/protocol.ts): one contender process
// started under `ip netns exec NS [taskset -c CPU] ...`, fed one command line at a time. Every
// command has a timeout; a worker that times out or dies is killed (by its own pid) and every
// later command to it fails at once, so one broken contender cannot stall the run.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface WorkerSpec {
  /** Column name in the report (ours, c_limit, pyroute2, ...). */
  name: string;
  argv: string[];
  /** false: never pinned, even when the run pins everyone else (`--cpu`). */
  pinned?: boolean;
}

export interface StartOptions {
  ns: string;
  /** CPU to pin to with taskset, or undefined for no pinning. */
  cpu?: number;
  /** Wrap the worker in a command (e.g. strace), placed inside the namespace. */
  wrap?: string[];
  startTimeoutMs?: number;
}

interface Waiter {
  resolve: (line: string) => void;
  reject: (err: Error) => void;
}

export class Worker {
  readonly name: string;
  private readonly child: ChildProcess;
  private readonly waiters: Waiter[] = [];
  private stderr = '';
  private dead: Error | undefined;

  private constructor(spec: WorkerSpec, options: StartOptions) {
    this.name = spec.name;
    const pin =
      options.cpu === undefined || spec.pinned === false ? [] : ['taskset', '-c', String(options.cpu)];
    const argv = ['netns', 'exec', options.ns, ...pin, ...(options.wrap ?? []), ...spec.argv];
    this.child = spawn('ip', argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr?.on('data', (b: Buffer) => {
      this.stderr = (this.stderr + b.toString()).slice(-4000);
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.waiters.shift()?.resolve(line));
    this.child.on('error', (err) => this.fail(err));
    this.child.on('exit', (code, signal) => this.fail(new Error(`${this.name} exited (${signal ?? code})`)));
  }

  /** Starts the worker and waits for its `ready` line. */
  static async start(spec: WorkerSpec, options: StartOptions): Promise<Worker> {
    const w = new Worker(spec, options);
    const line = await w.next(options.startTimeoutMs ?? 60_000, 'start');
    if (!line.startsWith('ready')) throw w.kill(new Error(`${spec.name}: expected "ready", got: ${line}`));
    return w;
  }

  /** Sends one command; resolves to the numbers after `ok`, rejects on `err`, timeout or death. */
  async request(command: string, timeoutMs: number): Promise<number[]> {
    if (this.dead) throw this.dead;
    this.child.stdin?.write(`${command}\n`);
    const line = await this.next(timeoutMs, command);
    if (line.startsWith('ok')) return line.split(/\s+/).slice(1).filter(Boolean).map(Number);
    throw new Error(`${this.name}: ${command}: ${line.replace(/^err\s*/, '')}`);
  }

  /** Closes stdin and waits (bounded) for the worker to exit. */
  async close(timeoutMs = 10_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin?.end();
    const timer = setTimeout(() => this.kill(new Error(`${this.name}: did not exit`)), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  /** What the worker said on stderr, shortened: the first error line if any, else the last line. */
  get stderrTail(): string {
    const lines = this.stderr
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const error = lines.find((l) => /^\w*(Error|Exception)\b|Error:|cannot |can't |no such /i.test(l));
    return (error ?? lines.at(-1) ?? '').slice(0, 300);
  }

  private next(timeoutMs: number, what: string): Promise<string> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.kill(new Error(`${this.name}: "${what}" timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push({
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
    });
  }

  private kill(err: Error): Error {
    this.fail(err);
    this.child.kill('SIGKILL');
    return err;
  }

  private fail(err: Error): void {
    if (!this.dead) {
      const tail = this.stderrTail;
      this.dead = tail ? new Error(`${err.message}; stderr: ${tail}`) : err;
    }
    for (const w of this.waiters.splice(0)) w.reject(this.dead);
  }
}
