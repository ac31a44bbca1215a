// Every finding for the node: the core's diagnosis of desired vs kernel, the configuration that did not
// parse, and in Kubernetes mode the core's Lease and announcing-annotation rules. Errors first, then
// warnings, then info; the order within a severity is the order the rules gave.
import {
  announcingFindings,
  diagnose,
  type Finding,
  leaseFindings,
  type NodeNetwork,
  type Ownership,
  PURELB_ADDRESS_PROTOCOL,
  type Severity,
} from '@purelb-ts/core';
import type { NodeDecision, SnapshotConfig } from '../node-decision.ts';
import type { ClusterState } from '../sources/source.ts';

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export const ownershipFor = (dummyInterface: string): Ownership => ({
  protocol: PURELB_ADDRESS_PROTOCOL,
  dummyInterface,
});

function configFindings(config: SnapshotConfig): Finding[] {
  return config.invalid.map((p) => ({
    code: 'invalid-config',
    severity: 'error',
    message: p.line,
    fix: `fix ${p.kind} ${p.name} at ${p.errors.map((e) => e.path).join(', ')} ("kubectl explain ${p.kind.toLowerCase()}.spec" lists the fields); until then the agent ignores it`,
  }));
}

export interface FindingsInput {
  node: string;
  mode: 'standalone' | 'kubernetes';
  state: ClusterState;
  network: NodeNetwork;
  config: SnapshotConfig;
  decision: NodeDecision;
}

export function collectFindings(input: FindingsInput): Finding[] {
  const { desired, membership } = input.decision;
  const all = [
    ...diagnose({ desired, network: input.network, ownership: ownershipFor(desired.dummyInterface) }),
    ...configFindings(input.config),
  ];
  if (input.mode === 'kubernetes') {
    if (membership !== undefined) all.push(...leaseFindings(input.node, membership));
    all.push(...announcingFindings(desired, input.state.services));
  }
  return all
    .map((f, i) => ({ f, i }))
    .sort((a, b) => RANK[a.f.severity] - RANK[b.f.severity] || a.i - b.i)
    .map((e) => e.f);
}
