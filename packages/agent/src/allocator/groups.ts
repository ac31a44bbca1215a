// The ServiceGroups the allocator can use: each parsed by purelb-core (every bad field named), and
// pools overlapping an earlier group's refused (core's checkGroupOverlaps: one address must never be
// handed out by two groups). A bad group is left out; the others keep working.
import {
  type CustomResource,
  checkGroupOverlaps,
  parseServiceGroup,
  type ServiceGroupConfig,
  type ValidationIssue,
} from '@purelb-ts/core';

export interface InvalidGroup {
  object: CustomResource;
  /** The first bad field, for logs and the event. */
  field: string;
  /** Every problem, "path: message" joined by "; ". */
  problems: string;
}

export interface GroupSet {
  valid: ServiceGroupConfig[];
  /** By group name. */
  invalid: Map<string, InvalidGroup>;
}

const describe = (errors: readonly ValidationIssue[]): string =>
  errors.map((e) => `${e.path}: ${e.message}`).join('; ');

/** Parses the ServiceGroups of the PureLB namespace. */
export function readGroups(objects: readonly CustomResource[]): GroupSet {
  const parsed: { object: CustomResource; config: ServiceGroupConfig }[] = [];
  const invalid = new Map<string, InvalidGroup>();
  for (const object of objects) {
    const r = parseServiceGroup(object);
    if (r.ok) parsed.push({ object, config: r.value });
    else {
      invalid.set(object.metadata.name, {
        object,
        field: r.errors[0]?.path ?? '',
        problems: describe(r.errors),
      });
    }
  }
  const overlaps = checkGroupOverlaps(parsed.map((p) => p.config));
  for (const issue of overlaps) {
    const refused = parsed.find((p) => `${p.config.namespace}/${p.config.name}` === issue.group);
    if (refused === undefined) continue;
    const already = invalid.get(refused.config.name);
    invalid.set(refused.config.name, {
      object: refused.object,
      field: already?.field ?? issue.path,
      problems:
        already === undefined ? `${issue.path}: ${issue.message}` : `${already.problems}; ${issue.message}`,
    });
  }
  return { valid: parsed.filter((p) => !invalid.has(p.config.name)).map((p) => p.config), invalid };
}
