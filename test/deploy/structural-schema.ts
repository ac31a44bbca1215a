// Checks an object against a CRD's OpenAPI v3 (structural) schema the way the API server would on
// create: defaults applied, unknown fields reported (the server would silently prune them, so in a
// manifest they are typos), types, bounds and patterns, then the x-kubernetes-validations rules.
// The rules are CEL, which is not evaluated here: each rule text must have a JavaScript twin in the
// table the caller passes, and a rule without one is an error, so the table cannot fall behind the CRD.
// Only the keywords the deploy/ CRDs use are understood; any other keyword is refused, never ignored.

export interface SchemaError {
  path: string;
  message: string;
}

/** CEL rule text → the same predicate over `self` (the object the rule sits on, defaults applied). */
export type RuleTable = Record<string, (self: Record<string, unknown> & unknown) => boolean>;

type Schema = Record<string, unknown>;

const KNOWN = new Set([
  'type',
  'properties',
  'required',
  'items',
  'additionalProperties',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'maxProperties',
  'enum',
  'default',
  'description',
  'format',
  'x-kubernetes-validations',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-map-type',
]);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const join = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;

function typeProblem(type: unknown, v: unknown): string | undefined {
  switch (type) {
    case 'object':
      return isObject(v) ? undefined : 'must be an object';
    case 'array':
      return Array.isArray(v) ? undefined : 'must be an array';
    case 'string':
      return typeof v === 'string' ? undefined : 'must be a string';
    case 'integer':
      return Number.isInteger(v) ? undefined : 'must be an integer';
    case 'number':
      return typeof v === 'number' ? undefined : 'must be a number';
    case 'boolean':
      return typeof v === 'boolean' ? undefined : 'must be a boolean';
    default:
      throw new Error(`schema type ${JSON.stringify(type)} is not understood by this checker`);
  }
}

/** Every rule text in a schema (to check the rule table covers them all). */
export function collectRules(schema: Schema, out: string[] = []): string[] {
  for (const r of (schema['x-kubernetes-validations'] as { rule: string }[] | undefined) ?? []) {
    out.push(r.rule);
  }
  for (const child of Object.values((schema.properties as Record<string, Schema> | undefined) ?? {})) {
    collectRules(child, out);
  }
  if (isObject(schema.items)) collectRules(schema.items, out);
  if (isObject(schema.additionalProperties)) collectRules(schema.additionalProperties, out);
  return out;
}

/**
 * Validates `value` against `schema`; returns the value with defaults applied and every error found.
 * `path` names the root in messages (e.g. "" for a whole object, so errors read "spec.local...").
 */
export function checkAgainstSchema(
  schema: Schema,
  value: unknown,
  rules: RuleTable,
  path = '',
): { value: unknown; errors: SchemaError[] } {
  const errors: SchemaError[] = [];
  const out = walk(schema, structuredClone(value), path, rules, errors);
  return { value: out, errors };
}

