// Reading untrusted objects field by field: every problem becomes a ValidationIssue naming the path
// and the value, and reading goes on so one pass reports everything wrong with an object.
import type { ValidationIssue } from './types.ts';

export type Issues = ValidationIssue[];

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const describe = (v: unknown): string => {
  if (v === undefined) return 'undefined';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
};

export function issue(issues: Issues, path: string, value: unknown, message: string): void {
  issues.push({ path, value, message });
}

/** Reports every key of `obj` that is not in `known` (a typo would otherwise be silently ignored). */
export function checkKeys(
  issues: Issues,
  path: string,
  obj: Record<string, unknown>,
  known: readonly string[],
): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) issue(issues, `${path}.${key}`, obj[key], `unknown field "${key}" in ${path}`);
  }
}

/** An object at `path`, or undefined when absent; a non-object is reported. */
export function readObject(issues: Issues, path: string, v: unknown): Record<string, unknown> | undefined {
  if (v === undefined || v === null) return undefined;
  if (isRecord(v)) return v;
  issue(issues, path, v, `${path} must be an object, got ${describe(v)}`);
  return undefined;
}

export function readBool(issues: Issues, path: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'boolean') return v;
  issue(issues, path, v, `${path} must be true or false, got ${describe(v)}`);
  return dflt;
}

export function readString(issues: Issues, path: string, v: unknown, dflt: string): string {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'string') return v;
  issue(issues, path, v, `${path} must be a string, got ${describe(v)}`);
  return dflt;
}

/** An array at `path` (absent = empty); a non-array is reported. */
export function readArray(issues: Issues, path: string, v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v;
  issue(issues, path, v, `${path} must be a list, got ${describe(v)}`);
  return [];
}

export function readStringList(issues: Issues, path: string, v: unknown): string[] {
  const out: string[] = [];
  readArray(issues, path, v).forEach((item, i) => {
    if (typeof item === 'string') out.push(item);
    else issue(issues, `${path}[${i}]`, item, `${path}[${i}] must be a string, got ${describe(item)}`);
  });
  return out;
}

/** metadata.name and metadata.namespace of a custom resource; a missing name is reported. */
export function readMeta(issues: Issues, obj: unknown): { name: string; namespace: string } {
  const meta = isRecord(obj) && isRecord(obj.metadata) ? obj.metadata : undefined;
  const name = meta?.name;
  if (typeof name !== 'string' || name === '') {
    issue(issues, 'metadata.name', name, `metadata.name must be a non-empty string, got ${describe(name)}`);
  }
  const namespace = meta?.namespace;
  return {
    name: typeof name === 'string' ? name : '',
    namespace: typeof namespace === 'string' && namespace !== '' ? namespace : 'default',
  };
}

/** Checks apiVersion and kind when present (callers may pass objects without them, e.g. from tests). */
export function checkTypeMeta(issues: Issues, obj: Record<string, unknown>, kind: string): void {
  if (obj.apiVersion !== undefined && obj.apiVersion !== 'purelb.io/v2') {
    issue(
      issues,
      'apiVersion',
      obj.apiVersion,
      `apiVersion must be purelb.io/v2, got ${describe(obj.apiVersion)}`,
    );
  }
  if (obj.kind !== undefined && obj.kind !== kind) {
    issue(issues, 'kind', obj.kind, `kind must be ${kind}, got ${describe(obj.kind)}`);
  }
}
