// What reading `ip` output (text or JSON) into a NodeNetwork shares: the error that names the line, the
// defaults the kernel reports for what ip leaves unsaid, and interface names turned into indexes.
import type { Family } from './ip.ts';
import type { Link, Route } from './objects.ts';
import { RT_SCOPE_UNIVERSE, RT_TABLE_MAIN, RTN, RTPROT_BOOT } from './route-words.ts';

/** `ip` output that could not be read: which input, which line (1-based), and what was not understood. */
export class IpOutputError extends Error {
  readonly input: string;
  readonly line: number;
  constructor(input: string, line: number, text: string, what: string) {
    super(`${input} line ${line}: ${what}: ${JSON.stringify(text.trim())}`);
    this.name = 'IpOutputError';
    this.input = input;
    this.line = line;
  }
}

/** Seconds as ip prints them ("forever", "3367sec"; JSON: 4294967295 is forever). */
export function lifetime(value: string | number): number | undefined {
  if (value === 'forever' || value === 0xffffffff) return Number.POSITIVE_INFINITY;
  if (typeof value === 'number') return value;
  const m = /^(\d+)(?:sec)?$/.exec(value);
  return m ? Number(m[1]) : undefined;
}

/**
 * A main-table route with what ip leaves out when it is the kernel's default: unicast, protocol boot,
 * scope universe, no flags; IPv6 routes always carry a router preference (medium).
 */
export const bareRoute = (family: Family): Route => ({
  family,
  dstLength: 0,
  srcLength: 0,
  table: RT_TABLE_MAIN,
  protocol: RTPROT_BOOT,
  scope: RT_SCOPE_UNIVERSE,
  type: RTN.unicast,
  flags: 0,
  pref: family === 6 ? 0 : undefined,
});

/** "10.0.0.0/8", "172.30.250.1" (a host: full length) or "default", as destination and prefix length. */
export function prefix(
  text: string,
): { family: Family; address: string | undefined; length: number } | undefined {
  if (text === 'default') return { family: 4, address: undefined, length: 0 };
  const [address, len] = text.split('/');
  if (address === undefined || !/^[0-9a-f.:]+$/i.test(address) || !/[.:]/.test(address)) return undefined;
  const family: Family = address.includes(':') ? 6 : 4;
  const length = len === undefined ? (family === 4 ? 32 : 128) : Number(len);
  if (!Number.isInteger(length) || length < 0 || length > (family === 4 ? 32 : 128)) return undefined;
  // "default" of IPv6 is printed as "default" too; "::/0" and "0.0.0.0/0" mean the same.
  return { family, address: length === 0 ? undefined : address, length };
}

/** Interface names to indexes, from the links read. */
export function indexByName(links: readonly Link[]): (name: string) => number | undefined {
  const byName = new Map(links.map((l) => [l.name, l.index]));
  return (name) => byName.get(name);
}

/**
 * Addresses in the kernel's dump order: `ip` groups them by interface, a netlink dump of all families
 * gives every IPv4 address before the IPv6 ones (each family in interface order).
 */
export const inDumpOrder = <T extends { family: Family }>(addresses: T[]): T[] =>
  [...addresses].sort((a, b) => a.family - b.family);

/** The index of the interface a route names, or the error: every route's dev is in the addr output. */
export function interfaceIndex(
  name: string,
  indexOf: (name: string) => number | undefined,
  fail: (what: string) => Error,
): number {
  const index = indexOf(name);
  if (index === undefined) throw fail(`dev ${name} is not an interface of the ip addr output`);
  return index;
}
