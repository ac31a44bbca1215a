// From one read of the cluster, what every command looks at: the objects checked as the agent checks
// them, the configuration (core's effectiveConfig), the election members (core's liveMembers, each
// Lease judged by its written renewTime, as a one-shot reader must), and who the Services' announcing
// slots name. Pure: no I/O.
import {
  type AnnounceSlot,
  agentForNode,
  type EffectiveConfig,
  type EndpointSlice,
  effectiveConfig,
  type KubeNode,
  type LBNodeAgentConfig,
  liveMembers,
  type Member,
  type Membership,
  nodeIdentities,
  nodesStandingAside,
  type PreparedGroups,
  prepareGroups,
  SERVICE_NAME_LABEL,
  type Service,
  serviceKey,
  serviceSlots,
} from '@purelb-ts/core';
import { checkedState } from '../node-decision.ts';
import type { ClusterState } from '../sources/source.ts';
import type { ClusterRead } from './read.ts';

export interface ClusterView {
  from: string;
  now: number;
  /** The snapshot with every malformed Service, EndpointSlice and Lease left out. */
  state: ClusterState;
  config: EffectiveConfig;
  groups: PreparedGroups;
  membership: Membership;
  /** Live members by node name. */
  live: Map<string, Member>;
  /** Every node a Node object or a Lease names, sorted. */
  nodeNames: string[];
  nodesByName: Map<string, KubeNode>;
  /** The Services' announcing slots, by canonical IP: who says it announces the address. */
  slots: Map<string, { slot: AnnounceSlot; service: string }[]>;
  slicesByService: Map<string, EndpointSlice[]>;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function slotsByIP(services: readonly Service[]): ClusterView['slots'] {
  const out: ClusterView['slots'] = new Map();
  for (const svc of services) {
    for (const family of [4, 6] as const) {
      for (const slot of serviceSlots(svc, family)) {
        const list = out.get(slot.ip) ?? [];
        list.push({ slot, service: serviceKey(svc) });
        out.set(slot.ip, list);
      }
    }
  }
  return out;
}

function slicesOf(slices: readonly EndpointSlice[]): Map<string, EndpointSlice[]> {
  const out = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    const name = s.metadata.labels?.[SERVICE_NAME_LABEL];
    if (name === undefined) continue;
    const key = `${s.metadata.namespace ?? 'default'}/${name}`;
    out.set(key, [...(out.get(key) ?? []), s]);
  }
  return out;
}

/** The node a Lease is for, as liveMembers reads its name (purelb-node-<node>). */
const leaseNode = (name: string): string | undefined =>
  name.startsWith('purelb-node-') && name.length > 12 ? name.slice(12) : undefined;

export function buildView(read: ClusterRead): ClusterView {
  const { state } = checkedState({ ...read, node: undefined });
  // The groups do not depend on the node; each node's LBNodeAgent is chosen by agentOf below.
  const config = effectiveConfig({
    serviceGroups: state.serviceGroups,
    lbNodeAgents: state.lbNodeAgents,
    nodeLabels: {},
  });
  // Nodes standing aside (cordoned, excluded, ...) are no members, as every agent judges them.
  const membership = liveMembers(state.leases, {
    now: read.now,
    nodes: nodeIdentities(state.nodes),
    standAside: nodesStandingAside(state.nodes, config.agents),
  });
  const names = new Set(state.nodes.map((n) => n.metadata.name));
  for (const l of state.leases) {
    const node = leaseNode(l.metadata.name);
    if (node !== undefined) names.add(node);
  }
  return {
    from: read.from,
    now: read.now,
    state,
    config,
    groups: prepareGroups(config.groups),
    membership,
    live: new Map(membership.members.map((m) => [m.node, m])),
    nodeNames: [...names].sort(byText),
    nodesByName: new Map(state.nodes.map((n) => [n.metadata.name, n])),
    slots: slotsByIP(state.services),
    slicesByService: slicesOf(state.endpointSlices),
  };
}

/** The LBNodeAgent that selects `node` (core's selectAgent over its labels); undefined: none does. */
export function agentOf(view: ClusterView, node: string): LBNodeAgentConfig | undefined {
  const agent = agentForNode(view.config.agents, node, view.nodesByName.get(node));
  return agent?.local === undefined ? undefined : agent;
}

export const agentName = (a: LBNodeAgentConfig | undefined): string | null =>
  a === undefined ? null : `${a.namespace}/${a.name}`;

/** Bumped when a field changes meaning or goes away; new fields may appear without a bump. */
export const VIEW_SCHEMA = 'purelb.io/cluster-view/v1';

export const json = (doc: unknown): string => `${JSON.stringify(doc, null, 2)}\n`;
