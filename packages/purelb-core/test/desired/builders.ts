// Plain objects for the placement, services and desired-state tests: Services, EndpointSlices and
// configs parsed by the real parsers (so tests use the shapes the agent will really pass).
import { parseLBNodeAgent } from '../../src/config/lbnodeagent.ts';
import { parseServiceGroup } from '../../src/config/service-group.ts';
import type { LBNodeAgentConfig, ServiceGroupConfig } from '../../src/config/types.ts';
import type { EndpointConditions, EndpointSlice, Service } from '../../src/kube.ts';
import type { NodeNetwork } from '../../src/model.ts';
import { ENP1S0 } from '../fixtures/seed-node.ts';

export interface ServiceOptions {
  namespace?: string;
  ips?: string[];
  type?: NonNullable<Service['spec']>['type'];
  etp?: 'Cluster' | 'Local';
  annotations?: Record<string, string> | undefined;
  deleting?: boolean;
}

/** A LoadBalancer Service branded by PureLB's allocator with the given ingress IPs. */
export function service(name: string, opts: ServiceOptions = {}): Service {
  const annotations = 'annotations' in opts ? opts.annotations : { 'purelb.io/allocated-by': 'PureLB' };
  return {
    metadata: {
      name,
      namespace: opts.namespace ?? 'default',
      ...(annotations === undefined ? {} : { annotations }),
      ...(opts.deleting ? { deletionTimestamp: '2026-11-26T02:00:00Z' } : {}),
    },
    spec: { type: opts.type ?? 'LoadBalancer', externalTrafficPolicy: opts.etp ?? 'Cluster' },
    status: { loadBalancer: { ingress: (opts.ips ?? []).map((ip) => ({ ip, ipMode: 'VIP' as const })) } },
  };
}

export function slice(
  serviceName: string,
  endpoints: { node?: string; conditions?: EndpointConditions }[],
  namespace = 'default',
  addressType: EndpointSlice['addressType'] = 'IPv4',
): EndpointSlice {
  return {
    metadata: {
      name: `${serviceName}-abc`,
      namespace,
      labels: { 'kubernetes.io/service-name': serviceName },
    },
    addressType,
    endpoints: endpoints.map((e, i) => ({
      addresses: [`10.129.0.${i + 10}`],
      ...(e.conditions ? { conditions: e.conditions } : {}),
      ...(e.node ? { nodeName: e.node } : {}),
    })),
  };
}

function mustParse<T>(r: { ok: true; value: T } | { ok: false; errors: unknown[] }): T {
  if (!r.ok) throw new Error(`test config does not parse: ${JSON.stringify(r.errors)}`);
  return r.value;
}

export function group(
  name: string,
  type: 'local' | 'remote',
  body: Record<string, unknown>,
): ServiceGroupConfig {
  return mustParse(
    parseServiceGroup({
      apiVersion: 'purelb.io/v2',
      kind: 'ServiceGroup',
      metadata: { name, namespace: 'purelb' },
      spec: { [type]: body },
    }),
  );
}

export function agent(name: string, spec: Record<string, unknown> = { local: {} }): LBNodeAgentConfig {
  return mustParse(
    parseLBNodeAgent({
      apiVersion: 'purelb.io/v2',
      kind: 'LBNodeAgent',
      metadata: { name, namespace: 'purelb' },
      spec,
    }),
  );
}

/** The seed's groups: a local pool on enp1s0's subnet, and the two remote pools kube-lb0 shows. */
export const seedGroups = (): ServiceGroupConfig[] => [
  group('default', 'local', {
    v4pool: { pool: '172.30.250.50-172.30.250.60', subnet: '172.30.250.0/24', aggregation: 'default' },
    v6pool: { pool: '2001:db8:1::50-2001:db8:1::60', subnet: '2001:db8:1::/64', aggregation: 'default' },
  }),
  group('remote32', 'remote', {
    v4pool: { pool: '172.31.1.0/24', subnet: '172.31.1.0/24', aggregation: '/32' },
  }),
  group('remote24', 'remote', {
    v4pool: { pool: '172.31.2.0/24', subnet: '172.31.2.0/24', aggregation: 'default' },
  }),
  group('remote6', 'remote', {
    v6pool: { pool: '2001:db8:9::/120', subnet: '2001:db8:9::/64', aggregation: '/128' },
  }),
];

/**
 * The seed node plus IPv6 on enp1s0: 2001:db8:1::104/64 and a default route via fe80::1 (the seed page
 * shows none, so IPv6 local placement needs one added).
 */
export function withIPv6Uplink(net: NodeNetwork): NodeNetwork {
  const v4addr = net.addresses.find((a) => a.index === ENP1S0 && a.address === '172.30.250.104')!;
  const v6route = net.routes.find((r) => r.family === 6 && r.oif === ENP1S0)!;
  return {
    links: net.links,
    addresses: [
      ...net.addresses,
      {
        ...v4addr,
        family: 6,
        address: '2001:db8:1::104',
        prefixLength: 64,
        broadcast: undefined,
        label: undefined,
      },
    ],
    routes: [
      ...net.routes,
      { ...v6route, dst: undefined, dstLength: 0, gateway: 'fe80::1', priority: 1024, protocol: 3 },
      { ...v6route, dst: '2001:db8:1::', dstLength: 64 },
    ],
  };
}
