// The plain Kubernetes objects purelb-core reads: only the fields its rules use, as the API server
// serialises them (JSON). Callers pass what their informer or YAML file holds; nothing here is a
// client type, so the core stays free of the Kubernetes client.

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  /** Only ANNOTATION_PREFIX (purelb.io/) keys are read: the agent's watches keep no other. */
  annotations?: Record<string, string>;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string }[];
}

/**
 * A Service's metadata as the rules read it: labels and owner references are read by none (the
 * agent's watch keeps exactly these fields, so a rule that starts reading a label fails to compile).
 */
export type ServiceMeta = Omit<ObjectMeta, 'labels' | 'ownerReferences'>;

/**
 * An EndpointSlice's metadata as the rules read it: which Service it belongs to (its
 * kubernetes.io/service-name label, no other) and what names it. At 10k slices the rest (owner
 * reference, uid, other labels) was ~5 MB of every agent's memory.
 */
export interface EndpointSliceMeta {
  name: string;
  namespace?: string;
  resourceVersion?: string;
  labels?: { 'kubernetes.io/service-name'?: string };
}

export type IPFamilyName = 'IPv4' | 'IPv6';

export interface ServicePort {
  name?: string;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  port: number;
}

export interface LoadBalancerIngress {
  ip?: string;
  hostname?: string;
  ipMode?: 'VIP' | 'Proxy';
}

/**
 * What a node's rules read of a Service's spec (desiredState, elections, placement, the write-back).
 * The node agent's watch keeps exactly these: at 10k Services the rest of the spec (ports, cluster
 * IPs, selector, families) was ~4 MB of every agent's memory. Another spec field reads as `unknown`
 * here, so a node rule cannot use one until it is added (and the agent's projection keeps it).
 */
export interface NodeServiceSpec {
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  externalTrafficPolicy?: 'Cluster' | 'Local';
  loadBalancerClass?: string;
  /** The rest of a spec as the API server returns it: accepted, read by no node rule. */
  readonly [field: string]: unknown;
}

/** A Service as a node's rules read it: the node agent's watch keeps this much of each. */
export interface NodeService {
  apiVersion?: string;
  kind?: string;
  metadata: ServiceMeta;
  spec?: NodeServiceSpec;
  status?: { loadBalancer?: { ingress?: LoadBalancerIngress[] } };
}

/** A Service as the allocator reads it: the node's view plus what allocation decides by. */
export interface Service extends NodeService {
  spec?: NodeServiceSpec & {
    ports?: ServicePort[];
    clusterIP?: string;
    clusterIPs?: string[];
    loadBalancerIP?: string;
    ipFamilies?: IPFamilyName[];
    ipFamilyPolicy?: 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';
    selector?: Record<string, string>;
  };
}

export interface EndpointConditions {
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

export interface EndpointSlice {
  apiVersion?: string;
  kind?: string;
  /** labels['kubernetes.io/service-name'] names the Service. */
  metadata: EndpointSliceMeta;
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  /**
   * Where the endpoints run and whether they serve. Their addresses (and any other field, `unknown`
   * here) are read by no rule: which nodes host a usable endpoint is what matters, so no watch keeps
   * them (30k at 10k slices).
   */
  endpoints?: { conditions?: EndpointConditions; nodeName?: string; readonly [field: string]: unknown }[];
}

/**
 * A coordination.k8s.io Lease; PureLB reads its node Leases (purelb-node-<node>), whose purelb.io/
 * annotations are the node's subnets and instance and what only the node can see: carrier-down and
 * refused (annotations.ts; codecs in lease-reports.ts, read with leaseReports).
 */
export interface Lease {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    /** MicroTime: RFC 3339 with exactly six fractional digits, as the API server writes it. */
    renewTime?: string;
    acquireTime?: string;
  };
}

export interface KubeNode {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  /** unschedulable: cordoned; taints: out-of-service (election/node-standing.ts). */
  spec?: { unschedulable?: boolean; taints?: { key: string; effect: string; value?: string }[] };
  /**
   * addresses: what the kubelet reports (InternalIP, ExternalIP, Hostname, ...); conditions: only
   * type and status are read (NetworkUnavailable), never the heartbeat times.
   */
  status?: {
    addresses?: { type: string; address: string }[];
    conditions?: { type: string; status: string }[];
  };
}

/** A ServiceGroup or LBNodeAgent as stored; `spec` is checked by the config parsers. */
export interface CustomResource {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: unknown;
  status?: unknown;
}

/** "namespace/name", the key every map of Services in the core uses. */
export const serviceKey = (svc: { metadata: ObjectMeta }): string =>
  // Joined, not a template: the key is kept (placements, the write-back's and metrics' maps), and a
  // joined text is one flat string where a template makes a tree of concatenations.
  [svc.metadata.namespace ?? 'default', '/', svc.metadata.name].join('');
