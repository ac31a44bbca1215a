// Builders shared by the election tests.
import type { LocalAgentConfig } from '../../src/config/types.ts';

const lifetimes = { validLifetime: 300, preferredLifetime: 300, noPrefixRoute: true };

/** An LBNodeAgent spec.local as the config parser would return it. */
export function agentLocal(overrides: {
  localInterface?: string;
  interfaces?: string[];
  dummyInterface?: string;
}): LocalAgentConfig {
  const pattern = overrides.localInterface ?? 'default';
  return {
    localInterface: pattern === 'default' ? 'default' : { pattern, regex: new RegExp(pattern) },
    dummyInterface: overrides.dummyInterface ?? 'kube-lb0',
    interfaces: overrides.interfaces ?? [],
    garp: undefined,
    avoidCordonedNodes: true,
    addressConfig: {
      localInterface: lifetimes,
      dummyInterface: { validLifetime: Infinity, preferredLifetime: Infinity, noPrefixRoute: false },
    },
  };
}
