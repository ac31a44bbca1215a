// One address of one Service, cluster-wide: its pool, who should announce it and why (the election for
// a local pool, every selected node for a remote one, externalTrafficPolicy Local narrowing both to the
// nodes with a ready endpoint), who the announcing slots say does, and the handoff rule when the two
// differ. The one rule both readers of the whole cluster use: `purelb services` / `purelb election`
// (the cluster view) and the allocator's Service conditions. It only asks core's rules (groups.match,
// electWinner, endpointElection, handoffWaits) about every node at once instead of about one node.
import type { AnnounceSlot } from '../annotations.ts';
import type { Member } from '../election/members.ts';
import { electWinner, type WinnerResult } from '../election/winner.ts';
import { type EndpointSlice, type NodeService, serviceKey } from '../kube.ts';
import type { Placement } from '../model.ts';
import { type NodeAddress, nodeAddressText } from '../node-addresses.ts';
import { handoffWaits } from '../placement/handoff.ts';
import { nodesWithReadyEndpoints } from './endpoints.ts';
import type { PreparedGroups } from './group-for-ip.ts';
import type { IngressIP } from './ingress.ts';
import { endpointElection, externalTrafficLocal, readsEndpointNodes } from './sharing.ts';

/** What the rule reads of the cluster; each reader builds it from its own copy of the objects. */
export interface AnnounceContext {
  /** The Nodes' own addresses by canonical IP (core's nodeAddresses). */
  nodeAddresses: ReadonlyMap<string, NodeAddress>;
  groups: PreparedGroups;
  /** The election's live members (standing-aside nodes left out), by node name. */
  live: ReadonlyMap<string, Member>;
  /** Every node a Node object or a PureLB Lease names, sorted. */
  nodeNames: readonly string[];
  /** Whether an LBNodeAgent with spec.local applies to `node` (core's selectAgent). */
  selected: (node: string) => boolean;
  /** Who the Services' announcing slots name for a canonical IP. */
  slots: (ip: string) => readonly { slot: AnnounceSlot; service: string }[];
  /** The EndpointSlices of a Service, by its namespace/name key. */
  slices: (service: string) => readonly EndpointSlice[];
}

export interface PoolRef {
  group: string;
  type: 'local' | 'remote';
  range: string;
}

export interface SlotAnnouncer {
  node: string;
  interface: string;
  service: string;
}

export interface AddressAnswer {
  ip: string;
  family: 4 | 6;
  pool: PoolRef | null;
  /** Who should announce it: the elected node (local pool), every eligible node (remote), or none. */
  expected: string[];
  /** Local pool only: the election's winner and the candidates in election order (winner first). */
  winner: string | null;
  candidates: string[];
  /** externalTrafficPolicy Local: the nodes with a ready endpoint; null for Cluster. */
  endpointNodes: string[] | null;
  /** What the Services' purelb.io/announcing-IPv4/-IPv6 slots say. */
  announcedBy: SlotAnnouncer[];
  /** A live node other than the winner still holds the slot: the winner waits for it (handoff). */
  handoffFrom: string | null;
  why: string;
}

const readyNodes = (ctx: AnnounceContext, svc: NodeService): string[] =>
  nodesWithReadyEndpoints(svc, ctx.slices(serviceKey(svc))).sort();

/** Nodes with a ready endpoint of `svc` when its externalTrafficPolicy is Local; null otherwise. */
export function endpointNodesOf(ctx: AnnounceContext, svc: NodeService): string[] | null {
  return externalTrafficLocal(svc) ? readyNodes(ctx, svc) : null;
}

/**
 * The election for `ip` of `svc` among the live members without `drain`, shaped by its endpoints as
 * every agent's is (endpointElection: externalTrafficPolicy Local, node-affinity).
 */
export function electionFor(
  ctx: AnnounceContext,
  svc: NodeService,
  ip: string,
  drain?: string,
): WinnerResult {
  const members = [...ctx.live.values()].filter((m) => m.node !== drain);
  const { eligible, preferred } = readsEndpointNodes(svc) ? endpointElection(svc, readyNodes(ctx, svc)) : {};
  return electWinner(ip, members, eligible === undefined ? undefined : new Set(eligible), preferred);
}

