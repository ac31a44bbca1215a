export {
  type AddressAnswer,
  type AnnounceContext,
  answerFor,
  electionFor,
  endpointNodesOf,
  type PoolRef,
  type SlotAnnouncer,
} from './address-answer.ts';
export { isAnnounceable, notAnnounceableReason } from './announceable.ts';
export { serviceSlots } from './announcing-slots.ts';
export { endpointUsable, nodesWithReadyEndpoints, SERVICE_NAME_LABEL } from './endpoints.ts';
export { groupForIP, type PoolMatch, type PreparedGroups, prepareGroups } from './group-for-ip.ts';
export { type IngressIP, type InvalidIngress, ingressIPs } from './ingress.ts';
export {
  endpointElection,
  externalTrafficLocal,
  prefersEndpointNodes,
  readsEndpointNodes,
  sharingKey,
  wantsSkipIPv6DAD,
} from './sharing.ts';
