// The API server's ValidatingAdmissionPolicy decision for one request, from deploy/'s policies and
// bindings, with each CEL expression evaluated by @marcbachmann/cel-js: resource rules, match conditions,
// variables (lazily, as the API server composes them), validations, failurePolicy Fail (an expression that
// errors refuses the request) and a binding's validationActions [Deny]. What the policies here do not use
// (paramKind, namespace/object selectors, a binding's matchResources, auditAnnotations) is refused loudly
// instead of being ignored. `authorizer` and the Kubernetes CEL libraries beyond the standard ones are not
// provided: an expression using them fails here, so the policies stay within what both evaluate.
import { evaluate } from '@marcbachmann/cel-js';

export interface UserInfo {
  username: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface AdmissionRequest {
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  resource: { group: string; version: string; resource: string };
  subResource?: string;
  namespace?: string;
  name?: string;
  userInfo: UserInfo;
  /** The object after the write (null for DELETE). */
  object: Record<string, unknown> | null;
  /** The object before the write (null for CREATE). */
  oldObject: Record<string, unknown> | null;
}

interface Rule {
  apiGroups: string[];
  apiVersions: string[];
  resources: string[];
  operations: string[];
}
interface Named {
  name: string;
  expression: string;
}
export interface Policy {
  kind: 'ValidatingAdmissionPolicy';
  metadata: { name: string };
  spec: {
    failurePolicy?: 'Fail' | 'Ignore';
    matchConstraints: { resourceRules: Rule[]; [k: string]: unknown };
    matchConditions?: Named[];
    variables?: Named[];
    validations: { expression: string; message?: string; messageExpression?: string; reason?: string }[];
    [k: string]: unknown;
  };
}
export interface Binding {
  kind: 'ValidatingAdmissionPolicyBinding';
  metadata: { name: string };
  spec: { policyName: string; validationActions: string[]; [k: string]: unknown };
}

export interface Denial {
  policy: string;
  message: string;
}

/** The policies that matched the request, and the denials among them (empty: admitted). */
export interface Decision {
  matched: string[];
  denials: Denial[];
}

const SUPPORTED_SPEC = new Set([
  'failurePolicy',
  'matchConstraints',
  'matchConditions',
  'variables',
  'validations',
]);

function ruleMatches(rule: Rule, req: AdmissionRequest): boolean {
  const any = (list: string[], v: string) => list.includes('*') || list.includes(v);
  const sub = req.subResource ?? '';
  const resource = sub === '' ? req.resource.resource : `${req.resource.resource}/${sub}`;
  const resourceOk = rule.resources.some((r) => {
    if (r === '*/*') return true;
    if (r === '*') return sub === '';
    if (r.endsWith('/*')) return req.resource.resource === r.slice(0, -2) && sub !== '';
    if (r.startsWith('*/')) return sub === r.slice(2);
    return r === resource;
  });
  return (
    any(rule.apiGroups, req.resource.group) &&
    any(rule.apiVersions, req.resource.version) &&
    any(rule.operations, req.operation) &&
    resourceOk
  );
}

/** The `request` variable as the API server builds it (empty optional fields are absent: omitempty). */
function requestVar(req: AdmissionRequest): Record<string, unknown> {
  const userInfo: Record<string, unknown> = { username: req.userInfo.username };
  if (req.userInfo.uid) userInfo.uid = req.userInfo.uid;
  if (req.userInfo.groups?.length) userInfo.groups = req.userInfo.groups;
  if (req.userInfo.extra && Object.keys(req.userInfo.extra).length > 0) userInfo.extra = req.userInfo.extra;
  const out: Record<string, unknown> = {
    operation: req.operation,
    resource: req.resource,
    userInfo,
  };
  if (req.subResource) out.subResource = req.subResource;
  if (req.namespace) out.namespace = req.namespace;
  const name = req.name ?? ((req.object ?? req.oldObject)?.metadata as { name?: string } | undefined)?.name;
  if (name) out.name = name;
  return out;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: string };

function run(expression: string, ctx: Record<string, unknown>): Outcome {
  try {
    return { ok: true, value: evaluate(expression, ctx) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err) };
  }
}

