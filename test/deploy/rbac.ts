// RBAC as the API server's authorizer applies it, for one service account and deploy/rbac.yaml: each
// rule of each role bound to it, expanded into single grants (API group, resource[/subresource], verb,
// optionally one resourceName, and the namespace a RoleBinding confines it to), and the grants that
// authorize a request. Rules follow rbac.authorization.k8s.io/v1: `*` matches anything, resourceNames
// match only a request that names an object (never a create, list or watch), a Role's rules only in
// its namespace, a ClusterRole's through a ClusterRoleBinding everywhere.

// biome-ignore lint/suspicious/noExplicitAny: RBAC objects as free-form YAML, shapes checked where read.
type Doc = any;

export interface RequestAttributes {
  verb: string;
  group: string;
  /** The resource, with `/subresource` when there is one: services/status. */
  resource: string;
  namespace?: string;
  name?: string;
}

export interface Grant {
  /** Which role, for messages: "ClusterRole purelb:allocator". */
  role: string;
  group: string;
  resource: string;
  verb: string;
  resourceName?: string;
  /** Set for a Role's rules (or a ClusterRole bound by a RoleBinding): only in this namespace. */
  namespace?: string;
}

export const grantKey = (g: Grant): string =>
  `${g.verb} ${g.group || 'core'}/${g.resource}${g.resourceName === undefined ? '' : ` name=${g.resourceName}`}` +
  ` ${g.namespace === undefined ? '(cluster)' : `ns=${g.namespace}`}`;

const SUPPORTED_RULE = new Set(['apiGroups', 'resources', 'verbs', 'resourceNames']);

/** Every single grant the service account `namespace/name` holds through the bindings in `docs`. */
export function grantsOf(docs: readonly Doc[], namespace: string, name: string): Grant[] {
  const isSubject = (b: Doc) =>
    (b.subjects ?? []).some(
      (s: Doc) => s.kind === 'ServiceAccount' && s.name === name && s.namespace === namespace,
    );
  const out: Grant[] = [];
  for (const b of docs.filter((d) => d.kind === 'ClusterRoleBinding' || d.kind === 'RoleBinding')) {
    if (!isSubject(b)) continue;
    const role = docs.find(
      (d) =>
        d.kind === b.roleRef.kind &&
        d.metadata.name === b.roleRef.name &&
        (d.kind === 'ClusterRole' || d.metadata.namespace === b.metadata.namespace),
    );
    if (role === undefined)
      throw new Error(`${b.kind} ${b.metadata.name}: no ${b.roleRef.kind} ${b.roleRef.name}`);
    const confined = b.kind === 'RoleBinding' ? b.metadata.namespace : undefined;
    for (const rule of role.rules ?? []) {
      for (const k of Object.keys(rule)) {
        if (!SUPPORTED_RULE.has(k))
          throw new Error(`${role.metadata.name}: rule field ${k} is not evaluated here`);
      }
      const names: (string | undefined)[] = rule.resourceNames?.length ? rule.resourceNames : [undefined];
      for (const group of rule.apiGroups)
        for (const resource of rule.resources)
          for (const verb of rule.verbs)
            for (const resourceName of names)
              out.push({
                role: `${role.kind} ${role.metadata.name}`,
                group,
                resource,
                verb,
                ...(resourceName === undefined ? {} : { resourceName }),
                ...(confined === undefined ? {} : { namespace: confined }),
              });
    }
  }
  return out;
}

const matches = (pattern: string, value: string): boolean => pattern === '*' || pattern === value;

/** The grants that authorize `req` (none: the API server answers 403). */
export function authorizing(grants: readonly Grant[], req: RequestAttributes): Grant[] {
  return grants.filter(
    (g) =>
      matches(g.group, req.group) &&
      matches(g.resource, req.resource) &&
      matches(g.verb, req.verb) &&
      (g.resourceName === undefined || (req.name !== undefined && g.resourceName === req.name)) &&
      (g.namespace === undefined || g.namespace === req.namespace),
  );
}
