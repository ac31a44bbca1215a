// Every finding for the node: the core's diagnosis of desired vs kernel (including the harm PureLB's
// addresses could do to the node), the configuration that is invalid, the objects left out as
// malformed, the configuration warnings, and in Kubernetes mode the core's Lease and announcing-
// annotation rules. Errors first, then warnings, then info; within a severity, in the order given.
import {
  announcingFindings,
  diagnose,
  type Finding,
  type InvalidConfig,
  invalidConfigText,
  leaseFindings,
  type NodeNetwork,
  type Ownership,
  PURELB_ADDRESS_PROTOCOL,
  type RejectedObject,
  type RouteLookup,
  type Severity,
} from '@purelb-ts/core';
import type { NodeDecision } from '../node-decision.ts';

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** PureLB's proof of ownership on the kernel the diagnosis runs on (see reconciler). */
export const ownershipFor = (labelFallback = false): Ownership => ({
  protocol: PURELB_ADDRESS_PROTOCOL,
  labelFallback,
});

function configFinding(c: InvalidConfig): Finding {
  return {
    code: 'invalid-config',
    severity: 'error',
    message: invalidConfigText(c),
    fix: `fix ${c.kind} ${c.name} at ${c.errors.map((e) => e.path).join(', ')} ("kubectl explain ${c.kind.toLowerCase()}.spec" lists the fields)`,
  };
}

function rejectedFinding(r: RejectedObject): Finding {
  return {
    code: 'invalid-object',
    severity: 'error',
    ...(r.kind === 'Service' ? { service: r.name } : {}),
    message: `${r.kind} ${r.name} is malformed and left out (everything else is placed): ${r.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    fix: `correct ${r.issues.map((i) => i.path).join(', ')} of ${r.kind} ${r.name}`,
  };
}

export interface FindingsInput {
  node: string;
  mode: 'standalone' | 'kubernetes';
  network: NodeNetwork;
  decision: NodeDecision;
  ownership: Ownership;
  routeLookups: readonly RouteLookup[];
  /** Local addresses the segment could not be asked about, and why. */
  unprobed: readonly string[];
}

export function collectFindings(input: FindingsInput): Finding[] {
  const { desired, membership, config, state } = input.decision;
  const all = [
    ...diagnose({
      desired,
      network: input.network,
      ownership: input.ownership,
      groups: config.groups,
      routeLookups: input.routeLookups,
    }),
    ...config.invalid.map(configFinding),
    ...input.decision.rejected.map(rejectedFinding),
    ...input.decision.warnings,
    ...input.unprobed.map(
      (u): Finding => ({
        code: 'address-missing',
        severity: 'info',
        message: `could not ask the segment whether another host uses ${u}`,
        fix: 'run purelb diagnose with CAP_NET_RAW (the agent has it) to check for address conflicts',
      }),
    ),
  ];
  if (input.mode === 'kubernetes') {
    if (membership !== undefined) all.push(...leaseFindings(input.node, membership));
    all.push(...announcingFindings(desired, state.services));
  }
  return all
    .map((f, i) => ({ f, i }))
    .sort((a, b) => RANK[a.f.severity] - RANK[b.f.severity] || a.i - b.i)
    .map((e) => e.f);
}
