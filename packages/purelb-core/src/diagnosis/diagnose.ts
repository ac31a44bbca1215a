// From what this node should carry and what it holds, the problems an operator can act on.
import type { ServiceGroupConfig } from '../config/types.ts';
import type { DesiredState, NodeNetwork, Ownership } from '../model.ts';
import { checkPlacements, formatIssue } from '../plan/placement-check.ts';
import { addressFindings } from './address-findings.ts';
import { dummyFindings } from './dummy-findings.ts';
import { type Finding, oneLine, SEVERITY_RANK } from './finding.ts';
import { type RouteLookup, safetyFindings } from './node-safety-findings.ts';
import { routeFindings } from './route-findings.ts';
import { skipFindings } from './skip-findings.ts';

export interface DiagnosisInput {
  desired: DesiredState;
  network: NodeNetwork;
  ownership: Ownership;
  /** The configuration in force: pool addresses held by someone else are reported. */
  groups?: readonly ServiceGroupConfig[];
  /** The kernel's routes to the node's gateways and subnets: any through the virtual interface is reported. */
  routeLookups?: readonly RouteLookup[];
}

/**
 * Every finding for this node, errors first, then warnings, then info; within a severity: routes, the
 * dummy interface, desired addresses, held addresses, then the desired state's error skips, each in a
 * stable order. Pure: the same input gives the same list.
 */
export function diagnose(input: DiagnosisInput): Finding[] {
  const { network, ownership } = input;
  // A malformed placement is reported (with its field path) and left out of the address checks.
  const issues = checkPlacements(input.desired);
  const bad = new Set(issues.map((i) => i.index));
  const desired = { ...input.desired, placements: input.desired.placements.filter((_, i) => !bad.has(i)) };
  const malformed: Finding[] = issues.map((i) => ({
    code: 'invalid-config',
    severity: 'error',
    message: oneLine(formatIssue(i)),
    ip:
      typeof input.desired.placements[i.index]?.ip === 'string'
        ? input.desired.placements[i.index]?.ip
        : undefined,
    fix: 'the desired state handed to the diagnosis is malformed: report it with the message',
  }));
  const routes = routeFindings(desired, network);
  const ambiguous = new Set<4 | 6>();
  for (const family of [4, 6] as const) {
    if (desired.elections[family]?.status === 'ambiguous') ambiguous.add(family);
  }
  const all = [
    ...malformed,
    ...routes,
    ...dummyFindings(desired, network),
    ...safetyFindings({
      desired,
      network,
      ownership,
      groups: input.groups ?? [],
      routeLookups: input.routeLookups ?? [],
    }),
    ...addressFindings(desired, network, ownership),
    ...skipFindings(desired.skips, ambiguous),
  ];
  return all
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_RANK[a.f.severity] - SEVERITY_RANK[b.f.severity] || a.i - b.i)
    .map((e) => e.f);
}
