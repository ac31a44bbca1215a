// What the watches keep of each object: exactly the fields of purelb-core's kube.ts types, which are
// what core's rules and the write-back read. A Service as a real API server returns it (managedFields,
// last-applied-configuration, ports' nodePorts, ...) is ~2.5 KB of JSON; kept this way it is a few
// hundred bytes. Each shape lists EVERY field of its type (the types below make a missing one a
// compile error), so a field core starts to read is either kept here or fails to compile there.
// A value of an unexpected shape (an ingress that is not a list) is kept as it came: core's
// validation must see it to refuse that one object by name (kube-checks.ts), never a cleaned version.
import {
  ANNOTATION_PREFIX,
  type CustomResource,
  type EndpointConditions,
  type EndpointSlice,
  type EndpointSliceMeta,
  type KubeNode,
  type Lease,
  type NodeService,
  type ObjectMeta,
  SERVICE_NAME_LABEL,
  type Service,
  type ServiceMeta,
} from '@purelb-ts/core';

/** Keep the value whole, pick inside it (each element, for a list), or transform it. */
type Keep<V> = true | ((value: unknown) => unknown) | (V extends readonly (infer E)[] ? Inner<E> : Inner<V>);
type Inner<V> = V extends string | number | boolean ? never : V extends object ? Shape<V> : never;
/** Every field of T, none optional: forgetting one is a compile error. */
export type Shape<T> = { readonly [K in keyof T]-?: Keep<NonNullable<T[K]>> };

type Spec = { readonly [key: string]: true | ((value: unknown) => unknown) | Spec };

function pick(value: unknown, shape: Spec): unknown {
  if (Array.isArray(value)) return value.map((v) => pick(v, shape));
  if (typeof value !== 'object' || value === null) return value;
  const from = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key in shape) {
    const v = from[key];
    if (v === undefined) continue;
    const s = shape[key] as Spec[string];
    out[key] = s === true ? v : typeof s === 'function' ? s(v) : pick(v, s);
  }
  return out;
}

/**
 * One copy of each short text that recurs across objects (apiVersion, namespace, label values, node
 * names, protocols): JSON.parse makes a new string for every occurrence, 10k EndpointSlices carried
 * 10k copies of "discovery.k8s.io/v1". Bounded: past INTERN_LIMIT entries it starts over.
 */
const INTERN_LIMIT = 20_000;
let interned = new Map<string, string>();

function intern(value: unknown): unknown {
  if (typeof value !== 'string' || value.length > 64) return value;
  const known = interned.get(value);
  if (known !== undefined) return known;
  if (interned.size >= INTERN_LIMIT) interned = new Map();
  interned.set(value, value);
  return value;
}

/** A string map (labels, selector) with its keys and values interned. */
function internMap(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[intern(k) as string] = intern(v);
  return out;
}

/** A list of strings, each interned. */
const internList = (value: unknown): unknown => (Array.isArray(value) ? value.map(intern) : value);

/** Only purelb.io/ annotations: core reads no other (kubectl's last-applied copy is most of the rest). */
function ownAnnotations(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (k.startsWith(ANNOTATION_PREFIX)) out[k] = v;
  return out;
}

const META: Shape<ObjectMeta> = {
  name: true,
  namespace: intern,
  uid: true,
  resourceVersion: true,
  generation: true,
  labels: internMap,
  annotations: ownAnnotations,
  creationTimestamp: true,
  deletionTimestamp: true,
  ownerReferences: { apiVersion: intern, kind: intern, name: true, uid: true },
};

const TYPED = { apiVersion: intern, kind: intern, metadata: META } as const;

/** A Service's metadata without labels and owner references (core's ServiceMeta reads none). */
const SERVICE_META: Shape<ServiceMeta> = {
  name: true,
  namespace: intern,
  uid: true,
  resourceVersion: true,
  generation: true,
  annotations: ownAnnotations,
  creationTimestamp: true,
  deletionTimestamp: true,
};

