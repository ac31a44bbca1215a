// Which LBNodeAgent applies to a node (upstream precedence): among agents whose selector matches,
// specific selectors beat catch-alls, then namespace/name order; the first with `.local` wins.
import { isCatchAll, matchesSelector } from './label-selector.ts';
import type { LBNodeAgentConfig } from './types.ts';

const keyOf = (a: LBNodeAgentConfig): string => `${a.namespace}/${a.name}`;

export function selectAgent(
  agents: LBNodeAgentConfig[],
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
