// Network namespaces by name. The `netns` option of Netlink.open: a name under /var/run/netns
// (what `ip netns add` creates), a namespace file path, or an fd the caller already holds, checked
// here before any socket exists. And createNetns / deleteNetns, which do what `ip netns add` /
// `ip netns del` do, so the names they make and remove are the ones `ip netns` lists.
import createDebug from 'debug';
import { NetlinkError } from '../errors.ts';
import type { NativeBinding, NetnsTarget } from '../native/binding.ts';

const debug = createDebug('netlink:netns');

/** Which namespace a handle's socket is opened in: a name as `ip netns` lists it, a namespace file, or an open fd. */
export type NetnsOption =
  | string
  | {
      /** A namespace file: /var/run/netns/NAME, /proc/PID/ns/net, … */
      path: string;
    }
  | {
      /** An already-open namespace fd; the caller keeps ownership (the library never closes it). */
      fd: number;
    };

/** The directory `ip netns add NAME` bind-mounts namespaces into. */
export const NETNS_RUN_DIR = '/var/run/netns';

/** The longest name a directory entry can have (NAME_MAX), in UTF-8 bytes. */
const NAME_MAX = 255;

/**
 * Throws unless `name` is a namespace name as iproute2 accepts it: one path component (no `/`, not
 * `.` or `..`, no NUL) of 1 to 255 bytes. A TypeError for the shape, a RangeError for the length.
 */
export function checkNetnsName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name === '' || name === '.' || name === '..' || /[/\0]/.test(name)) {
    throw new TypeError(
      `netns name must be a plain name (as \`ip netns\` lists it), got ${JSON.stringify(name)}`,
    );
  }
  const bytes = Buffer.byteLength(name);
  if (bytes > NAME_MAX) {
    throw new RangeError(`netns name must be at most ${NAME_MAX} bytes, got ${bytes}`);
  }
}

/** The native target for a `netns` option, or undefined for the caller's own namespace. */
export function netnsTarget(netns: NetnsOption | undefined): NetnsTarget | undefined {
  if (netns === undefined) return undefined;
  if (typeof netns === 'string') {
    checkNetnsName(netns);
    return { path: `${NETNS_RUN_DIR}/${netns}` };
  }
  if (typeof netns === 'object' && netns !== null) {
    if ('path' in netns) {
      if (typeof netns.path !== 'string' || netns.path === '') {
        throw new TypeError(`netns path must be a non-empty string, got ${JSON.stringify(netns.path)}`);
      }
      return { path: netns.path };
    }
    if ('fd' in netns) {
      if (!Number.isInteger(netns.fd) || netns.fd < 0) {
        throw new TypeError(`netns fd must be a non-negative integer, got ${String(netns.fd)}`);
      }
      return { fd: netns.fd };
    }
  }
  throw new TypeError(`netns must be a name, { path } or { fd }, got ${JSON.stringify(netns)}`);
}

/** How the namespace shows up in traces. */
export function describeNetns(target: NetnsTarget | undefined): string {
  if (target === undefined) return 'current netns';
  return target.path ?? `netns fd ${target.fd}`;
}

/** Options of {@link createNetns} and {@link deleteNetns}. */
export interface NetnsFileOptions {
  /**
   * The directory the namespace file lives in. Default `/var/run/netns`, where `ip netns` and
   * `Netlink.open({ netns: name })` look; another one is opened with `{ netns: { path } }`.
   */
  runDir?: string;
  /** The addon to use instead of the real one (tests). */
  binding?: Pick<NativeBinding, 'createNetns' | 'deleteNetns'>;
}

type NetnsCall = 'createNetns' | 'deleteNetns';

async function runNetnsCall(call: NetnsCall, name: string, options: NetnsFileOptions): Promise<string> {
  checkNetnsName(name);
  const dir = options.runDir ?? NETNS_RUN_DIR;
  if (typeof dir !== 'string' || dir === '' || dir.includes('\0')) {
    throw new TypeError(`runDir must be a directory path, got ${JSON.stringify(dir)}`);
  }
  const binding = options.binding ?? (await import('../native/load.ts')).native;
  const operation = `netns ${call === 'createNetns' ? 'add' : 'del'} ${name}`;
  try {
    await binding[call]({ dir, name });
  } catch (err) {
    const e = err as { errno?: unknown; syscall?: unknown };
    if (typeof e.errno !== 'number') throw err;
    debug('%s failed: %s', operation, (err as Error).message);
    throw new NetlinkError({ errno: e.errno, operation, detail: String(e.syscall ?? '') || undefined });
  }
  debug('%s in %s', operation, dir);
  return `${dir}/${name}`;
}

/**
 * Creates a named network namespace, as `ip netns add NAME` does: the run directory is made a
 * shared mount point, the file `runDir/NAME` is created and a new namespace (only `lo`, down) is
 * bind-mounted on it. The namespace is made on a thread of its own, so no thread of the process
 * (JS or libuv) ever changes namespace. Resolves with the file's path once `ip netns list` shows
 * the name and `Netlink.open({ netns: NAME })` can enter it.
 *
 * Rejects with a `NetlinkError`: `EEXIST` if the name is taken, `EPERM` without `CAP_SYS_ADMIN`;
 * an invalid name is a `TypeError` (or a `RangeError` past 255 bytes) before anything is touched.
 */
export function createNetns(name: string, options: NetnsFileOptions = {}): Promise<string> {
  return runNetnsCall('createNetns', name, options);
}

/**
 * Deletes a named network namespace, as `ip netns del NAME` does: the bind mount is detached and
 * the file removed. The namespace itself lives on while a process is inside it or holds an fd
 * (an open `Netlink` handle's socket included). Rejects with a `NetlinkError`: `ENOENT` if there is
 * no such name, `EPERM` without `CAP_SYS_ADMIN`.
 */
export async function deleteNetns(name: string, options: NetnsFileOptions = {}): Promise<void> {
  await runNetnsCall('deleteNetns', name, options);
}
