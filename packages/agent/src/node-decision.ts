// From one snapshot of the cluster (or manifest file) and the node's network, what this node should
// carry: the objects checked one by one (a malformed one is left out, named), the configuration in
// force (each object judged alone: an invalid edit keeps its last valid version), the LBNodeAgent
// selected, the election members, the core's desired state and the warnings about the configuration.
// Pure (no I/O, no logging), so the reconciler and `purelb diagnose` decide alike.
import {
  advertisedSubnets,
  type ConfigMemory,
  carrierDownInterfaces,
  configWarnings,
  type DecisionMemo,
  type DesiredState,
  desiredState,
  type EffectiveConfig,
  type EndpointSlice,
  effectiveConfig,
  endpointSliceIssues,
  type Finding,
  type KubeNode,
  keepValid,
  type LBNodeAgentConfig,
  type Lease,
  type LocalAgentConfig,
  leaseIssues,
  liveMembers,
  type Member,
  type Membership,
  type MembershipClock,
  type NodeNetwork,
  type NodeService,
  nodeObjectIssues,
  nodesStandingAside,
  type Ownership,
  parseCidr,
  type RejectedObject,
  selectAgent,
  selectionLabels,
  serviceIssues,
  withDeadManLifetime,
} from '@purelb-ts/core';
import type { ClusterState } from './sources/source.ts';

/**
 * Standalone: this node is the only member. Kubernetes: the live Leases at `now`, judged by
 * `expiresAt` (the agent's LeaseObserver on its contact clock; absent: as written), among existing
 * `nodes` (absent: not checked), with this node's own standing from its own renewals (`self`).
 */
export type MembershipSource =
  | { standalone: true }
  | ({ standalone: false } & Omit<MembershipClock, 'self'> & {
        self?: { live: boolean; expiresAt: number };
      });

export interface NodeDecisionInput {
  node: string;
  state: ClusterState;
  network: NodeNetwork;
  membership: MembershipSource;
  ownership: Ownership;
  /** The previous decision's configuration memory (last valid versions); absent at start. */
  memory?: ConfigMemory;
  /** Addresses another host on the segment answered for (probe, DAD), by canonical IP. */
  conflicts?: ReadonlyMap<string, string>;
  /** Kubernetes mode: local addresses live at most this long unless renewed (core's deadManLifetime). */
  localLifetimeSeconds?: number;
  /**
   * The reconciler's: core's desiredState and configWarnings of the last run, reused while what they
   * read is unchanged (the objects of `state` are never mutated: the sources replace them).
   */
  memo?: DecisionMemo;
}

export interface NodeDecision {
  desired: DesiredState;
  /** The snapshot with every malformed object left out: what the rules read. */
  state: ClusterState;
  /** The objects left out, each with its field-path errors. */
  rejected: RejectedObject[];
  config: EffectiveConfig;
  /** Configuration accepted but probably not as meant (overlapping pools, unshared addresses...). */
  warnings: Finding[];
  nodeLabels: Record<string, string>;
  /** The LBNodeAgent's local section that applies to this node (undefined: none selects it). */
  local: LocalAgentConfig | undefined;
  /** What this node advertises in its Lease (core's advertisedSubnets). */
  subnets: string[];
  /** The interfaces its Lease names in purelb.io/carrier-down (core's carrierDownInterfaces). */
  carrierDown: string[];
  members: Member[];
  /** Kubernetes mode only: the Leases read, with those that make no member and why. */
  membership: Membership | undefined;
}

/** The node's labels; without a Node object (standalone), only the hostname label selectors usually use. */
export const nodeLabelsOf = (state: ClusterState, node: string): Record<string, string> =>
  selectionLabels(node, state.node);

