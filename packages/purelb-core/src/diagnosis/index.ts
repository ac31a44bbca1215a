// Diagnosis: what is wrong on a node, in terms an operator can act on.
export {
  type Announcer,
  announcersByIP,
  announcingFindings,
  localWinners,
} from './announcing-findings.ts';
export { type ConfigWarningsInput, configWarnings, type IgnoredObject } from './config-warnings.ts';
export { type DiagnosisInput, diagnose } from './diagnose.ts';
export type { Finding, FindingCode, Severity } from './finding.ts';
export { leaseFindings } from './lease-findings.ts';
export { type RouteLookup, type SafetyInput, safetyFindings } from './node-safety-findings.ts';
export { type RouteLookupTarget, routeLookupTargets } from './route-lookups.ts';
export { type Summary, summarise } from './summarise.ts';
