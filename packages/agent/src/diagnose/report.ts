// The whole diagnosis of one node as data: what `-o json` prints as is, and the table lays out.
import {
  type Finding,
  type NodeNetwork,
  nodeIdentities,
  type RouteLookup,
  type Severity,
  summarise,
} from '@purelb-ts/core';
import { decideNode, type NodeDecision } from '../node-decision.ts';
import type { ClusterState } from '../sources/source.ts';
import { collectFindings, ownershipFor } from './findings.ts';
import { type FamilyRoutes, familyRoutes } from './routes.ts';
import { type AddressRow, buildRows } from './rows.ts';

/** Bumped when a field changes meaning or goes away; new fields may appear without a bump. */
export const REPORT_SCHEMA = 'purelb.io/diagnose/v1';

export interface Report {
  schema: typeof REPORT_SCHEMA;
  node: string;
  /** Where the expectations came from: "standalone FILE" or "kubernetes SERVER namespace NS". */
  source: string;
  netns: string | null;
  /** The LBNodeAgent that applies to this node ("namespace/name"), or null when none selects it. */
  agent: string | null;
  dummyInterface: string;
  verdict: 'healthy' | 'findings';
  exitCode: 0 | 1;
  counts: Record<Severity, number>;
  routes: { ipv4: FamilyRoutes; ipv6: FamilyRoutes };
  rows: AddressRow[];
  findings: ReportFinding[];
}

/** A finding with every key present (null when it does not apply), so scripts need no existence checks. */
export interface ReportFinding {
  code: Finding['code'];
  severity: Severity;
  service: string | null;
  ip: string | null;
  link: string | null;
  message: string;
  expected: string | null;
  actual: string | null;
  fix: string;
}

const reportFinding = (f: Finding): ReportFinding => ({
  code: f.code,
  severity: f.severity,
  service: f.service ?? null,
  ip: f.ip ?? null,
  link: f.link ?? null,
  message: f.message,
  expected: f.expected ?? null,
  actual: f.actual ?? null,
  fix: f.fix,
});

export interface ReportInput {
  node: string;
  mode: 'standalone' | 'kubernetes';
  source: string;
  netns: string | undefined;
  state: ClusterState;
  network: NodeNetwork;
  /** Milliseconds since the epoch: Leases are judged live at this instant. */
  now: number;
  /** Kernels < 6.3 drop IFA_PROTO: PureLB's IPv4 label then proves ownership. */
  labelFallback?: boolean;
  /** Addresses another host on the segment answered for (the diagnosis probes the missing local ones). */
  conflicts?: ReadonlyMap<string, string>;
  routeLookups?: readonly RouteLookup[];
  /** Local addresses the segment could not be asked about, and why. */
  unprobed?: readonly string[];
}

/** What the agent would decide here, as `purelb diagnose` sees it (no memory: as at the agent's start). */
export function decideForReport(input: ReportInput): NodeDecision {
  return decideNode({
    node: input.node,
    state: input.state,
    network: input.network,
    membership:
      input.mode === 'standalone'
        ? { standalone: true }
        : {
            standalone: false,
            now: input.now,
            // Without a Node list (an older reader, a test) every Lease's node is taken to exist.
            ...(input.state.nodes.length === 0 ? {} : { nodes: nodeIdentities(input.state.nodes) }),
          },
    ownership: ownershipFor(input.labelFallback),
    ...(input.conflicts === undefined ? {} : { conflicts: input.conflicts }),
  });
}

export function buildReport(input: ReportInput): Report {
  const { node, mode, network } = input;
  const decision = decideForReport(input);
  const findings = collectFindings({
    node,
    mode,
    network,
    decision,
    ownership: ownershipFor(input.labelFallback),
    routeLookups: input.routeLookups ?? [],
    unprobed: input.unprobed ?? [],
  });
  const { desired } = decision;
  const summary = summarise(findings);
  return {
    schema: REPORT_SCHEMA,
    node,
    source: input.source,
    netns: input.netns ?? null,
    agent: desired.agent ?? null,
    dummyInterface: desired.dummyInterface,
    verdict: summary.verdict,
    exitCode: summary.exitCode,
    counts: summary.counts,
    routes: familyRoutes(desired, network),
    rows: buildRows({
      desired,
      network,
      findings,
      annotatedServices: mode === 'kubernetes' ? decision.state.services : [],
      ownership: ownershipFor(input.labelFallback),
    }),
    findings: findings.map(reportFinding),
  };
}
