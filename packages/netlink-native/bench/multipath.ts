// The multipath phase of the benchmark: add then delete n IPv4 /32 routes of two weighted hops each
// (`ip route add 172.16.x.y/32 nexthop via 192.168.0.2 dev v0 nexthop via 192.168.0.3 dev v0 weight
// 2`, then `ip route del 172.16.x.y/32`; workers/multipath-sequence.ts). Ours sends exactly
// iproute2's bytes for both (the golden vectors route-add-multipath and route-del-v4-dst: RTA_DST,
// RTA_MULTIPATH with one rtnexthop and RTA_GATEWAY per hop; the delete RTA_DST alone, scope
// NOWHERE). pyroute2 sends the same route with RTA_TABLE added. npm netlink 0.3.0 takes
// RTA_MULTIPATH only as a Buffer the caller encodes itself, so it has no row; nor has the C limit
// (address requests only). After every add `ip` counts the routes, after every delete it checks none
// is left.
import { execFileSync } from 'node:child_process';
import type { AddDeletePhase } from './add-delete-phase.ts';
import { num } from './report.ts';
import { MULTIPATH_HOPS, multipathRouteAt } from './workers/multipath-sequence.ts';

const hopsText = MULTIPATH_HOPS.map(
  (h) => `nexthop via ${h.gateway} dev v0${h.weight === 1 ? '' : ` weight ${h.weight}`}`,
).join(' ');

/** How many of the sequence's routes the main table has (`ip route show 172.16.0.0/12` lists them). */
function sequenceRoutes(ns: string): number {
  const out = execFileSync('ip', ['-n', ns, '-4', 'route', 'show', 'root', '172.16.0.0/12'], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return out.split('\n').filter((line) => line.startsWith('172.')).length;
}

/** Removes whatever a failed contender left: every route of the sequence's range. */
function flushRoutes(ns: string): void {
  execFileSync('ip', ['-n', ns, '-4', 'route', 'flush', 'root', '172.16.0.0/12'], { stdio: 'ignore' });
}

/** The multipath phase, run, summarised and rendered by add-delete-phase.ts. */
export const MULTIPATH_PHASE: AddDeletePhase = {
  name: 'multipath',
  objects: 'multipath routes',
  // The workers (by contender name) that take `multipath add|del N IFINDEX`, and ip.
  contenders: ['ours', 'ours_seq', 'ip_batch', 'pyroute2'],
  labels: {
    ours: 'ours, routes.add/delete, batched (all issued at once)',
    ours_seq: 'ours, routes.add/delete, sequential (await each)',
    ip_batch: 'ip -batch (process wall time)',
    pyroute2: 'pyroute2 0.7.2, IPRoute.route() (also sends RTA_TABLE)',
  },
  title: (n) =>
    `Multipath route add+delete, ${num(n)} routes (ip route add 172.16.x.y/32 ${hopsText} | del 172.16.x.y/32; ops/s counts adds and deletes)`,
  batchName: 'multipath',
  batchLine: (op, i) => {
    const dst = `${multipathRouteAt(i)}/32`;
    return op === 'add' ? `route add ${dst} ${hopsText}` : `route del ${dst}`;
  },
  workerCommand: (op, n, ifindex) => `multipath ${op} ${n} ${ifindex}`,
  count: sequenceRoutes,
  flush: flushRoutes,
};