function walk(schema: Schema, v: unknown, path: string, rules: RuleTable, errors: SchemaError[]): unknown {
  for (const k of Object.keys(schema)) {
    if (!KNOWN.has(k))
      throw new Error(`schema keyword "${k}" at ${path || '(root)'} is not understood by this checker`);
  }
  const where = path || '(root)';
  const problem = typeProblem(schema.type, v);
  if (problem !== undefined) {
    errors.push({ path: where, message: `${where} ${problem}, got ${JSON.stringify(v)}` });
    return v;
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(v)) {
    errors.push({
      path: where,
      message: `${where} must be one of ${schema.enum.join(', ')}, got ${JSON.stringify(v)}`,
    });
  }
  if (typeof v === 'string') {
    // The API server counts characters (runes), not UTF-16 units.
    const len = [...v].length;
    if (typeof schema.minLength === 'number' && len < schema.minLength) {
      errors.push({ path: where, message: `${where} must be at least ${schema.minLength} characters` });
    }
    if (typeof schema.maxLength === 'number' && len > schema.maxLength) {
      errors.push({ path: where, message: `${where} must be at most ${schema.maxLength} characters` });
    }
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(v)) {
      errors.push({ path: where, message: `${where} ${JSON.stringify(v)} does not match ${schema.pattern}` });
    }
  }
  if (typeof v === 'number') {
    if (typeof schema.minimum === 'number' && v < schema.minimum) {
      errors.push({ path: where, message: `${where} must be >= ${schema.minimum}, got ${v}` });
    }
    if (typeof schema.maximum === 'number' && v > schema.maximum) {
      errors.push({ path: where, message: `${where} must be <= ${schema.maximum}, got ${v}` });
    }
  }
  if (Array.isArray(v)) {
    if (typeof schema.minItems === 'number' && v.length < schema.minItems) {
      errors.push({ path: where, message: `${where} must have at least ${schema.minItems} items` });
    }
    if (typeof schema.maxItems === 'number' && v.length > schema.maxItems) {
      errors.push({ path: where, message: `${where} must have at most ${schema.maxItems} items` });
    }
    if (isObject(schema.items)) {
      for (let i = 0; i < v.length; i++) v[i] = walk(schema.items, v[i], join(path, i), rules, errors);
    }
  }
  if (
    isObject(v) &&
    typeof schema.maxProperties === 'number' &&
    Object.keys(v).length > schema.maxProperties
  ) {
    errors.push({ path: where, message: `${where} must have at most ${schema.maxProperties} entries` });
  }
  if (isObject(v)) walkObject(schema, v, path, rules, errors);
  for (const r of (schema['x-kubernetes-validations'] as { rule: string; message: string }[] | undefined) ??
    []) {
    const fn = rules[r.rule];
    if (fn === undefined) throw new Error(`no JavaScript twin for the CEL rule at ${where}: ${r.rule}`);
    if (!fn(v as Record<string, unknown>)) errors.push({ path: where, message: `${where}: ${r.message}` });
  }
  return v;
}

function walkObject(
  schema: Schema,
  v: Record<string, unknown>,
  path: string,
  rules: RuleTable,
  errors: SchemaError[],
): void {
  const where = path || '(root)';
  const props = schema.properties as Record<string, Schema> | undefined;
  const extra = schema.additionalProperties;
  for (const req of (schema.required as string[] | undefined) ?? []) {
    if (v[req] === undefined)
      errors.push({ path: join(path, req), message: `${join(path, req)} is required` });
  }
  if (props !== undefined) {
    for (const [key, child] of Object.entries(props)) {
      if (v[key] === undefined && child.default !== undefined) v[key] = structuredClone(child.default);
      if (v[key] !== undefined) v[key] = walk(child, v[key], join(path, key), rules, errors);
    }
  }
  const keepsUnknown = schema['x-kubernetes-preserve-unknown-fields'] === true;
  for (const key of Object.keys(v)) {
    if (props?.[key] !== undefined) continue;
    if (isObject(extra)) v[key] = walk(extra, v[key], join(path, key), rules, errors);
    else if (keepsUnknown) continue;
    else if (props === undefined && extra === undefined) {
      // `metadata: {type: object}`: the API server validates ObjectMeta itself.
      if (path !== 'metadata')
        throw new Error(`${where} is an object with no properties and no rule for its fields`);
    } else {
      errors.push({
        path: join(path, key),
        message: `unknown field ${join(path, key)} (the API server would prune it)`,
      });
    }
  }
}

/**
 * Lists and strings a validation rule can reach without a maxItems/maxLength. The API server estimates
 * each rule's worst-case cost from these bounds (an unbounded one is sized from the 3 MB request
 * limit) and refuses a CRD whose rules could cost too much, so every one of them must be bounded:
 * the node carrying the rule, its direct fields, and any list whose items carry rules.
 */
export function unboundedForRules(schema: Schema, path = ''): string[] {
  const out: string[] = [];
  const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
  const hasRules = Array.isArray(schema['x-kubernetes-validations']);
  const unbounded = (s: Schema): boolean =>
    (s.type === 'string' && s.enum === undefined && typeof s.maxLength !== 'number') ||
    (s.type === 'array' && typeof s.maxItems !== 'number');
  if (hasRules) {
    if (unbounded(schema)) out.push(path || '(root)');
    for (const [k, child] of Object.entries(props)) if (unbounded(child)) out.push(join(path, k));
  }
  if (isObject(schema.items)) {
    if (collectRules(schema.items).length > 0 && typeof schema.maxItems !== 'number') out.push(path);
    out.push(...unboundedForRules(schema.items, `${path}[]`));
  }
  for (const [k, child] of Object.entries(props)) out.push(...unboundedForRules(child, join(path, k)));
  return out;
}