/** The handoff rule: the live node, not the winner, whose slot still names the address. */
function handoffHolder(ctx: AnnounceContext, svc: NodeService, ip: IngressIP, winner: string): string | null {
  const placement = { ip: ip.ip, family: ip.parsed.family, kind: 'local', services: [serviceKey(svc)] };
  const verdict = handoffWaits({
    node: winner,
    placements: [placement as Placement],
    services: [svc],
    live: new Set(ctx.live.keys()),
    waitingSince: new Map(),
    now: 0,
    timeoutMs: Number.POSITIVE_INFINITY,
  });
  return verdict.waits.get(ip.ip)?.holder ?? null;
}

const base = (ctx: AnnounceContext, ip: IngressIP, svc: NodeService, pool: PoolRef | null) => ({
  ip: ip.ip,
  family: ip.parsed.family,
  pool,
  expected: [] as string[],
  winner: null as string | null,
  candidates: [] as string[],
  endpointNodes: endpointNodesOf(ctx, svc),
  announcedBy: ctx.slots(ip.ip).map(({ slot, service }) => ({
    node: slot.node,
    interface: slot.interface,
    service,
  })),
  handoffFrom: null as string | null,
});

function localAnswer(ctx: AnnounceContext, svc: NodeService, ip: IngressIP, pool: PoolRef, drain?: string) {
  const a = base(ctx, ip, svc, pool);
  const among = a.endpointNodes === null ? 'live node' : 'live node with a ready endpoint';
  const whose = a.endpointNodes === null ? 'live nodes' : 'live nodes with a ready endpoint';
  if (a.endpointNodes?.length === 0) {
    return {
      ...a,
      why: `externalTrafficPolicy is Local and no node hosts a ready endpoint of ${serviceKey(svc)}`,
    };
  }
  const { winner, candidates } = electionFor(ctx, svc, ip.ip, drain);
  if (winner === undefined) {
    return {
      ...a,
      why: `local pool of ServiceGroup ${pool.group}, but no ${among} advertises a subnet holding ${ip.ip}`,
    };
  }
  const holder = handoffHolder(ctx, svc, ip, winner);
  let why = `local pool of ServiceGroup ${pool.group}: ${winner} wins the election among ${candidates.length} candidate(s), the ${whose} whose subnets hold ${ip.ip}`;
  if (holder !== null)
    why += `; ${holder} still announces it with a live Lease: ${winner} takes it once ${holder} lets go (handoff)`;
  return { ...a, expected: [winner], winner, candidates, handoffFrom: holder, why };
}

function remoteAnswer(ctx: AnnounceContext, svc: NodeService, ip: IngressIP, pool: PoolRef, drain?: string) {
  const a = base(ctx, ip, svc, pool);
  const nodes = ctx.nodeNames.filter(
    (n) => n !== drain && ctx.selected(n) && (a.endpointNodes?.includes(n) ?? true),
  );
  const which =
    a.endpointNodes === null
      ? 'every node an LBNodeAgent selects'
      : 'every selected node with a ready endpoint';
  const why =
    nodes.length === 0
      ? `remote pool of ServiceGroup ${pool.group}, but no node is selected by an LBNodeAgent${a.endpointNodes === null ? '' : ' and hosts a ready endpoint'}`
      : `remote pool of ServiceGroup ${pool.group}: ${which} announces it on its dummy interface`;
  return { ...a, expected: nodes, why };
}

/** Who should announce `ip` of `svc` and why, or why nobody does; `drain`: as if that node were gone. */
export function answerFor(
  ctx: AnnounceContext,
  svc: NodeService,
  ip: IngressIP,
  drain?: string,
): AddressAnswer {
  const owner = ctx.nodeAddresses.get(ip.ip);
  const found = ctx.groups.match(ip.parsed);
  const pool: PoolRef | null =
    found === undefined ? null : { group: found.group.name, type: found.group.type, range: found.pool.pool };
  if (owner !== undefined) {
    return {
      ...base(ctx, ip, svc, pool),
      why: `${ip.ip} is ${nodeAddressText(owner)}: PureLB never places a node's own address`,
    };
  }
  if (pool === null)
    return { ...base(ctx, ip, svc, pool), why: `${ip.ip} lies in no pool of any ServiceGroup` };
  return pool.type === 'local'
    ? localAnswer(ctx, svc, ip, pool, drain)
    : remoteAnswer(ctx, svc, ip, pool, drain);
}
