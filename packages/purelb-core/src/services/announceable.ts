// Whether this node agent should announce a Service at all. Upstream skips the brand check when the
// Service has no annotations at all, and never reads spec.loadBalancerClass; here a missing brand
// always means "not ours", and so does a class that is not PureLB's: the class is decided by the
// allocator's own rule (handlesService), so a Service of another load balancer that carries the brand
// is never announced.

import { handlesService } from '../allocation/service-request.ts';
import { ANNOTATION_ALLOCATED_BY as ALLOCATED_BY, PURELB_BRAND as BRAND } from '../annotations.ts';
import type { NodeService } from '../kube.ts';

/**
 * Why the Service is not announced, or undefined when it is announceable. `defaultAnnouncer`: whether
 * PureLB serves Services without spec.loadBalancerClass (DEFAULT_ANNOUNCER=PureLB). Left out, a
 * class-less Service is judged by the brand alone: the allocator, which knows, brands only those it
 * serves and takes the brand off the others.
 */
export function notAnnounceableReason(svc: NodeService, defaultAnnouncer = true): string | undefined {
  if (svc.spec?.type !== 'LoadBalancer') return `type is ${svc.spec?.type ?? 'ClusterIP'}, not LoadBalancer`;
  if (svc.metadata.deletionTimestamp !== undefined) return 'the Service is being deleted';
  if (!handlesService(svc, defaultAnnouncer)) {
    const cls = svc.spec.loadBalancerClass;
    return cls === undefined || cls === ''
      ? 'it has no spec.loadBalancerClass and PureLB is not the default announcer'
      : `its spec.loadBalancerClass is ${cls}: another load balancer's Service`;
  }
  const brand = svc.metadata.annotations?.[ALLOCATED_BY];
  if (brand !== BRAND) {
    return brand === undefined
      ? `no ${ALLOCATED_BY} annotation: PureLB did not allocate its address`
      : `${ALLOCATED_BY} is "${brand}", not "${BRAND}"`;
  }
  const hasIP = (svc.status?.loadBalancer?.ingress ?? []).some((i) => i.ip !== undefined && i.ip !== '');
  if (!hasIP) return 'status.loadBalancer.ingress holds no IP';
  return undefined;
}

/** PureLB's by class, type LoadBalancer, not being deleted, branded by PureLB's allocator, with an ingress IP. */
export const isAnnounceable = (svc: NodeService, defaultAnnouncer = true): boolean =>
  notAnnounceableReason(svc, defaultAnnouncer) === undefined;
