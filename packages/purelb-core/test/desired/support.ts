// Inputs for desiredState around the seed node purelb2-1.
import type { DesiredInput } from '../../src/desired/types.ts';
import type { Member } from '../../src/election/index.ts';
import { parseCidr } from '../../src/net/cidr.ts';
import { seedNode } from '../fixtures/seed-node.ts';
import { agent, seedGroups } from './builders.ts';

export const NODE = 'purelb2-1';

export function member(node: string, ...subnets: string[]): Member {
  return {
    node,
    subnets: subnets.map((s) => {
      const c = parseCidr(s);
      if (typeof c === 'string') throw new Error(c);
      return c;
    }),
    expiresAt: Date.parse('2026-11-26T03:00:00Z'),
  };
}

/** The seed node, the seed's groups, the default agent, and this node alone as a live member. */
export function seedInput(overrides: Partial<DesiredInput> = {}): DesiredInput {
  return {
    node: NODE,
    nodeLabels: { 'kubernetes.io/hostname': NODE },
    services: [],
    endpointSlices: [],
    groups: seedGroups(),
    agents: [agent('default')],
    members: [member(NODE, '172.30.250.0/24', '2001:db8:1::/64')],
    network: seedNode(),
    ...overrides,
  };
}
