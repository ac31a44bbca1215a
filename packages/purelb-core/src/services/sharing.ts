// Services that may share an address carry the same purelb.io/allow-shared-ip key.

import {
  ANNOTATION_ALLOW_SHARED_IP,
  ANNOTATION_NODE_AFFINITY,
  ANNOTATION_SKIP_IPV6_DAD,
} from '../annotations.ts';
import type { NodeService } from '../kube.ts';

/** The sharing key, or undefined when the Service does not share (absent or empty annotation). */
export function sharingKey(svc: NodeService): string | undefined {
  const key = svc.metadata.annotations?.[ANNOTATION_ALLOW_SHARED_IP];
  return key === undefined || key === '' ? undefined : key;
}

/** The allocator writes "true" when the Service's group has skipIPv6DAD. */
export const wantsSkipIPv6DAD = (svc: NodeService): boolean =>
  svc.metadata.annotations?.[ANNOTATION_SKIP_IPV6_DAD] === 'true';

export const externalTrafficLocal = (svc: NodeService): boolean =>
  svc.spec?.externalTrafficPolicy === 'Local';

/**
 * purelb.io/node-affinity: service-endpoints (upstream v0.17): a local address prefers the nodes that
 * host a ready endpoint. Ignored on a shared address (its Services' endpoints differ), as upstream.
 */
export const prefersEndpointNodes = (svc: NodeService): boolean =>
  svc.metadata.annotations?.[ANNOTATION_NODE_AFFINITY] === 'service-endpoints' &&
  sharingKey(svc) === undefined;

/** Whether the Service's announcement depends on where its ready endpoints are (either rule above). */
export const readsEndpointNodes = (svc: NodeService): boolean =>
  externalTrafficLocal(svc) || prefersEndpointNodes(svc);

/**
 * How the nodes with a ready endpoint (`endpointNodes`) shape the election of a local address of `svc`:
 * externalTrafficPolicy Local makes them the only candidates (`eligible`); node-affinity
 * service-endpoints ranks them first (`preferred`). One rule for every node's decision and for the
 * cluster-wide view.
 */
export function endpointElection(
  svc: NodeService,
  endpointNodes: readonly string[],
): { eligible?: readonly string[]; preferred?: ReadonlySet<string> } {
  if (externalTrafficLocal(svc)) return { eligible: endpointNodes };
  return prefersEndpointNodes(svc) ? { preferred: new Set(endpointNodes) } : {};
}