/** The snapshot with each malformed Service, EndpointSlice, Lease (and Node) left out and named. */
export function checkedState(state: ClusterState): { state: ClusterState; rejected: RejectedObject[] } {
  const services = keepValid<NodeService>('Service', state.services, serviceIssues);
  const slices = keepValid<EndpointSlice>('EndpointSlice', state.endpointSlices, endpointSliceIssues);
  const leases = keepValid<Lease>('Lease', state.leases, leaseIssues);
  const node =
    state.node === undefined ? undefined : keepValid<KubeNode>('Node', [state.node], nodeObjectIssues);
  return {
    state: {
      ...state,
      services: services.valid,
      endpointSlices: slices.valid,
      leases: leases.valid,
      node: node?.valid[0],
    },
    rejected: [...services.rejected, ...slices.rejected, ...leases.rejected, ...(node?.rejected ?? [])],
  };
}

/** The configuration in force on this node (see core's effectiveConfig). */
export function nodeConfig(
  state: ClusterState,
  node: string,
  network: NodeNetwork | undefined,
  memory: ConfigMemory | undefined,
): EffectiveConfig {
  return effectiveConfig({
    serviceGroups: state.serviceGroups,
    lbNodeAgents: state.lbNodeAgents,
    nodeLabels: nodeLabelsOf(state, node),
    ...(network === undefined ? {} : { network }),
    ...(memory === undefined ? {} : { memory }),
  });
}

function members(
  input: NodeDecisionInput,
  state: ClusterState,
  subnets: string[],
  agents: readonly LBNodeAgentConfig[],
) {
  const cidrs = subnets.flatMap((s) => {
    const c = parseCidr(s);
    return typeof c === 'string' ? [] : [c];
  });
  const m = input.membership;
  if (m.standalone) {
    return {
      members: [{ node: input.node, subnets: cidrs, expiresAt: Number.POSITIVE_INFINITY }],
      membership: undefined,
    };
  }
  const { standalone: _, self, ...clock } = m;
  const membership = liveMembers(state.leases, {
    ...clock,
    ...(self === undefined ? {} : { self: { node: input.node, subnets: cidrs, ...self } }),
    standAside: nodesStandingAside(state.nodes, agents),
  });
  return { members: membership.members, membership };
}

/** Core's functions themselves, for a decision without a memo (diagnose, --once). */
const AFRESH = { desiredState, configWarnings };

export function decideNode(input: NodeDecisionInput): NodeDecision {
  const { node, network } = input;
  const { state, rejected } = checkedState(input.state);
  const config = nodeConfig(state, node, network, input.memory);
  const nodeLabels = nodeLabelsOf(state, node);
  const seconds = input.localLifetimeSeconds;
  const agents =
    seconds === undefined
      ? config.agents
      : config.agents.map((a) =>
          a.local === undefined ? a : { ...a, local: withDeadManLifetime(a.local, seconds) },
        );
  const agent = selectAgent(agents, nodeLabels);
  const local = agent?.local;
  const subnets = advertisedSubnets(network, local);
  const elected = members(input, state, subnets, agents);
  const decide: Pick<DecisionMemo, 'desiredState' | 'configWarnings'> = input.memo ?? AFRESH;
  const desired = decide.desiredState({
    node,
    nodeLabels,
    services: state.services,
    endpointSlices: state.endpointSlices,
    groups: config.groups,
    agents,
    members: elected.members,
    network,
    ownership: input.ownership,
    frozen: config.frozen,
    nodes: state.nodes,
    ...(input.conflicts === undefined ? {} : { conflicts: input.conflicts }),
  });
  const warnings = decide.configWarnings({
    groups: config.groups,
    services: state.services,
    network,
    ...(state.ignored === undefined ? {} : { ignored: state.ignored }),
    ...(agent?.local === undefined
      ? {}
      : { agent: { name: `${agent.namespace}/${agent.name}`, local: agent.local } }),
  });
  const carrierDown = carrierDownInterfaces(network, local);
  return { desired, state, rejected, config, warnings, nodeLabels, local, subnets, carrierDown, ...elected };
}
