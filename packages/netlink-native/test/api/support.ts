// Shared by the root integration tests: a fresh namespace per test with a handle open in it, and
// the `ip -j` readers every result is checked against. The namespace is deleted whatever happens.

import assert from 'node:assert/strict';
import { ip, ipJson, netnsUnavailableReason, withNetns } from '../../../../test/support/netns.ts';
import { Netlink, type OpenOptions } from '../../src/index.ts';

export { ip, ipJson, netnsUnavailableReason };

/** node:test options: skipped (with the reason) only where namespaces cannot be created. */
export const needsNetns = { skip: netnsUnavailableReason() ?? false };

export async function withHandle<T>(
  fn: (nl: Netlink, ns: string) => Promise<T>,
  options: Omit<OpenOptions, 'netns'> = {},
): Promise<T> {
  return withNetns(async (ns) => {
    const nl = await Netlink.open({ ...options, netns: ns });
    try {
      return await fn(nl, ns);
    } finally {
      nl.close();
    }
  });
}

export interface IpAddrInfo {
  family: 'inet' | 'inet6';
  local: string;
  prefixlen: number;
  broadcast?: string;
  scope: string;
  label?: string;
  secondary?: boolean;
  noprefixroute?: boolean;
  nodad?: boolean;
  dynamic?: boolean;
  valid_life_time: number;
  preferred_life_time: number;
  protocol?: string;
}

export interface IpLink {
  ifindex: number;
  ifname: string;
  flags: string[];
  operstate: string;
  address?: string;
  link?: string;
  linkinfo?: { info_kind?: string };
  addr_info?: IpAddrInfo[];
}

export interface IpRoute {
  type?: string;
  dst: string;
  gateway?: string;
  dev?: string;
  table?: string;
  protocol?: string;
  scope?: string;
  prefsrc?: string;
  metric?: number;
  flags: string[];
  nexthops?: { gateway: string; dev: string; weight: number }[];
}

/** One entry of `ip -j neigh show`. */
export interface IpNeighbour {
  dst: string;
  dev: string;
  lladdr?: string;
  state?: string[];
  router?: null;
  proxy?: null;
  extern_learn?: null;
  managed?: null;
  protocol?: string;
}

/** `ip -j addr show dev X` → that link's addresses. */
export function ipAddresses(ns: string, dev: string): IpAddrInfo[] {
  return ipJson<IpLink[]>(ns, 'addr', 'show', 'dev', dev)[0]?.addr_info ?? [];
}

/** `ip -j -d link show` → every link with details. */
export function ipLinks(ns: string): IpLink[] {
  return ipJson<IpLink[]>(ns, '-d', 'link', 'show');
}

/** `ip -j [-6] route show ARGS`. */
export function ipRoutes(ns: string, ...args: string[]): IpRoute[] {
  const family = args[0] === '-6' || args[0] === '-4' ? [args.shift() as string] : [];
  return ipJson<IpRoute[]>(ns, ...family, 'route', 'show', ...args);
}

/** A veth pair v0/v1, both up, with IPv6 DAD off so addresses are usable at once. */
export function vethPair(ns: string, a = 'v0', b = 'v1'): void {
  ip(ns, 'link', 'add', a, 'type', 'veth', 'peer', 'name', b);
  ip(ns, 'link', 'set', a, 'up');
  ip(ns, 'link', 'set', b, 'up');
}

/** {@link vethPair}, then 10.0.0.1/24 and 2001:db8::1/64 (no DAD) on v0 and 10.0.1.1/24 on v1. */
export function addressedVethPair(ns: string): void {
  vethPair(ns);
  ip(ns, 'address', 'add', '10.0.0.1/24', 'dev', 'v0');
  ip(ns, 'address', 'add', '10.0.1.1/24', 'dev', 'v1');
  ip(ns, '-6', 'address', 'add', '2001:db8::1/64', 'dev', 'v0', 'nodad');
}

/** For each [options, expected] of `bad`, `call(options)` rejects as `expected` says; the options name a failure. */
export async function rejectsEach<O>(
  call: (options: O) => Promise<unknown>,
  bad: [options: O, expected: ErrorConstructor | RegExp][],
): Promise<void> {
  for (const [options, expected] of bad)
    await assert.rejects(call(options), expected, JSON.stringify(options));
}
