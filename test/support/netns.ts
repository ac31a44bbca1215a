// Throw-away network namespaces for tests that touch networking. Every namespace this module
// creates is named `plbt-<pid>-<n>` and deleted when its test ends, even on failure; at first use
// it removes leftovers of earlier runs whose process is gone. Nothing here touches the host's
// own interfaces, addresses or routes.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const NETNS_PREFIX = 'plbt-';
let counter = 0;
let swept = false;

export const isRoot = (): boolean => process.getuid?.() === 0;

/** Why networking tests cannot run here, or undefined when they can. */
export function netnsUnavailableReason(): string | undefined {
  if (!isRoot()) return 'needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN) to create network namespaces';
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'needs iproute2 (`ip`)';
  }
  return undefined;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Deletes `plbt-*` namespaces left by test processes that no longer exist. */
export function sweepLeftoverNamespaces(): void {
  const out = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  for (const line of out.split('\n')) {
    const name = line.split(' ')[0];
    if (!name?.startsWith(NETNS_PREFIX)) continue;
    const pid = Number(name.slice(NETNS_PREFIX.length).split('-')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !pidAlive(pid)) {
      execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
    }
  }
}

/** Runs a command inside the namespace (`ip netns exec`), returning stdout. Throws with stderr on failure. */
export function inNetns(ns: string, cmd: string, args: string[], input?: string): string {
  try {
    return execFileSync('ip', ['netns', 'exec', ns, cmd, ...args], {
      encoding: 'utf8',
      input,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`in netns ${ns}: ${cmd} ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`);
  }
}

/** `ip -n NS ...` */
export function ip(ns: string, ...args: string[]): string {
  return inNetns(ns, 'ip', args);
}

/** `ip -j -n NS ...` parsed. */
export function ipJson<T = unknown>(ns: string, ...args: string[]): T {
  const out = inNetns(ns, 'ip', ['-j', ...args]);
  return (out.trim() ? JSON.parse(out) : []) as T;
}

export function createNetns(): string {
  if (!swept) {
    sweepLeftoverNamespaces();
    swept = true;
  }
  const name = `${NETNS_PREFIX}${process.pid}-${counter++}`;
  execFileSync('ip', ['netns', 'add', name], { stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(name);
  ip(name, 'link', 'set', 'lo', 'up');
  return name;
}

export function deleteNetns(name: string): void {
  live.delete(name);
  if (existsSync(`/var/run/netns/${name}`)) {
    execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
  }
}

const live = new Set<string>();
process.on('exit', () => {
  for (const name of live) {
    try {
      execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
});

/** Creates a fresh namespace, runs fn in it, and deletes it afterwards whatever happens. */
export async function withNetns<T>(fn: (ns: string) => Promise<T> | T): Promise<T> {
  const ns = createNetns();
  try {
    return await fn(ns);
  } finally {
    deleteNetns(ns);
  }
}
