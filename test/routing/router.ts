// The router's side of the routing test: the router namespace (a host on the nodes' segment) made their
// gateway 172.30.250.1 and forwarding, a client namespace behind it on 198.51.100.0/24, and readers of
// what the router learned (BIRD's table, per peer) and installed (its kernel table, with next hops).
import { inNetns, ip, ipJson } from '../support/netns.ts';
import { ROUTER_IP } from './bird-config.ts';

export const CLIENT_IP = '198.51.100.2';
const CLIENT_GW = '198.51.100.1';

/**
 * Turns `router`, a host on the segment, into the nodes' gateway (their default route is via
 * ROUTER_IP), forwarding between them and `client`, which it wires to itself by a veth. Only these two
 * test namespaces change (ip_forward is the router namespace's own).
 */
export function wireRouter(router: string, client: string): void {
  ip(router, 'route', 'del', 'default');
  ip(router, 'addr', 'add', `${ROUTER_IP}/24`, 'dev', 'enp1s0');
  inNetns(router, 'sh', ['-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward']);
  ip(router, 'link', 'add', 'cl0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', client);
  ip(router, 'addr', 'add', `${CLIENT_GW}/24`, 'dev', 'cl0');
  ip(router, 'link', 'set', 'cl0', 'up');
  ip(client, 'addr', 'add', `${CLIENT_IP}/24`, 'dev', 'eth0');
  ip(client, 'link', 'set', 'eth0', 'up');
  ip(client, 'route', 'add', 'default', 'via', CLIENT_GW, 'dev', 'eth0');
}

interface RouteJson {
  dst: string;
  gateway?: string;
  nexthops?: { gateway?: string }[];
}

/** The router's kernel routes that BIRD installed: prefix (always with its length) → sorted next hops. */
export function kernelRoutes(router: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of ipJson<RouteJson[]>(router, 'route', 'show', 'proto', 'bird')) {
    const dst = r.dst === 'default' ? '0.0.0.0/0' : r.dst.includes('/') ? r.dst : `${r.dst}/32`;
    const hops = r.nexthops?.map((h) => h.gateway ?? '?') ?? [r.gateway ?? '?'];
    out.set(dst, hops.sort());
  }
  return out;
}

/**
 * `birdc show route` parsed: every prefix in BIRD's table → the protocols (BGP sessions) it came from.
 * Lines are "PREFIX  unicast [PROTO time] ..." or, for more routes to the same prefix, "  unicast [PROTO ...".
 */
export function birdRoutes(showRoute: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let net = '';
  for (const line of showRoute.split('\n')) {
    const m = /^(\d+\.\d+\.\d+\.\d+\/\d+)?\s+\w+ \[(\w+)/.exec(line);
    if (m === null) continue;
    net = m[1] ?? net;
    out.set(net, [...(out.get(net) ?? []), m[2] as string].sort());
  }
  return out;
}

/** Polls `check` (every 100 ms) until it returns true; throws with `explain()` after `ms`. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  ms: number,
  explain: () => string | Promise<string>,
): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms)
      throw new Error(`gave up after ${ms} ms waiting for ${what}\n${await explain()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - start;
}
