// One holder at a time where both holders are alive. When the election moves a local address between
// two live nodes (a node rejoins, regains its subnet, or a Service's endpoints move), both act on the
// same Leases but each at its own pace: a new winner that adds at once holds the address beside the
// old one until the old one's agent sees the change and withdraws (tens of ms; seconds under load).
// So the new winner takes it only once no other live node announces it: the Service's
// purelb.io/announcing slot still naming another node whose Lease is live means that node has not let
// go yet (an agent withdraws the address first, then removes its slot). A slot naming a node whose
// Lease lapsed counts for nothing: that node is dead or cut off, and the kernel drops its copy on its
// own (dead-man.ts). A holder that never lets go (its agent confused, its writes failing) holds the
// address up only for `timeoutMs`: after that the address is claimed as a first claim, which asks the
// segment first (probe) and stays back if the old holder still answers.

import { type NodeService, serviceKey } from '../kube.ts';
import type { Placement } from '../model.ts';
import { serviceSlots } from '../services/announcing-slots.ts';

export interface HandoffInput {
  node: string;
  /** The local placements this node's election won. */
  placements: readonly Placement[];
  services: readonly NodeService[];
  /** Nodes whose Lease is live now (the election's members). */
  live: ReadonlySet<string>;
  /** When this node began waiting for each address it still waits for (ms, the `now` clock). */
  waitingSince: ReadonlyMap<string, number>;
  now: number;
  timeoutMs: number;
}

export interface HandoffWait {
  ip: string;
  /** The live node whose slot still names the address. */
  holder: string;
  since: number;
  /** When the wait gives up (since + timeoutMs). */
  until: number;
}

export interface HandoffVerdict {
  /** Addresses this node must not hold yet (withdrawn if it does), by IP. */
  waits: Map<string, HandoffWait>;
  /** Addresses whose holder kept them past the timeout: take them as first claims (probed). */
  overdue: Map<string, HandoffWait>;
}

/** The live node other than `node` whose slot names the placement's address on one of its Services. */
function liveHolder(
  p: Placement,
  byKey: ReadonlyMap<string, NodeService>,
  node: string,
  live: ReadonlySet<string>,
): string | undefined {
  for (const key of p.services) {
    const svc = byKey.get(key);
    const slot = svc === undefined ? undefined : serviceSlots(svc, p.family).find((s) => s.ip === p.ip);
    if (slot !== undefined && slot.node !== node && live.has(slot.node)) return slot.node;
  }
  return undefined;
}

/** Which of this node's local placements it may take now, and which wait for their holder to let go. */
export function handoffWaits(input: HandoffInput): HandoffVerdict {
  const byKey = new Map(input.services.map((s) => [serviceKey(s), s]));
  const verdict: HandoffVerdict = { waits: new Map(), overdue: new Map() };
  for (const p of input.placements) {
    if (p.kind !== 'local') continue;
    const holder = liveHolder(p, byKey, input.node, input.live);
    if (holder === undefined) continue;
    const since = input.waitingSince.get(p.ip) ?? input.now;
    const wait = { ip: p.ip, holder, since, until: since + input.timeoutMs };
    if (input.now < wait.until) verdict.waits.set(p.ip, wait);
    else verdict.overdue.set(p.ip, wait);
  }
  return verdict;
}
