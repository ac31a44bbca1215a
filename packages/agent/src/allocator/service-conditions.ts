// The two conditions the allocator keeps in status.conditions of each LoadBalancer Service it serves,
// so `kubectl get svc -o yaml` says what PureLB did and why:
//   purelb.io/Allocated  True: its addresses, ServiceGroup and pool; False: the allocation's refusal.
//   purelb.io/Announced  True: which node(s) and interface announce each address; False: why not,
//                        from core's answerFor (no live node in the subnet, no ready endpoint, no
//                        LBNodeAgent, a node's own address...) and from the refusals the expected nodes
//                        publish in their Leases (purelb.io/refused: ambiguous default route, no carrier,
//                        address conflict...), which beat an announcing slot.
// Pure: the caller supplies core's AnnounceContext and the refusals. Conditions follow metav1.Condition
// (reason CamelCase; lastTransitionTime changes only when status does).
import {
  type AddressAnswer,
  ANNOTATION_ALLOCATED_FROM,
  ANNOTATION_POOL_TYPE,
  type AnnounceContext,
  answerFor,
  ingressIPs,
  notAnnounceableReason,
  type Refusal,
  refusalSentence,
  type Service,
} from '@purelb-ts/core';

export const CONDITION_ALLOCATED = 'purelb.io/Allocated';
export const CONDITION_ANNOUNCED = 'purelb.io/Announced';
export const CONDITION_TYPES = [CONDITION_ALLOCATED, CONDITION_ANNOUNCED] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

