// One address of one Service, cluster-wide: its pool, who should announce it and why (core's election
// for a local pool, every selected node for a remote one, externalTrafficPolicy Local narrowing both to
// the nodes with a ready endpoint), who the announcing slots say does, and the handoff rule when the
// two differ. The rules are core's (groups.match, electWinner, nodesWithReadyEndpoints, handoffWaits);
// this file only asks them about every node at once instead of about one node.
import {
  electWinner,
  endpointElection,
  externalTrafficLocal,
  handoffWaits,
  type IngressIP,
  nodeAddresses,
  nodeAddressText,
  nodesWithReadyEndpoints,
  type Placement,
  readsEndpointNodes,
  type Service,
  serviceKey,
} from '@purelb-ts/core';
import { agentOf, type ClusterView } from './view.ts';

export interface PoolRef {
  group: string;
  type: 'local' | 'remote';
  range: string;
}

export interface Announcer {
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
  announcedBy: Announcer[];
  /** A live node other than the winner still holds the slot: the winner waits for it (handoff). */
  handoffFrom: string | null;
  why: string;
}

/** Nodes with a ready endpoint of `svc` when its externalTrafficPolicy is Local; null otherwise. */
export function endpointNodesOf(view: ClusterView, svc: Service): string[] | null {
  if (!externalTrafficLocal(svc)) return null;
  return readyNodes(view, svc);
}

const readyNodes = (view: ClusterView, svc: Service): string[] =>
  nodesWithReadyEndpoints(svc, view.slicesByService.get(serviceKey(svc)) ?? []).sort();

/**
 * Core's election for `ip` of `svc` among the live members without `drain`, shaped by its endpoints as
 * every agent's is (core's endpointElection: externalTrafficPolicy Local, node-affinity).
 */
export function electionFor(view: ClusterView, svc: Service, ip: string, drain?: string) {
  const members = [...view.live.values()].filter((m) => m.node !== drain);
  const { eligible, preferred } = readsEndpointNodes(svc) ? endpointElection(svc, readyNodes(view, svc)) : {};
  return electWinner(ip, members, eligible === undefined ? undefined : new Set(eligible), preferred);
}

/** Core's handoff rule: the live node, not the winner, whose slot still names the address. */
function handoffHolder(view: ClusterView, svc: Service, ip: IngressIP, winner: string): string | null {
  const placement = { ip: ip.ip, family: ip.parsed.family, kind: 'local', services: [serviceKey(svc)] };
  const verdict = handoffWaits({
    node: winner,
    placements: [placement as Placement],
    services: view.state.services,
    live: new Set(view.live.keys()),
    waitingSince: new Map(),
    now: 0,
    timeoutMs: Number.POSITIVE_INFINITY,
  });
  return verdict.waits.get(ip.ip)?.holder ?? null;
}

const base = (view: ClusterView, ip: IngressIP, svc: Service, pool: PoolRef | null) => ({
  ip: ip.ip,
  family: ip.parsed.family,
  pool,
  expected: [] as string[],
  winner: null as string | null,
  candidates: [] as string[],
  endpointNodes: endpointNodesOf(view, svc),
  announcedBy: (view.slots.get(ip.ip) ?? []).map(({ slot, service }) => ({
    node: slot.node,
    interface: slot.interface,
    service,
  })),
  handoffFrom: null as string | null,
});

function localAnswer(view: ClusterView, svc: Service, ip: IngressIP, pool: PoolRef, drain?: string) {
  const a = base(view, ip, svc, pool);
  const among = a.endpointNodes === null ? 'live node' : 'live node with a ready endpoint';
  const whose = a.endpointNodes === null ? 'live nodes' : 'live nodes with a ready endpoint';
  if (a.endpointNodes?.length === 0) {
    return {
      ...a,
      why: `externalTrafficPolicy is Local and no node hosts a ready endpoint of ${serviceKey(svc)}`,
    };
  }
  const { winner, candidates } = electionFor(view, svc, ip.ip, drain);
  if (winner === undefined) {
    return {
      ...a,
      why: `local pool of ServiceGroup ${pool.group}, but no ${among} advertises a subnet holding ${ip.ip}`,
    };
  }
  const holder = handoffHolder(view, svc, ip, winner);
  let why = `local pool of ServiceGroup ${pool.group}: ${winner} wins the election among ${candidates.length} candidate(s), the ${whose} whose subnets hold ${ip.ip}`;
  if (holder !== null)
    why += `; ${holder} still announces it with a live Lease: ${winner} takes it once ${holder} lets go (handoff)`;
  return { ...a, expected: [winner], winner, candidates, handoffFrom: holder, why };
}

function remoteAnswer(view: ClusterView, svc: Service, ip: IngressIP, pool: PoolRef, drain?: string) {
  const a = base(view, ip, svc, pool);
  const nodes = view.nodeNames.filter(
    (n) => n !== drain && agentOf(view, n) !== undefined && (a.endpointNodes?.includes(n) ?? true),
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
export function answerFor(view: ClusterView, svc: Service, ip: IngressIP, drain?: string): AddressAnswer {
  const owner = nodeAddresses(view.state.nodes).get(ip.ip);
  const found = view.groups.match(ip.parsed);
  const pool: PoolRef | null =
    found === undefined ? null : { group: found.group.name, type: found.group.type, range: found.pool.pool };
  if (owner !== undefined) {
    return {
      ...base(view, ip, svc, pool),
      why: `${ip.ip} is ${nodeAddressText(owner)}: PureLB never places a node's own address`,
    };
  }
  if (pool === null)
    return { ...base(view, ip, svc, pool), why: `${ip.ip} lies in no pool of any ServiceGroup` };
  return pool.type === 'local'
    ? localAnswer(view, svc, ip, pool, drain)
    : remoteAnswer(view, svc, ip, pool, drain);
}
