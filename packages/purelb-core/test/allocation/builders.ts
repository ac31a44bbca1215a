// Builders for allocation tests: ServiceGroups through the real parser (so tests use what the
// controller will pass), LoadBalancer Services, and "the Service after the controller wrote the
// result back", which rebuild tests need.
import assert from 'node:assert/strict';
import type { AllocationResult } from '../../src/allocation/index.ts';
import { parseServiceGroup } from '../../src/config/index.ts';
import type { ServiceGroupConfig } from '../../src/config/types.ts';
import type { IPFamilyName, Service, ServicePort } from '../../src/kube.ts';

export interface GroupSpec {
  type?: 'local' | 'remote';
  v4pools?: (string | { pool: string; subnet: string; aggregation?: string })[];
  v6pools?: (string | { pool: string; subnet: string; aggregation?: string })[];
  balancePools?: boolean;
  multiPool?: boolean;
  skipIPv6DAD?: boolean;
  namespaces?: string[];
  enforceNamespaces?: boolean;
  namespaceDefault?: boolean;
}

/** A pool written alone gets itself as subnet when a CIDR, the whole family when a range. */
const poolEntry = (p: string | { pool: string; subnet: string; aggregation?: string }) => {
  if (typeof p !== 'string') return { aggregation: 'default', ...p };
  const subnet = !p.includes('-') ? p : p.includes(':') ? '::/0' : '0.0.0.0/0';
  return { pool: p, subnet, aggregation: 'default' };
};

export function group(name: string, spec: GroupSpec): ServiceGroupConfig {
  const body: Record<string, unknown> = {};
  if (spec.v4pools !== undefined) body.v4pools = spec.v4pools.map(poolEntry);
  if (spec.v6pools !== undefined) body.v6pools = spec.v6pools.map(poolEntry);
  if (spec.balancePools !== undefined) body.balancePools = spec.balancePools;
  if (spec.multiPool !== undefined) body.multiPool = spec.multiPool;
  if (spec.skipIPv6DAD !== undefined) body.skipIPv6DAD = spec.skipIPv6DAD;
  const parsed = parseServiceGroup({
    apiVersion: 'purelb.io/v2',
    kind: 'ServiceGroup',
    metadata: { name, namespace: 'purelb-system' },
    spec: {
      [spec.type ?? 'remote']: body,
      ...(spec.namespaces !== undefined ? { namespaces: spec.namespaces } : {}),
      ...(spec.enforceNamespaces !== undefined ? { enforceNamespaces: spec.enforceNamespaces } : {}),
      ...(spec.namespaceDefault !== undefined ? { namespaceDefault: spec.namespaceDefault } : {}),
    },
  });
  assert.ok(parsed.ok, `test group ${name} must parse: ${JSON.stringify(parsed.ok ? '' : parsed.errors)}`);
  return parsed.value;
}

export interface ServiceSpec {
  ns?: string;
  annotations?: Record<string, string>;
  ports?: (number | ServicePort)[];
  families?: IPFamilyName[];
  policy?: 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';
  class?: string;
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  loadBalancerIP?: string;
  created?: string;
}

export function service(name: string, spec: ServiceSpec = {}): Service {
  return {
    metadata: {
      name,
      namespace: spec.ns ?? 'default',
      ...(spec.annotations !== undefined ? { annotations: spec.annotations } : {}),
      ...(spec.created !== undefined ? { creationTimestamp: spec.created } : {}),
    },
    spec: {
      type: spec.type ?? 'LoadBalancer',
      ports: (spec.ports ?? [80]).map((p) => (typeof p === 'number' ? { port: p, protocol: 'TCP' } : p)),
      ...(spec.families !== undefined ? { ipFamilies: spec.families } : {}),
      ...(spec.policy !== undefined ? { ipFamilyPolicy: spec.policy } : {}),
      ...(spec.class !== undefined ? { loadBalancerClass: spec.class } : {}),
      ...(spec.loadBalancerIP !== undefined ? { loadBalancerIP: spec.loadBalancerIP } : {}),
    },
  };
}

/** The Service as the controller leaves it after writing a successful result back. */
export function written(svc: Service, result: AllocationResult): Service {
  assert.ok(result.ok, `expected success, got ${result.ok ? '' : `${result.reason}: ${result.message}`}`);
  const annotations = { ...svc.metadata.annotations };
  for (const [k, v] of Object.entries(result.annotations)) {
    if (v === null) delete annotations[k];
    else annotations[k] = v;
  }
  return {
    ...svc,
    metadata: { ...svc.metadata, annotations },
    status: { loadBalancer: { ingress: result.ingress } },
  };
}

/** The addresses of a success, or a failure's reason (compact table expectations). */
export const outcome = (r: AllocationResult): string[] | string => (r.ok ? r.ips : r.reason);
