// The nexthops phase of the benchmark: add then delete n nexthop objects (`ip nexthop add id I via
// 192.168.0.2 dev v0`, workers/nexthop-sequence.ts), every contender sending the same requests as `ip
// nexthop add id I via GW dev v0` / `ip nexthop del id I` (RTM_NEWNEXTHOP with
// REQUEST|ACK|CREATE|EXCL, NHA_ID, NHA_GATEWAY, NHA_OIF; RTM_DELNEXTHOP with NHA_ID). Ours sends
// those bytes exactly (the golden vectors nexthop-add-via-dev and nexthop-del). After every add `ip`
// counts the objects, after every delete it checks none is left. Only ours and `ip -batch` run it:
// npm netlink 0.3.0 knows the message numbers but has no nexthop call or attributes, and pyroute2
// 0.7.2's IPRoute has no nexthop call. There is no C limit row: c-limit.c sends address requests
// only.
import { execFileSync } from 'node:child_process';
import type { AddDeletePhase } from './add-delete-phase.ts';
import { num } from './report.ts';
import { nexthopAt } from './workers/nexthop-sequence.ts';

/** How many nexthop objects the namespace has (`ip nexthop show`: the phase's are the only ones). */
function sequenceObjects(ns: string): number {
  const out = execFileSync('ip', ['-n', ns, 'nexthop', 'show'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return out.split('\n').filter((line) => line.startsWith('id ')).length;
}

/** Removes whatever a failed contender left: every nexthop object (`ip nexthop flush`). */
function flushObjects(ns: string): void {
  execFileSync('ip', ['-n', ns, 'nexthop', 'flush'], { stdio: 'ignore' });
}

/** The nexthops phase, run, summarised and rendered by add-delete-phase.ts. */
export const NEXTHOPS_PHASE: AddDeletePhase = {
  name: 'nexthops',
  objects: 'nexthop objects',
  // The workers (by contender name) that take `nexthops add|del N IFINDEX`, and ip.
  contenders: ['ours', 'ours_seq', 'ip_batch'],
  labels: {
    ours: 'ours, nexthops.add/delete, batched (all issued at once)',
    ours_seq: 'ours, nexthops.add/delete, sequential (await each)',
    ip_batch: 'ip -batch (process wall time)',
  },
  title: (n) =>
    `Nexthop object add+delete, ${num(n)} objects (ip nexthop add id I via ${nexthopAt(0).gateway} dev v0 | del id I; ops/s counts adds and deletes)`,
  batchName: 'nexthop',
  batchLine: (op, i) => {
    const nh = nexthopAt(i);
    return op === 'add' ? `nexthop add id ${nh.id} via ${nh.gateway} dev v0` : `nexthop del id ${nh.id}`;
  },
  workerCommand: (op, n, ifindex) => `nexthops ${op} ${n} ${ifindex}`,
  count: sequenceObjects,
  flush: flushObjects,
};