/** Of a slice's labels, the one naming its Service (core's EndpointSliceMeta reads no other). */
function serviceNameLabel(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const name = (value as Record<string, unknown>)[SERVICE_NAME_LABEL];
  return name === undefined ? {} : { [SERVICE_NAME_LABEL]: name };
}

const SLICE_META: Shape<EndpointSliceMeta> = {
  name: true,
  namespace: intern,
  resourceVersion: true,
  labels: serviceNameLabel,
};
const PORT = { name: intern, protocol: intern, port: true } as const;

const NODE_SERVICE: Shape<NodeService> = {
  apiVersion: intern,
  kind: intern,
  metadata: SERVICE_META,
  spec: { type: intern, externalTrafficPolicy: intern, loadBalancerClass: intern },
  status: { loadBalancer: { ingress: { ip: true, hostname: true, ipMode: intern } } },
};

/** The allocator's view: the node's, plus what allocation decides by. */
const SERVICE: Shape<Service> = {
  ...NODE_SERVICE,
  spec: {
    ...(NODE_SERVICE.spec as Shape<NonNullable<NodeService['spec']>>),
    ports: PORT,
    clusterIP: true,
    clusterIPs: true,
    loadBalancerIP: true,
    ipFamilies: internList,
    ipFamilyPolicy: intern,
    selector: internMap,
  },
};

/**
 * One shared, frozen object per combination of the three conditions (27 at most): 30k endpoints at
 * 10k slices carried 30k copies of a handful of values. Any other shape is kept as it came, for
 * core's validation to refuse the slice by name.
 */
const CONDITIONS: Shape<EndpointConditions> = { ready: true, serving: true, terminating: true };
const conditionObjects = new Map<string, EndpointConditions>();

function internConditions(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const c = value as Record<string, unknown>;
  let key = '';
  for (const flag of [c.ready, c.serving, c.terminating]) {
    if (flag !== undefined && typeof flag !== 'boolean') return pick(value, CONDITIONS as unknown as Spec);
    key += flag === undefined ? '-' : flag ? 't' : 'f';
  }
  let known = conditionObjects.get(key);
  if (known === undefined) {
    known = Object.freeze(pick(value, CONDITIONS as unknown as Spec)) as EndpointConditions;
    conditionObjects.set(key, known);
  }
  return known;
}

const ENDPOINT_SLICE: Shape<EndpointSlice> = {
  apiVersion: intern,
  kind: intern,
  metadata: SLICE_META,
  addressType: intern,
  endpoints: { conditions: internConditions, nodeName: intern },
};

const LEASE: Shape<Lease> = {
  ...TYPED,
  spec: { holderIdentity: intern, leaseDurationSeconds: true, renewTime: true, acquireTime: true },
};

const NODE: Shape<KubeNode> = {
  ...TYPED,
  spec: { unschedulable: true, taints: { key: intern, effect: intern, value: intern } },
  // Conditions without their heartbeat times: a kubelet's heartbeat changes nothing kept here.
  status: { addresses: { type: intern, address: true }, conditions: { type: intern, status: intern } },
};

/** ServiceGroups and LBNodeAgents: spec and status whole (core's config parsers check them). */
const CUSTOM: Shape<CustomResource> = { ...TYPED, spec: true, status: true };

const projector =
  <T>(shape: Shape<T>) =>
  (raw: unknown): T =>
    pick(raw, shape as unknown as Spec) as T;

/** The allocator's Services. */
export const projectService = projector(SERVICE);
/** The node agent's Services: what its rules read (core's NodeService). */
export const projectNodeService = projector(NODE_SERVICE);
export const projectEndpointSlice = projector(ENDPOINT_SLICE);
export const projectLease = projector(LEASE);
export const projectNode = projector(NODE);
export const projectCustomResource = projector(CUSTOM);
