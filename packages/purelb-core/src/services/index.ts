export { isAnnounceable, notAnnounceableReason } from './announceable.ts';
export { endpointUsable, nodesWithReadyEndpoints } from './endpoints.ts';
export { groupForIP, type PoolMatch } from './group-for-ip.ts';
export { type IngressIP, type InvalidIngress, ingressIPs } from './ingress.ts';
export { externalTrafficLocal, sharingKey, wantsSkipIPv6DAD } from './sharing.ts';
