// The `netns` option of Netlink.open: a name under /var/run/netns (what `ip netns add` creates),
// a namespace file path, or an fd the caller already holds. Checked here, before any socket exists.
import type { NetnsTarget } from '../native/binding.ts';

export type NetnsOption = string | { path: string } | { fd: number };

/** The directory `ip netns add NAME` bind-mounts namespaces into. */
export const NETNS_RUN_DIR = '/var/run/netns';

export function netnsTarget(netns: NetnsOption | undefined): NetnsTarget | undefined {
  if (netns === undefined) return undefined;
  if (typeof netns === 'string') {
    if (netns === '' || netns === '.' || netns === '..' || netns.includes('/') || netns.includes('\0')) {
      throw new TypeError(
        `netns name must be a plain name (as \`ip netns\` lists it), got ${JSON.stringify(netns)}`,
      );
    }
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
