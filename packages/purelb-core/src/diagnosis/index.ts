// Diagnosis: what is wrong on a node, in terms an operator can act on.
export {
  type Announcer,
  announcersByIP,
  announcingFindings,
  localWinners,
} from './announcing-findings.ts';
export { lowestDefaultRoutes } from './default-routes.ts';
export { type DiagnosisInput, diagnose } from './diagnose.ts';
export type { Finding, FindingCode, Severity } from './finding.ts';
export { addressText, placementText, routeText } from './iproute-text.ts';
export { leaseFindings } from './lease-findings.ts';
export { type Summary, summarise } from './summarise.ts';
