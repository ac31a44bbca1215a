// Local-interface election, advertised subnets, lease membership and the per-address node election.
export { advertisedSubnets } from './advertised-subnets.ts';
export { defaultRoutes, electDefaultInterface } from './default-route.ts';
export {
  type CandidateInterface,
  findLocalSubnet,
  type LocalCandidates,
  localCandidates,
  type SubnetMatch,
} from './local-candidates.ts';
export {
  liveMembers,
  type Member,
  type Membership,
  NODE_LEASE_PREFIX,
  SUBNETS_ANNOTATION,
} from './members.ts';
export { parseMicroTime } from './micro-time.ts';
export { formatRoute, linkName } from './route-text.ts';
export {
  IFA_F_DADFAILED,
  IFA_F_DEPRECATED,
  IFA_F_TENTATIVE,
  type LocalSubnet,
  unusableReason,
  usableSubnets,
} from './usable-subnets.ts';
export { electWinner, rankNodes, type WinnerResult } from './winner.ts';
