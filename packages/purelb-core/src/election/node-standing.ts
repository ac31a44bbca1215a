// Nodes that are alive but stand aside from local elections: the cluster says they should carry no
// external traffic, or are being drained. Each agent reads every Node, so all decide alike; a node
// that stands aside is no member (liveMembers' standAside), so it wins no local address and its own
// agent withdraws the ones it holds while its pods are still there to serve the handover.
import { agentForNode } from '../config/agent-selection.ts';
import type { LBNodeAgentConfig } from '../config/types.ts';
import type { KubeNode } from '../kube.ts';

/** Kubernetes' label for nodes a load balancer must not send traffic to (any value). */
export const LABEL_EXCLUDE_FROM_LB = 'node.kubernetes.io/exclude-from-external-load-balancers';
/** The taint of a node declared out of service (non-graceful node shutdown). */
export const TAINT_OUT_OF_SERVICE = 'node.kubernetes.io/out-of-service';

export interface StandingPolicy {
  /** Cordoned nodes (spec.unschedulable, as `kubectl cordon` / `drain` leave them) stand aside. */
  avoidCordoned: boolean;
}

/** Why `node` stands aside from local elections, or undefined when it takes part. */
export function standsAside(node: KubeNode, policy: StandingPolicy): string | undefined {
  if (Object.hasOwn(node.metadata.labels ?? {}, LABEL_EXCLUDE_FROM_LB)) {
    return `labelled ${LABEL_EXCLUDE_FROM_LB}`;
  }
  const taints = Array.isArray(node.spec?.taints) ? node.spec.taints : [];
  if (taints.some((t) => t?.key === TAINT_OUT_OF_SERVICE)) return `tainted ${TAINT_OUT_OF_SERVICE}`;
  const conditions = Array.isArray(node.status?.conditions) ? node.status.conditions : [];
  if (conditions.some((c) => c?.type === 'NetworkUnavailable' && c.status === 'True')) {
    return 'its NetworkUnavailable condition is True';
  }
  if (policy.avoidCordoned && node.spec?.unschedulable === true) {
    return 'cordoned (spec.unschedulable; LBNodeAgent spec.local.avoidCordonedNodes)';
  }
  return undefined;
}

/**
 * Node name → why it stands aside, for every node that does. Each node is judged by the policy of the
 * LBNodeAgent that selects it (spec.local.avoidCordonedNodes, default true), so every agent, and the
 * cluster view, judge a node alike whatever LBNodeAgent selects themselves.
 */
export function nodesStandingAside(
  nodes: readonly KubeNode[],
  agents: readonly LBNodeAgentConfig[],
): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of nodes) {
    const avoidCordoned = agentForNode(agents, n.metadata.name, n)?.local?.avoidCordonedNodes ?? true;
    const why = standsAside(n, { avoidCordoned });
    if (why !== undefined) out.set(n.metadata.name, why);
  }
  return out;
}
