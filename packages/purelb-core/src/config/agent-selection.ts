// Which LBNodeAgent applies to a node (upstream precedence): among agents whose selector matches,
// specific selectors beat catch-alls, then namespace/name order; the first with `.local` wins.

import type { KubeNode } from '../kube.ts';
import { isCatchAll, matchesSelector } from './label-selector.ts';
import type { LBNodeAgentConfig } from './types.ts';

const keyOf = (a: LBNodeAgentConfig): string => `${a.namespace}/${a.name}`;

export function selectAgent(
  agents: readonly LBNodeAgentConfig[],
  nodeLabels: Record<string, string>,
): LBNodeAgentConfig | undefined {
  const ranked = agents
    .filter((a) => matchesSelector(a.nodeSelector, nodeLabels))
    .sort((a, b) => {
      const ca = isCatchAll(a.nodeSelector) ? 1 : 0;
      const cb = isCatchAll(b.nodeSelector) ? 1 : 0;
      if (ca !== cb) return ca - cb;
      return keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0;
    });
  return ranked.find((a) => a.local !== undefined);
}

/**
 * The labels a node's LBNodeAgent is chosen by: its Node object's, or without one (standalone, a Lease
 * whose Node is not known) only the hostname label that selectors usually use.
 */
export const selectionLabels = (node: string, object?: Pick<KubeNode, 'metadata'>): Record<string, string> =>
  object?.metadata.labels ?? { 'kubernetes.io/hostname': node };

/** The LBNodeAgent that applies to `node`, given its Node object when there is one. */
export const agentForNode = (
  agents: readonly LBNodeAgentConfig[],
  node: string,
  object?: Pick<KubeNode, 'metadata'>,
): LBNodeAgentConfig | undefined => selectAgent(agents, selectionLabels(node, object));
