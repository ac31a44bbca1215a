// Checks a lax fake would skip. Built-in objects go through kubernetes-models (ajv validators generated
// from the Kubernetes OpenAPI spec); PureLB custom resources go through the CRD's openAPIV3Schema from
// deploy/crds/*.yaml when that directory exists, else through the minimal schema in crd-schemas.ts; and
// MicroTime fields must carry exactly six fractional digits, which the real API server enforces when it
// decodes the body (400) and no schema expresses.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Lease } from 'kubernetes-models/coordination.k8s.io/v1';
import { EndpointSlice } from 'kubernetes-models/discovery.k8s.io/v1';
import { Event as EventsV1Event } from 'kubernetes-models/events.k8s.io/v1';
import { Event, Namespace, Node, Service } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { FALLBACK_CRD_SCHEMAS, type OpenApiSchema } from './crd-schemas.ts';
import type { ResourceType } from './resources.ts';

export interface FieldError {
  /** Dotted path as the API server writes it, e.g. spec.ports[0].port. */
  field: string;
  message: string;
  value?: unknown;
  /** 'decode': the body cannot be decoded at all (400 BadRequest); 'invalid': 422 Invalid. */
  kind: 'decode' | 'invalid';
}

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: Record<string, unknown>) => Validatable;

const MODELS: Record<string, ModelClass> = {
  '/v1/Namespace': Namespace as unknown as ModelClass,
  '/v1/Node': Node as unknown as ModelClass,
  '/v1/Service': Service as unknown as ModelClass,
  '/v1/Event': Event as unknown as ModelClass,
  'events.k8s.io/v1/Event': EventsV1Event as unknown as ModelClass,
  'discovery.k8s.io/v1/EndpointSlice': EndpointSlice as unknown as ModelClass,
  'coordination.k8s.io/v1/Lease': Lease as unknown as ModelClass,
};

// RFC3339 with exactly six fractional digits: Go's "2006-01-02T15:04:05.000000Z07:00", which is what
// metav1.MicroTime.UnmarshalJSON parses with.
const MICROTIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(Z|[+-]\d{2}:\d{2})$/;
const MICROTIME_FIELDS: Record<string, string[][]> = {
  'coordination.k8s.io/v1/Lease': [
    ['spec', 'acquireTime'],
    ['spec', 'renewTime'],
  ],
  'events.k8s.io/v1/Event': [['eventTime']],
  '/v1/Event': [['eventTime']],
};

/** ajv's instancePath /spec/ports/0/port → spec.ports[0].port */
export function jsonPointerToField(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(seg) ? `[${seg}]` : out ? `.${seg}` : seg;
  }
  return out;
}

function get(obj: unknown, path: string[]): unknown {
  let cur = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function checkMicroTimes(key: string, obj: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  for (const path of MICROTIME_FIELDS[key] ?? []) {
    const v = get(obj, path);
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || !MICROTIME.test(v)) {
      errors.push({
        field: path.join('.'),
        value: v,
        kind: 'decode',
        message: `parsing time ${JSON.stringify(v)} as "2006-01-02T15:04:05.000000Z07:00": a MicroTime needs exactly six fractional digits`,
      });
    }
  }
  return errors;
}

export function validateBuiltin(r: ResourceType, obj: Record<string, unknown>): FieldError[] {
  const key = `${r.group}/${r.version}/${r.kind}`;
  const decode = checkMicroTimes(key, obj);
  if (decode.length > 0) return decode;
  const Model = MODELS[key];
  if (!Model) throw new Error(`fake API server: no kubernetes-models class for ${key}`);
  try {
    new Model(obj).validate();
    return [];
  } catch (err) {
    const e = err as {
      errors?: { instancePath: string; message?: string; params?: unknown }[];
      message: string;
    };
    if (!e.errors) throw err;
    return e.errors.map((x) => ({
      field: jsonPointerToField(x.instancePath),
      value: get(obj, x.instancePath.split('/').slice(1)),
      kind: 'invalid' as const,
      message: x.message ?? 'invalid',
    }));
  }
}

// ---- custom resources -------------------------------------------------------------------------

const CRD_DIR = fileURLToPath(new URL('../../deploy/crds/', import.meta.url));

interface CrdDoc {
  kind?: string;
  spec?: {
    group?: string;
    names?: { plural?: string };
    versions?: { name?: string; schema?: { openAPIV3Schema?: OpenApiSchema } }[];
  };
}