/** One policy's verdict: undefined when it does not apply, else the denial messages (empty: allowed). */
export function evaluatePolicy(policy: Policy, req: AdmissionRequest): string[] | undefined {
  for (const k of Object.keys(policy.spec)) {
    if (!SUPPORTED_SPEC.has(k)) throw new Error(`${policy.metadata.name}: spec.${k} is not evaluated here`);
  }
  for (const k of Object.keys(policy.spec.matchConstraints)) {
    if (k !== 'resourceRules')
      throw new Error(`${policy.metadata.name}: matchConstraints.${k} is not evaluated here`);
  }
  if (!policy.spec.matchConstraints.resourceRules.some((r) => ruleMatches(r, req))) return undefined;
  const fail = policy.spec.failurePolicy !== 'Ignore';
  const variables: Record<string, unknown> = {};
  const ctx = {
    request: requestVar(req),
    object: req.object,
    oldObject: req.oldObject,
    params: null,
    namespaceObject: null,
    variables,
  };
  // Each variable is computed the first time an expression reads it, once; its error surfaces only there.
  for (const v of policy.spec.variables ?? []) {
    let memo: Outcome | undefined;
    Object.defineProperty(variables, v.name, {
      enumerable: true,
      get() {
        memo ??= run(v.expression, ctx);
        if (!memo.ok) throw new Error(`variables.${v.name}: ${memo.error}`);
        return memo.value;
      },
    });
  }
  for (const c of policy.spec.matchConditions ?? []) {
    const r = run(c.expression, ctx);
    if (!r.ok) return fail ? [`matchCondition ${c.name}: ${r.error}`] : undefined;
    if (typeof r.value !== 'boolean') return [`matchCondition ${c.name} is not a bool`];
    if (!r.value) return undefined;
  }
  const denials: string[] = [];
  for (const v of policy.spec.validations) {
    const r = run(v.expression, ctx);
    if (!r.ok) {
      if (fail) denials.push(`expression error: ${r.error}`);
      continue;
    }
    if (typeof r.value !== 'boolean') {
      denials.push(`validation is not a bool: ${v.expression}`);
      continue;
    }
    if (r.value) continue;
    let message = v.message ?? `failed expression: ${v.expression}`;
    if (v.messageExpression !== undefined) {
      const m = run(v.messageExpression, ctx);
      if (m.ok && typeof m.value === 'string' && m.value !== '') message = m.value;
    }
    denials.push(message);
  }
  return denials;
}

/** What the API server's admission decides with these policies and bindings in place. */
export function admit(objects: readonly (Policy | Binding)[], req: AdmissionRequest): Decision {
  const policies = objects.filter((o): o is Policy => o.kind === 'ValidatingAdmissionPolicy');
  const bindings = objects.filter((o): o is Binding => o.kind === 'ValidatingAdmissionPolicyBinding');
  const decision: Decision = { matched: [], denials: [] };
  for (const policy of policies) {
    const bound = bindings.filter((b) => b.spec.policyName === policy.metadata.name);
    for (const b of bound) {
      for (const k of Object.keys(b.spec)) {
        if (k !== 'policyName' && k !== 'validationActions')
          throw new Error(`${b.metadata.name}: spec.${k} is not evaluated here`);
      }
    }
    // An unbound policy does nothing; a binding that only warns or audits refuses nothing.
    const denies = bound.some((b) => b.spec.validationActions.includes('Deny'));
    if (!denies) continue;
    const verdict = evaluatePolicy(policy, req);
    if (verdict === undefined) continue;
    decision.matched.push(policy.metadata.name);
    for (const message of verdict) decision.denials.push({ policy: policy.metadata.name, message });
  }
  return decision;
}
