// What the Service conditions are decided against, from the allocator's caches: core's AnnounceContext
// (Node addresses, pools, live members, which nodes an LBNodeAgent selects, EndpointSlices) and the
// refusals the live nodes publish in their Leases (purelb.io/refused, core's parseRefused). The
// fingerprint names everything in it that is cluster-wide (not one Service's): when it changes, every
// Service's conditions are decided again.
import {
  ANNOTATION_REFUSED,
  agentForNode,
  type EndpointSlice,
  formatCidr,
  type KubeNode,
  type LBNodeAgentConfig,
  type Lease,
  type Member,
  NODE_LEASE_PREFIX,
  nodeAddresses,
  type PreparedGroups,
  parseRefused,
} from '@purelb-ts/core';
import type { ConditionWorld } from './conditions-pass.ts';
import type { NodeRefusal } from './service-conditions.ts';

export interface WorldInput {
  leases: readonly Lease[];
  /** The election's live members (standing-aside nodes left out). */
  members: readonly Member[];
  nodes: readonly KubeNode[];
  agents: readonly LBNodeAgentConfig[];
  groups: PreparedGroups;
  slices: (service: string) => readonly EndpointSlice[];
}

const leaseNode = (lease: Lease): string | undefined => {
  const name = lease.metadata.name;
  return name.startsWith(NODE_LEASE_PREFIX) && name.length > NODE_LEASE_PREFIX.length
    ? name.slice(NODE_LEASE_PREFIX.length)
    : undefined;
};

/** Every node a Node object or a PureLB Lease names, sorted. */
function nodeNames(i: WorldInput): string[] {
  const names = new Set(i.nodes.map((n) => n.metadata.name));
  for (const l of i.leases) {
    const node = leaseNode(l);
    if (node !== undefined) names.add(node);
  }
  return [...names].sort();
}

/** The LBNodeAgent (namespace/name) that applies to each node, or '' for none (core's selectAgent). */
function agentsByNode(i: WorldInput, names: readonly string[]): Map<string, string> {
  const byName = new Map(i.nodes.map((n) => [n.metadata.name, n]));
  const out = new Map<string, string>();
  for (const node of names) {
    const agent = agentForNode(i.agents, node, byName.get(node));
    out.set(node, agent === undefined ? '' : `${agent.namespace}/${agent.name}`);
  }
  return out;
}

/** The refused annotation of each live member's Lease, by node. */
function refusedByNode(i: WorldInput): Map<string, string> {
  const live = new Set(i.members.map((m) => m.node));
  const out = new Map<string, string>();
  for (const l of i.leases) {
    const node = leaseNode(l);
    const value = l.metadata.annotations?.[ANNOTATION_REFUSED];
    if (node !== undefined && live.has(node) && value !== undefined && value !== '') out.set(node, value);
  }
  return out;
}

export function conditionWorld(i: WorldInput): ConditionWorld {
  const names = nodeNames(i);
  const agents = agentsByNode(i, names);
  const refusals = new Map<string, NodeRefusal[]>();
  for (const [node, value] of refusedByNode(i)) {
    for (const refusal of parseRefused(value).refusals) {
      const list = refusals.get(refusal.ip) ?? [];
      list.push({ node, refusal });
      refusals.set(refusal.ip, list);
    }
  }
  return {
    ctx: {
      nodeAddresses: nodeAddresses(i.nodes),
      groups: i.groups,
      live: new Map(i.members.map((m) => [m.node, m])),
      nodeNames: names,
      selected: (node) => (agents.get(node) ?? '') !== '',
      slices: i.slices,
    },
    refusalsOf: (ip) => refusals.get(ip) ?? [],
  };
}

/** The cluster-wide inputs, as text: members and their subnets, refusals, each node's LBNodeAgent. */
export function worldFingerprint(i: WorldInput): string {
  const members = i.members.map((m) => `${m.node}=${m.subnets.map(formatCidr).join(',')}`).join(' ');
  const refused = [...refusedByNode(i)].map(([n, v]) => `${n}=${v}`).join(' ');
  const agents = [...agentsByNode(i, nodeNames(i))].map(([n, a]) => `${n}=${a}`).join(' ');
  return `${members}\n${refused}\n${agents}`;
}
