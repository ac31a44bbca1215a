// Local-interface election, advertised subnets, lease membership and the per-address node election.
export { advertisedSubnets, carrierDownInterfaces } from './advertised-subnets.ts';
export {
  CARRIER_HOLD_MS,
  CarrierHysteresis,
  type CarrierView,
  hasCarrier,
  IFF_LOWER_UP,
} from './carrier.ts';
export { ContactClock } from './contact-clock.ts';
export {
  defaultRoutes,
  electDefaultInterface,
  lowestDefaultRoutes,
  routeInterfaces,
  routeMetric,
} from './default-route.ts';
export {
  cappedDurationMs,
  LeaseObserver,
  MAX_LEASE_DURATION_SECONDS,
  writtenExpiry,
} from './lease-observer.ts';
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
  type MembershipClock,
  NODE_LEASE_PREFIX,
  nodeIdentities,
  WIDEST_NODE_SUBNET,
} from './members.ts';
export { parseMicroTime } from './micro-time.ts';
export { nexthopInterfaces } from './nexthops.ts';
export {
  LABEL_EXCLUDE_FROM_LB,
  nodesStandingAside,
  type StandingPolicy,
  standsAside,
  TAINT_OUT_OF_SERVICE,
} from './node-standing.ts';
export {
  type LocalSubnet,
  unusableReason,
  usableSubnets,
} from './usable-subnets.ts';
export { electWinner, rankNodes, type WinnerResult } from './winner.ts';
