// Nodes that host a usable endpoint of a Service: what externalTrafficPolicy Local narrows to.
import type { EndpointConditions, EndpointSlice, NodeService } from '../kube.ts';

/** The label every EndpointSlice carries naming its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/**
 * Kubernetes: an absent `ready` means ready. A terminating endpoint that still serves keeps
 * traffic flowing during a rollout, so it counts too.
 */
export const endpointUsable = (c: EndpointConditions | undefined): boolean =>
  c?.ready !== false || c?.serving === true;

/** Sorted names of nodes hosting a usable endpoint, across every slice labelled for the Service. */
export function nodesWithReadyEndpoints(svc: NodeService, slices: readonly EndpointSlice[]): string[] {
  const namespace = svc.metadata.namespace ?? 'default';
  const nodes = new Set<string>();
  for (const slice of slices) {
    if ((slice.metadata.namespace ?? 'default') !== namespace) continue;
    if (slice.metadata.labels?.[SERVICE_NAME_LABEL] !== svc.metadata.name) continue;
    for (const ep of slice.endpoints ?? []) {
      if (ep.nodeName !== undefined && ep.nodeName !== '' && endpointUsable(ep.conditions))
        nodes.add(ep.nodeName);
    }
  }
  return [...nodes].sort();
}
