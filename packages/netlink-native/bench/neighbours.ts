// The neighbours phase of the benchmark: add then delete n permanent IPv4 neighbour entries on v0
// (`10.200.x.y lladdr 02:00:00:00:x:y`, workers/neighbour-sequence.ts), every contender sending
// the same requests as `ip neigh add|del ADDR lladdr MAC dev v0 nud permanent` (RTM_NEWNEIGH with
// REQUEST|ACK|CREATE|EXCL, NDA_DST then NDA_LLADDR; the delete RTM_DELNEIGH with NDA_DST). Ours
// sends those bytes exactly (the golden vectors neigh-add-v4-permanent and neigh-del). After every
// add `ip` counts the entries, after every delete it checks none is left. Permanent entries do not
// count towards the neighbour table's gc_thresh3 (1,024 by default), so 10k fit. There is no C
// limit row: c-limit.c sends address requests only.
import { execFileSync } from 'node:child_process';
import type { AddDeletePhase } from './add-delete-phase.ts';
import { num } from './report.ts';
import { neighbourAt } from './workers/neighbour-sequence.ts';

/** How many entries of the sequence (10.200.0.0/16) the namespace has on v0. */
function sequenceEntries(ns: string): number {
  const out = execFileSync('ip', ['-n', ns, '-4', 'neigh', 'show', 'dev', 'v0', 'nud', 'all'], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return out.split('\n').filter((line) => line.startsWith('10.200.')).length;
}

/** Removes whatever a failed contender left: every entry of the sequence's /16. */
function flushEntries(ns: string): void {
  execFileSync('ip', ['-n', ns, '-4', 'neigh', 'flush', 'dev', 'v0', 'to', '10.200.0.0/16', 'nud', 'all'], {
    stdio: 'ignore',
  });
}

/** The neighbours phase, run, summarised and rendered by add-delete-phase.ts. */
export const NEIGHBOURS_PHASE: AddDeletePhase = {
  name: 'neighbours',
  objects: 'entries',
  // The workers (by contender name) that take `neigh add|del N IFINDEX`, and ip.
  contenders: ['ours', 'ours_seq', 'ip_batch', 'pyroute2', 'npm_netlink', 'npm_netlink_window'],
  labels: {
    ours: 'ours, neighbours.add/delete, batched (all issued at once)',
    ours_seq: 'ours, neighbours.add/delete, sequential (await each)',
    ip_batch: 'ip -batch (process wall time)',
    pyroute2: 'pyroute2 0.7.2, IPRoute.neigh()',
    npm_netlink: 'npm netlink 0.3.0, newNeighbor/delNeighbor, sequential',
    npm_netlink_window: 'npm netlink 0.3.0, newNeighbor/delNeighbor, window 256',
  },
  title: (n) =>
    `IPv4 neighbour add+delete, ${num(n)} permanent entries (ip neigh add|del 10.200.x.y lladdr MAC dev v0; ops/s counts adds and deletes)`,
  batchName: 'neigh',
  batchLine: (op, i) => {
    const e = neighbourAt(i);
    return op === 'add'
      ? `neigh add ${e.address} lladdr ${e.lladdr} dev v0 nud permanent`
      : `neigh del ${e.address} dev v0`;
  },
  workerCommand: (op, n, ifindex) => `neigh ${op} ${n} ${ifindex}`,
  count: sequenceEntries,
  flush: flushEntries,
};
