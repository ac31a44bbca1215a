// The two writes the allocator makes on a Service, each with the resourceVersion it decided from as
// a precondition (a Service changed meanwhile answers 409: the caller re-reads and re-decides):
// purelb.io/* annotations by merge patch on the Service, and status.loadBalancer.ingress by merge
// patch on its /status subresource (the main endpoint ignores status).
import type { LoadBalancerIngress, Service } from '@purelb-ts/core';
import type { KubeRest } from '../kubernetes/rest.ts';

export const servicePath = (svc: Service): string =>
  `/api/v1/namespaces/${encodeURIComponent(svc.metadata.namespace ?? 'default')}/services/${encodeURIComponent(svc.metadata.name)}`;

const precondition = (svc: Service): Record<string, unknown> =>
  svc.metadata.resourceVersion === undefined ? {} : { resourceVersion: svc.metadata.resourceVersion };

/** The annotations of `patch` (null: remove) that differ from the Service's. */
export function annotationChanges(
  svc: Service,
  patch: Readonly<Record<string, string | null>>,
): Record<string, string | null> {
  const have = svc.metadata.annotations ?? {};
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(patch)) if ((have[k] ?? null) !== v) out[k] = v;
  return out;
}

export const ingressIPs = (svc: Service): string[] =>
  (svc.status?.loadBalancer?.ingress ?? []).map((e) => e.ip ?? e.hostname ?? '');

export const sameIngress = (svc: Service, ingress: readonly LoadBalancerIngress[]): boolean => {
  const now = svc.status?.loadBalancer?.ingress ?? [];
  return (
    now.length === ingress.length &&
    now.every(
      (e, i) => e.ip === ingress[i]?.ip && e.hostname === undefined && e.ipMode === ingress[i]?.ipMode,
    )
  );
};

/** Merge-patches annotations (only those that change); returns the Service as written. */
export async function patchAnnotations(
  rest: KubeRest,
  svc: Service,
  patch: Readonly<Record<string, string | null>>,
): Promise<Service> {
  const changes = annotationChanges(svc, patch);
  if (Object.keys(changes).length === 0) return svc;
  return rest.patch<Service>(servicePath(svc), {
    metadata: { ...precondition(svc), annotations: changes },
  });
}

/** Replaces status.loadBalancer.ingress (empty: removed) unless it already is that; returns the Service as written. */
export async function patchIngress(
  rest: KubeRest,
  svc: Service,
  ingress: readonly LoadBalancerIngress[],
): Promise<Service> {
  if (sameIngress(svc, ingress)) return svc;
  return rest.patch<Service>(`${servicePath(svc)}/status`, {
    metadata: precondition(svc),
    status: { loadBalancer: { ingress: ingress.length === 0 ? null : ingress } },
  });
}
