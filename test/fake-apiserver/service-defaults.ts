// What the real API server fills in on a Service, so clients see the shape they would see on a cluster:
// type ClusterIP, sessionAffinity None, port protocol TCP and targetPort = port, a cluster IP from
// 10.96.0.0/12 (kept across updates; changing it is refused as immutable), node ports from 30000-32767
// for NodePort and LoadBalancer Services (unless allocateLoadBalancerNodePorts is false), and the
// single-stack IPv4 family fields.

import { ApiError } from './errors.ts';
import type { KubeObject } from './store.ts';

type Spec = Record<string, unknown> & {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: Record<string, unknown>[];
};

export function applyServiceDefaults(
  svc: KubeObject,
  previous: KubeObject | undefined,
  all: readonly KubeObject[],
): void {
  if (svc.spec === undefined) svc.spec = {};
  const spec = svc.spec as Spec;
  if (typeof spec !== 'object' || spec === null) return; // left to schema validation
  const prev = previous?.spec as Spec | undefined;
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (spec.type !== 'ExternalName') {
    if (prev?.clusterIP && spec.clusterIP && spec.clusterIP !== prev.clusterIP)
      throw new ApiError(
        422,
        'Invalid',
        `Service "${svc.metadata.name}" is invalid: spec.clusterIP: Invalid value: "${spec.clusterIP}": field is immutable`,
      );
    spec.clusterIP ??= prev?.clusterIP ?? allocateClusterIP(all);
    spec.clusterIPs ??= [spec.clusterIP];
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
    spec.internalTrafficPolicy ??= 'Cluster';
  }
  const external = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  if (external) spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  // A LoadBalancer Service may opt out of node ports (as the real server allows since 1.24).
  const nodePorts = external && spec.allocateLoadBalancerNodePorts !== false;
  if (Array.isArray(spec.ports)) {
    // Only a port that needs a new node port scans every Service (not each write of an existing one).
    let used: Set<unknown> | undefined;
    for (const p of spec.ports) {
      if (p === null || typeof p !== 'object') continue;
      p.protocol ??= 'TCP';
      p.targetPort ??= p.port;
      if (nodePorts && p.nodePort === undefined) {
        const old = prev?.ports?.find((q) => q.port === p.port && (q.protocol ?? 'TCP') === p.protocol);
        if (old?.nodePort) {
          p.nodePort = Number(old.nodePort);
          used?.add(p.nodePort);
          continue;
        }
        used ??= new Set(all.flatMap((s) => ((s.spec as Spec)?.ports ?? []).map((q) => q.nodePort)));
        let n = 30000;
        while (used.has(n)) n++;
        p.nodePort = n;
        used.add(n);
      }
    }
  }
  if (previous === undefined) svc.status = { loadBalancer: {} };
}

function allocateClusterIP(all: readonly KubeObject[]): string {
  const used = new Set(all.map((s) => (s.spec as Spec)?.clusterIP));
  // 10.96.0.1 is the kubernetes Service's on a real cluster; start after it.
  for (let i = 2; i < 1 << 20; i++) {
    const ip = `10.${96 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
    if (!used.has(ip)) return ip;
  }
  throw new ApiError(500, 'InternalError', 'the fake API server ran out of cluster IPs');
}
