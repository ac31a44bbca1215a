// Every Kubernetes object the rules read is checked on its own before any rule sees it: the API server
// validates what it stores, but a standalone file, a webhook-less CRD field or a hand-written status can
// hold anything, and one malformed object (an ingress given as a string, an IP as a number) must cost
// that object only, never a whole reconcile. Only the fields the rules read are checked: a bad one is a
// ValidationIssue with its path and value, and the object is left out.
import { describe, type Issues, isRecord, issue } from './config/fields.ts';
import type { ValidationIssue } from './config/types.ts';

type Check = (issues: Issues, path: string, v: unknown) => void;

/** An absent scalar is fine; null is not (rules compare with undefined, and the API server never writes it). */
const optional =
  (type: 'string' | 'number' | 'boolean'): Check =>
  (issues, path, v) => {
    if (v !== undefined && typeof v !== type) {
      issue(issues, path, v, `${path} must be a ${type}, got ${describe(v)}`);
    }
  };
const optString = optional('string');
const optNumber = optional('number');
const optBool = optional('boolean');

/** An optional object whose listed fields are checked; other fields are not read by the rules. */
const object =
  (fields: Record<string, Check>): Check =>
  (issues, path, v) => {
    if (v === undefined || v === null) return;
    if (!isRecord(v)) {
      issue(issues, path, v, `${path} must be an object, got ${describe(v)}`);
      return;
    }
    for (const [k, check] of Object.entries(fields)) check(issues, `${path}.${k}`, v[k]);
  };

/** An optional list whose items each pass `item`. */
const list =
  (item: Check): Check =>
  (issues, path, v) => {
    if (v === undefined || v === null) return;
    if (!Array.isArray(v)) {
      issue(issues, path, v, `${path} must be a list, got ${describe(v)}`);
      return;
    }
    v.forEach((x, i) => {
      item(issues, `${path}[${i}]`, x);
    });
  };

/** A map of strings (labels, annotations). */
const stringMap: Check = (issues, path, v) => {
  if (v === undefined || v === null) return;
  if (!isRecord(v)) {
    issue(issues, path, v, `${path} must be a map of strings, got ${describe(v)}`);
    return;
  }
  for (const [k, value] of Object.entries(v)) {
    if (typeof value !== 'string')
      issue(issues, `${path}["${k}"]`, value, `${path}["${k}"] must be a string, got ${describe(value)}`);
  }
};

const required =
  (check: Check, what: string): Check =>
  (issues, path, v) => {
    if (v === undefined || v === null) issue(issues, path, v, `${path} is required (${what})`);
    else check(issues, path, v);
  };

const metadata = required(
  object({
    name: required(optString, 'a non-empty name'),
    namespace: optString,
    uid: optString,
    resourceVersion: optString,
    creationTimestamp: optString,
    deletionTimestamp: optString,
    labels: stringMap,
    annotations: stringMap,
  }),
  'an object with a name',
);

const SERVICE = object({
  metadata,
  spec: object({
    type: optString,
    externalTrafficPolicy: optString,
    loadBalancerClass: optString,
    loadBalancerIP: optString,
    clusterIP: optString,
    ipFamilyPolicy: optString,
    ipFamilies: list(optString),
    ports: list(object({ name: optString, protocol: optString, port: optNumber })),
  }),
  status: object({
    loadBalancer: object({
      ingress: list(required(object({ ip: optString, hostname: optString, ipMode: optString }), 'an object')),
    }),
  }),
});

const ENDPOINT_SLICE = object({
  metadata,
  addressType: optString,
  endpoints: list(
    required(
      object({
        addresses: list(optString),
        nodeName: optString,
        conditions: object({ ready: optBool, serving: optBool, terminating: optBool }),
      }),
      'an object',
    ),
  ),
});

const LEASE = object({
  metadata,
  spec: object({
    holderIdentity: optString,
    leaseDurationSeconds: optNumber,
    renewTime: optString,
    acquireTime: optString,
  }),
});

const NODE = object({ metadata });

function run(check: Check, obj: unknown): ValidationIssue[] {
  const issues: Issues = [];
  if (!isRecord(obj)) return [{ path: '', value: obj, message: `not an object: ${describe(obj)}` }];
  check(issues, '', obj);
  // Paths start at the object's fields ("status.loadBalancer.ingress[0]"), not ".status...".
  return issues.map((i) => ({
    ...i,
    path: i.path.replace(/^\./, ''),
    message: i.message.replace(/^\./, ''),
  }));
}

export const serviceIssues = (obj: unknown): ValidationIssue[] => run(SERVICE, obj);
export const endpointSliceIssues = (obj: unknown): ValidationIssue[] => run(ENDPOINT_SLICE, obj);
export const leaseIssues = (obj: unknown): ValidationIssue[] => run(LEASE, obj);
export const nodeObjectIssues = (obj: unknown): ValidationIssue[] => run(NODE, obj);

/** One object left out, and why. */
export interface RejectedObject {
  kind: string;
  /** "namespace/name" when the metadata reads, else "#<index>". */
  name: string;
  issues: ValidationIssue[];
}

/**
 * Each check's verdicts by object. Invariant: an object read from a source is never changed in place
 * (informers and file reloads replace it), so an object once checked needs no second look: a reconcile
 * at 10k Services and EndpointSlices spent 50-180 ms re-checking every one of them.
 */
const verdicts = new WeakMap<(obj: unknown) => ValidationIssue[], WeakMap<object, ValidationIssue[]>>();

function checked(check: (obj: unknown) => ValidationIssue[], obj: unknown): ValidationIssue[] {
  if (typeof obj !== 'object' || obj === null) return check(obj);
  let memo = verdicts.get(check);
  if (memo === undefined) {
    memo = new WeakMap();
    verdicts.set(check, memo);
  }
  let issues = memo.get(obj);
  if (issues === undefined) {
    issues = check(obj);
    memo.set(obj, issues);
  }
  return issues;
}

/** The objects that pass `check`, and the others with their issues. */
export function keepValid<T>(
  kind: string,
  objects: readonly unknown[],
  check: (obj: unknown) => ValidationIssue[],
): { valid: T[]; rejected: RejectedObject[] } {
  const valid: T[] = [];
  const rejected: RejectedObject[] = [];
  objects.forEach((obj, i) => {
    const issues = checked(check, obj);
    if (issues.length === 0) {
      valid.push(obj as T);
      return;
    }
    const meta = isRecord(obj) && isRecord(obj.metadata) ? obj.metadata : undefined;
    const name =
      typeof meta?.name === 'string'
        ? `${typeof meta.namespace === 'string' ? meta.namespace : 'default'}/${meta.name}`
        : `#${i}`;
    rejected.push({ kind, name, issues });
  });
  return { valid, rejected };
}