export interface ServiceCondition {
  type: ConditionType;
  status: 'True' | 'False';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

/** A condition as decided, before its times are set. */
export type Verdict = Pick<ServiceCondition, 'status' | 'reason' | 'message'>;

/** The last refusal of a Service's allocation (core's AllocationFailure code and message). */
export interface AllocationRefusal {
  reason: string;
  message: string;
}

/** A node's refusal of one address, from its Lease. */
export interface NodeRefusal {
  node: string;
  refusal: Refusal;
}

/** Nodes named in a message at most; the rest are counted. */
const MAX_NAMED = 10;

/** kebab-case (core's codes) to a condition reason: no-live-node → NoLiveNode. */
export const camel = (code: string): string =>
  code
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('') || 'Unknown';

const named = (nodes: readonly string[]): string =>
  nodes.length <= MAX_NAMED
    ? nodes.join(', ')
    : `${nodes.slice(0, MAX_NAMED).join(', ')} and ${nodes.length - MAX_NAMED} more`;

/** purelb.io/Allocated from the Service as written and the last refusal of its allocation, if any. */
export function allocatedVerdict(
  svc: Service,
  refusal: AllocationRefusal | undefined,
  ctx: Pick<AnnounceContext, 'groups'>,
): Verdict {
  const { ips } = ingressIPs(svc);
  const held = ips.length === 0 ? 'it holds no address' : `it keeps ${ips.map((i) => i.ip).join(', ')}`;
  if (refusal !== undefined) {
    return { status: 'False', reason: camel(refusal.reason), message: `${refusal.message} (${held})` };
  }
  if (ips.length === 0) {
    return { status: 'False', reason: 'Pending', message: 'no address allocated yet' };
  }
  const group = svc.metadata.annotations?.[ANNOTATION_ALLOCATED_FROM] ?? 'unknown';
  const type = svc.metadata.annotations?.[ANNOTATION_POOL_TYPE] ?? 'unknown';
  const each = ips.map((i) => {
    const pool = ctx.groups.match(i.parsed)?.pool.pool;
    return pool === undefined ? i.ip : `${i.ip} (pool ${pool})`;
  });
  return {
    status: 'True',
    reason: 'Allocated',
    message: `${each.join(', ')} from ServiceGroup ${group} (${type})`,
  };
}

interface AddressVerdict {
  ok: boolean;
  reason: string;
  text: string;
}

/** Why nobody is expected to announce the address (core's answer gives the sentence). */
function nobodyReason(a: AddressAnswer, isNodeAddress: boolean): string {
  if (a.pool === null) return 'NotInPool';
  if (isNodeAddress) return 'NodeAddress';
  if (a.endpointNodes !== null && a.endpointNodes.length === 0) return 'NoReadyEndpoint';
  return a.pool.type === 'local' ? 'NoLiveNode' : 'NoLBNodeAgent';
}

function localVerdict(
  a: AddressAnswer,
  refused: readonly NodeRefusal[],
  live: (n: string) => boolean,
): AddressVerdict {
  const winner = a.winner as string;
  const own = refused.find((r) => r.node === winner);
  if (own !== undefined) {
    return { ok: false, reason: camel(own.refusal.code), text: refusalSentence(winner, own.refusal) };
  }
  const by = a.announcedBy.filter((s) => live(s.node));
  if (by.length === 0) {
    const text = `${a.ip}: ${winner} wins the election (local pool of ServiceGroup ${a.pool?.group}) but has not announced it yet`;
    return { ok: false, reason: 'NotYetAnnounced', text };
  }
  const where = [...new Set(by.map((s) => `${s.node} on ${s.interface}`))].join(', ');
  const handoff = a.handoffFrom === null ? '' : ` (handing over to ${winner})`;
  return { ok: true, reason: 'Announced', text: `${a.ip} by ${where}${handoff}` };
}

function remoteVerdict(a: AddressAnswer, refused: readonly NodeRefusal[]): AddressVerdict {
  const refusing = new Set(refused.map((r) => r.node));
  const nodes = a.expected.filter((n) => !refusing.has(n));
  const refusals = refused.map((r) => refusalSentence(r.node, r.refusal));
  if (nodes.length === 0) {
    const first = refused[0]?.refusal.code ?? 'refused';
    return { ok: false, reason: camel(first), text: refusals.join('; ') };
  }
  const whose = a.endpointNodes === null ? 'node' : 'node with a ready endpoint';
  const text = `${a.ip} on the dummy interface of every ${whose} an LBNodeAgent selects (${nodes.length}: ${named(nodes)})`;
  return {
    ok: true,
    reason: 'Announced',
    text: refusals.length === 0 ? text : `${text}; ${refusals.join('; ')}`,
  };
}

/** One address: announced (by whom), or the reason it is not. */
function addressVerdict(
  a: AddressAnswer,
  refusals: readonly NodeRefusal[],
  ctx: AnnounceContext,
): AddressVerdict {
  const isNodeAddress = ctx.nodeAddresses.has(a.ip);
  if (a.pool === null || isNodeAddress || a.expected.length === 0) {
    return { ok: false, reason: nobodyReason(a, isNodeAddress), text: a.why };
  }
  // Only the nodes expected to announce it matter: another node refusing it changes nothing.
  const refused = refusals.filter((r) => a.expected.includes(r.node));
  return a.pool.type === 'local'
    ? localVerdict(a, refused, (n) => ctx.live.has(n))
    : remoteVerdict(a, refused);
}

/** purelb.io/Announced: every address announced (True), else the first address's reason (False). */
export function announcedVerdict(
  svc: Service,
  ctx: AnnounceContext,
  refusalsOf: (ip: string) => readonly NodeRefusal[],
  defaultAnnouncer: boolean,
): Verdict {
  const { ips } = ingressIPs(svc);
  if (ips.length === 0) return { status: 'False', reason: 'NotAllocated', message: 'no address to announce' };
  const why = notAnnounceableReason(svc, defaultAnnouncer);
  if (why !== undefined) return { status: 'False', reason: 'NotAnnounceable', message: why };
  const verdicts = ips.map((ip) => addressVerdict(answerFor(ctx, svc, ip), refusalsOf(ip.ip), ctx));
  const failed = verdicts.find((v) => !v.ok);
  const message = verdicts.map((v) => v.text).join('; ');
  return failed === undefined
    ? { status: 'True', reason: 'Announced', message }
    : { status: 'False', reason: failed.reason, message };
}
