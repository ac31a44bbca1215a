// From one snapshot of the cluster (or manifest file) and the node's network, what this node should
// carry: the configuration parsed, the LBNodeAgent selected, the election members, and the core's
// desired state. Pure (no I/O, no logging), so the reconciler and `purelb diagnose` decide alike.
import {
  advertisedSubnets,
  type CustomResource,
  type DesiredState,
  desiredState,
  type LBNodeAgentConfig,
  type LocalAgentConfig,
  liveMembers,
  type Member,
  type Membership,
  type NodeNetwork,
  parseCidr,
  parseLBNodeAgent,
  parseServiceGroup,
  type ServiceGroupConfig,
  selectAgent,
  serviceKey,
} from '@purelb-ts/core';
import type { ClusterState } from './sources/source.ts';

/** A ServiceGroup or LBNodeAgent that did not parse: ignored, and reported with its field paths. */
export interface ConfigProblem {
  kind: 'ServiceGroup' | 'LBNodeAgent';
  /** "namespace/name" */
  name: string;
  errors: { path: string; value: unknown; message: string }[];
  /** "path: message; path: message" */
  reason: string;
  /** "ServiceGroup ns/name is invalid and ignored: path: message; ..." */
  line: string;
  /** The object as read (its uid and resourceVersion address an event to it). */
  object: CustomResource;
}

export interface SnapshotConfig {
  groups: ServiceGroupConfig[];
  agents: LBNodeAgentConfig[];
  invalid: ConfigProblem[];
}

export function parseSnapshotConfig(state: ClusterState): SnapshotConfig {
  const out: SnapshotConfig = { groups: [], agents: [], invalid: [] };
  const problem = (kind: ConfigProblem['kind'], object: CustomResource, errors: ConfigProblem['errors']) => {
    const name = serviceKey(object);
    const reason = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    out.invalid.push({
      kind,
      name,
      errors,
      reason,
      line: `${kind} ${name} is invalid and ignored: ${reason}`,
      object,
    });
  };
  for (const sg of state.serviceGroups) {
    const r = parseServiceGroup(sg);
    if (r.ok) out.groups.push(r.value);
    else problem('ServiceGroup', sg, r.errors);
  }
  for (const a of state.lbNodeAgents) {
    const r = parseLBNodeAgent(a);
    if (r.ok) out.agents.push(r.value);
    else problem('LBNodeAgent', a, r.errors);
  }
  return out;
}

/** Standalone: this node is the only member. Kubernetes: the live Leases at `now`. */
export type MembershipSource = { standalone: true } | { standalone: false; now: number };

export interface NodeDecisionInput {
  node: string;
  state: ClusterState;
  network: NodeNetwork;
  config: SnapshotConfig;
  membership: MembershipSource;
}

export interface NodeDecision {
  desired: DesiredState;
  nodeLabels: Record<string, string>;
  /** The LBNodeAgent's local section that applies to this node (undefined: none selects it). */
  local: LocalAgentConfig | undefined;
  /** What this node advertises in its Lease (core's advertisedSubnets). */
  subnets: string[];
  members: Member[];
  /** Kubernetes mode only: the Leases read, with those that make no member and why. */
  membership: Membership | undefined;
}

/** The node's labels; without a Node object (standalone), only the hostname label selectors usually use. */
export const nodeLabelsOf = (state: ClusterState, node: string): Record<string, string> =>
  state.node?.metadata.labels ?? { 'kubernetes.io/hostname': node };

export function decideNode(input: NodeDecisionInput): NodeDecision {
  const { node, state, network, config } = input;
  const nodeLabels = nodeLabelsOf(state, node);
  const local = selectAgent(config.agents, nodeLabels)?.local;
  const subnets = advertisedSubnets(network, local);
  let members: Member[];
  let membership: Membership | undefined;
  if (input.membership.standalone) {
    const cidrs = subnets.flatMap((s) => {
      const c = parseCidr(s);
      return typeof c === 'string' ? [] : [c];
    });
    members = [{ node, subnets: cidrs, expiresAt: Number.POSITIVE_INFINITY }];
  } else {
    membership = liveMembers(state.leases, input.membership.now);
    members = membership.members;
  }
  const desired = desiredState({
    node,
    nodeLabels,
    services: state.services,
    endpointSlices: state.endpointSlices,
    groups: config.groups,
    agents: config.agents,
    members,
    network,
  });
  return { desired, nodeLabels, local, subnets, members, membership };
}
