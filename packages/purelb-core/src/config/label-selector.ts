// Kubernetes label selectors (metav1.LabelSelector): parsing with errors, and matching.
import { checkKeys, describe, type Issues, isRecord, issue, readArray } from './fields.ts';
import type { LabelSelector } from './types.ts';

type Requirement = NonNullable<LabelSelector['matchExpressions']>[number];
const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

// Kubernetes label syntax: a value is at most 63 alphanumerics, '-', '_' or '.', starting and ending
// alphanumeric (or empty); a key is such a non-empty name with an optional DNS-subdomain prefix.
const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const isLabelValue = (v: string): boolean => v.length <= 63 && LABEL_NAME.test(v);

export function isLabelKey(k: string): boolean {
  const slash = k.lastIndexOf('/');
  const name = slash < 0 ? k : k.slice(slash + 1);
  const prefix = slash < 0 ? undefined : k.slice(0, slash);
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return false;
  return name !== '' && isLabelValue(name);
}

/** matchLabels AND every matchExpression; an empty or absent selector matches everything. */
export function matchesSelector(
  selector: LabelSelector | undefined,
  labels: Record<string, string>,
): boolean {
  if (selector === undefined) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (!Object.hasOwn(labels, k) || labels[k] !== v) return false;
  }
  return (selector.matchExpressions ?? []).every((r) => matchesRequirement(r, labels));
}

function matchesRequirement(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return has && values.includes(labels[r.key] as string);
    case 'NotIn':
      // Kubernetes: a node without the key satisfies NotIn.
      return !has || !values.includes(labels[r.key] as string);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

/** Whether the selector selects every node (absent, or neither labels nor expressions). */
export const isCatchAll = (selector: LabelSelector | undefined): boolean =>
  selector === undefined ||
  (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0);

/** Parses a LabelSelector at `path`; undefined when absent or invalid (invalid is reported). */
export function parseLabelSelector(issues: Issues, path: string, v: unknown): LabelSelector | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v)) {
    issue(issues, path, v, `${path} must be a label selector object, got ${describe(v)}`);
    return undefined;
  }
  const before = issues.length;
  checkKeys(issues, path, v, ['matchLabels', 'matchExpressions']);
  const out: LabelSelector = {};
  if (v.matchLabels !== undefined && v.matchLabels !== null) {
    if (!isRecord(v.matchLabels)) {
      issue(issues, `${path}.matchLabels`, v.matchLabels, `${path}.matchLabels must be a map of strings`);
    } else {
      const labels: Record<string, string> = {};
      for (const [k, val] of Object.entries(v.matchLabels)) {
        const at = `${path}.matchLabels.${k}`;
        if (!isLabelKey(k)) issue(issues, at, k, `${describe(k)} is not a valid label key`);
        if (typeof val !== 'string') issue(issues, at, val, 'label values must be strings');
        else if (!isLabelValue(val)) issue(issues, at, val, `${describe(val)} is not a valid label value`);
        else labels[k] = val;
      }
      out.matchLabels = labels;
    }
  }
  const exprs: Requirement[] = [];
  readArray(issues, `${path}.matchExpressions`, v.matchExpressions).forEach((e, i) => {
    const r = parseRequirement(issues, `${path}.matchExpressions[${i}]`, e);
    if (r !== undefined) exprs.push(r);
  });
  if (v.matchExpressions !== undefined) out.matchExpressions = exprs;
  return issues.length === before ? out : undefined;
}

function parseRequirement(issues: Issues, path: string, e: unknown): Requirement | undefined {
  if (!isRecord(e)) {
    issue(issues, path, e, `${path} must be {key, operator, values}, got ${describe(e)}`);
    return undefined;
  }
  const before = issues.length;
  checkKeys(issues, path, e, ['key', 'operator', 'values']);
  if (typeof e.key !== 'string' || e.key === '')
    issue(issues, `${path}.key`, e.key, `${path}.key is required`);
  else if (!isLabelKey(e.key))
    issue(issues, `${path}.key`, e.key, `${describe(e.key)} is not a valid label key`);
  const op = e.operator;
  if (!OPERATORS.includes(op as Requirement['operator'])) {
    issue(
      issues,
      `${path}.operator`,
      op,
      `operator must be one of ${OPERATORS.join(', ')}, got ${describe(op)}`,
    );
  }
  const values = readArray(issues, `${path}.values`, e.values);
  values.forEach((val, i) => {
    if (typeof val !== 'string') issue(issues, `${path}.values[${i}]`, val, 'values must be strings');
    else if (!isLabelValue(val))
      issue(issues, `${path}.values[${i}]`, val, `${describe(val)} is not a valid label value`);
  });
  // Kubernetes: In/NotIn need at least one value; Exists/DoesNotExist take none.
  if ((op === 'In' || op === 'NotIn') && values.length === 0) {
    issue(issues, `${path}.values`, e.values, `operator ${op} needs at least one value`);
  }
  if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0) {
    issue(issues, `${path}.values`, e.values, `operator ${op} takes no values`);
  }
  if (issues.length !== before) return undefined;
  const r: Requirement = { key: e.key as string, operator: op as Requirement['operator'] };
  if (values.length > 0) r.values = values as string[];
  return r;
}
