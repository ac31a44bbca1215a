// Whether this node agent should announce a Service at all. Upstream skips the brand check when the
// Service has no annotations at all; here a missing brand always means "not ours".

import { ANNOTATION_ALLOCATED_BY as ALLOCATED_BY, PURELB_BRAND as BRAND } from '../annotations.ts';
import type { Service } from '../kube.ts';

/** Why the Service is not announced, or undefined when it is announceable. */
export function notAnnounceableReason(svc: Service): string | undefined {
  if (svc.spec?.type !== 'LoadBalancer') return `type is ${svc.spec?.type ?? 'ClusterIP'}, not LoadBalancer`;
  if (svc.metadata.deletionTimestamp !== undefined) return 'the Service is being deleted';
  const brand = svc.metadata.annotations?.[ALLOCATED_BY];
  if (brand !== BRAND) {
    return brand === undefined
      ? `no ${ALLOCATED_BY} annotation: PureLB did not allocate its address`
      : `${ALLOCATED_BY} is "${brand}", not "${BRAND}"`;
  }
  const withIP = (svc.status?.loadBalancer?.ingress ?? []).filter((i) => i.ip !== undefined && i.ip !== '');
  if (withIP.length === 0) return 'status.loadBalancer.ingress holds no IP';
  return undefined;
}

/** type LoadBalancer, not being deleted, branded by PureLB's allocator, with at least one ingress IP. */
export const isAnnounceable = (svc: Service): boolean => notAnnounceableReason(svc) === undefined;
