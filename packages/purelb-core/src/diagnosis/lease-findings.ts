// Findings about this node's own election Lease (Kubernetes mode): without a live Lease purelb-node-<node>
// the node is no election member, so it wins no local address and its peers take them over.

import type { Membership } from '../election/members.ts';
import { NODE_LEASE_PREFIX } from '../election/members.ts';
import type { Finding } from './finding.ts';

export function leaseFindings(node: string, membership: Membership): Finding[] {
  if (membership.members.some((m) => m.node === node)) return [];
  const name = `${NODE_LEASE_PREFIX}${node}`;
  const ignored = membership.ignored.filter((i) => i.lease === name).map((i) => i.reason);
  const why =
    ignored.length > 0 ? `Lease ${name} does not count: ${ignored.join('; ')}` : `there is no Lease ${name}`;
  return [
    {
      code: 'lease-not-live',
      severity: 'error',
      message: `${why}: node ${node} is no election member, so it wins no local address (its peers announce them)`,
      expected: `Lease ${name} held by ${node}, renewed within its leaseDurationSeconds`,
      actual: ignored.length > 0 ? ignored.join('; ') : 'absent',
      fix: `check the lbnodeagent pod on ${node} runs and reaches the API server: its log says "lease" on every renewal failure`,
    },
  ];
}