/** Schemas from deploy/crds/*.yaml keyed by group/version/plural; empty when the directory is absent. */
function loadDeployedSchemas(): Map<string, OpenApiSchema> {
  const out = new Map<string, OpenApiSchema>();
  let files: string[];
  try {
    files = readdirSync(CRD_DIR).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'));
  } catch {
    return out;
  }
  for (const f of files) {
    for (const doc of parseAllDocuments(readFileSync(CRD_DIR + f, 'utf8'))) {
      const crd = doc.toJS() as CrdDoc | null;
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const v of crd.spec?.versions ?? []) {
        const schema = v.schema?.openAPIV3Schema;
        if (schema) out.set(`${crd.spec?.group}/${v.name}/${crd.spec?.names?.plural}`, schema);
      }
    }
  }
  return out;
}

let deployed: Map<string, OpenApiSchema> | undefined;

/** Where the schema for a custom resource comes from: 'deploy/crds' or 'fallback'. */
export function crdSchemaSource(r: ResourceType): 'deploy/crds' | 'fallback' {
  deployed ??= loadDeployedSchemas();
  return deployed.has(`${r.group}/${r.version}/${r.plural}`) ? 'deploy/crds' : 'fallback';
}

function schemaFor(r: ResourceType): OpenApiSchema {
  deployed ??= loadDeployedSchemas();
  const s = deployed.get(`${r.group}/${r.version}/${r.plural}`) ?? FALLBACK_CRD_SCHEMAS[r.plural];
  if (!s) throw new Error(`fake API server: no schema for ${r.group}/${r.version}/${r.plural}`);
  return s;
}

const typeOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;

/**
 * Structural-schema validation (the OpenAPI v3 subset CRDs allow) that also prunes unknown fields in
 * place, as the API server does for CRDs without x-kubernetes-preserve-unknown-fields, and fills in
 * schema defaults. CEL rules (x-kubernetes-validations) are NOT evaluated: @bufbuild/cel is not installed.
 * metadata is left to the generic checks, as the API server does.
 */
export function checkOpenApi(
  schema: OpenApiSchema,
  value: unknown,
  field: string,
  errors: FieldError[],
): void {
  const bad = (message: string): void => {
    errors.push({ field: field || '<root>', value, kind: 'invalid', message });
  };
  if (value === null) {
    if (!schema.nullable) bad('must not be null');
    return;
  }
  if (schema['x-kubernetes-int-or-string']) {
    if (typeof value !== 'string' && !Number.isInteger(value)) bad('must be an integer or a string');
    return;
  }
  const t = typeOf(value);
  if (schema.type) {
    const ok = schema.type === t || (schema.type === 'number' && t === 'integer');
    if (!ok) {
      bad(`must be of type ${schema.type}`);
      return;
    }
  }
  if (schema.enum && !schema.enum.some((e) => e === value))
    bad(`must be one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) bad(`must match ${schema.pattern}`);
    if (schema.minLength !== undefined && value.length < schema.minLength)
      bad(`must be at least ${schema.minLength} characters`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength)
      bad(`must be at most ${schema.maxLength} characters`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) bad(`must be >= ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) bad(`must be <= ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      bad(`must have at least ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      bad(`must have at most ${schema.maxItems} items`);
    if (schema.items)
      for (const [i, v] of value.entries()) checkOpenApi(schema.items, v, `${field}[${i}]`, errors);
  }
  if (t === 'object') {
    const o = value as Record<string, unknown>;
    // Structural defaulting: an absent property with a default gets it (parents are not created).
    for (const [k, p] of Object.entries(schema.properties ?? {}))
      if (o[k] === undefined && p.default !== undefined) o[k] = structuredClone(p.default);
    for (const req of schema.required ?? [])
      if (o[req] === undefined)
        errors.push({ field: field ? `${field}.${req}` : req, kind: 'invalid', message: 'Required value' });
    for (const [k, v] of Object.entries(o)) {
      const at = field ? `${field}.${k}` : k;
      if (!field && (k === 'metadata' || k === 'apiVersion' || k === 'kind')) continue;
      const prop = schema.properties?.[k];
      if (prop) checkOpenApi(prop, v, at, errors);
      else if (typeof schema.additionalProperties === 'object')
        checkOpenApi(schema.additionalProperties, v, at, errors);
      else if (!schema['x-kubernetes-preserve-unknown-fields'] && schema.additionalProperties !== true)
        delete o[k];
    }
  }
}

export function validateCustom(r: ResourceType, obj: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  checkOpenApi(schemaFor(r), obj, '', errors);
  return errors;
}
