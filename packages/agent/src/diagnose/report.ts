// The whole diagnosis of one node as data: what `-o json` prints as is, and the table lays out.
import { type Finding, type NodeNetwork, type Severity, summarise } from '@purelb-ts/core';
import { decideNode, parseSnapshotConfig } from '../node-decision.ts';
import type { ClusterState } from '../sources/source.ts';
import { collectFindings } from './findings.ts';
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
}

export function buildReport(input: ReportInput): Report {
  const { node, mode, state, network } = input;
  const config = parseSnapshotConfig(state);
  const decision = decideNode({
    node,
    state,
    network,
    config,
    membership: mode === 'standalone' ? { standalone: true } : { standalone: false, now: input.now },
  });
  const findings = collectFindings({ node, mode, state, network, config, decision });
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
      annotatedServices: mode === 'kubernetes' ? state.services : [],
    }),
    findings: findings.map(reportFinding),
  };
}
