// Which ServiceGroup a Service allocates from: its annotation, else its namespace's default group,
// else the group named "default". enforceNamespaces fences both ways: such a group serves only the
// namespaces it lists, and a namespace it lists may use only groups that list it.

import { ANNOTATION_SERVICE_GROUP } from '../annotations.ts';
import type { ServiceGroupConfig } from '../config/types.ts';
import { DEFAULT_GROUP_NAME } from './keys.ts';

export type GroupResolution =
  | { ok: true; group: ServiceGroupConfig; how: 'annotation' | 'namespace-default' | 'default' }
  | { ok: false; reason: 'no-group' | 'namespace-denied'; message: string };

/** Groups with enforceNamespaces that list the namespace: if any, the namespace is fenced to them. */
const fencingGroups = (groups: readonly ServiceGroupConfig[], namespace: string): ServiceGroupConfig[] =>
  groups.filter((g) => g.enforceNamespaces && g.namespaces.includes(namespace));

function admits(
  groups: readonly ServiceGroupConfig[],
  group: ServiceGroupConfig,
  namespace: string,
): string | undefined {
  if (group.enforceNamespaces && !group.namespaces.includes(namespace)) {
    return `ServiceGroup ${group.name} serves only namespaces ${group.namespaces.join(',')}, not ${namespace}`;
  }
  const fences = fencingGroups(groups, namespace);
  if (fences.length > 0 && !group.namespaces.includes(namespace)) {
    return `namespace ${namespace} is fenced to ServiceGroup(s) ${fences.map((g) => g.name).join(',')} (enforceNamespaces); ${group.name} does not list it`;
  }
  return undefined;
}

/** `groups` sorted by name: the namespace default is the first group by name that claims it. */
export function resolveGroup(
  groups: readonly ServiceGroupConfig[],
  namespace: string,
  annotation: string | undefined,
): GroupResolution {
  let group: ServiceGroupConfig | undefined;
  let how: 'annotation' | 'namespace-default' | 'default';
  if (annotation !== undefined) {
    group = groups.find((g) => g.name === annotation);
    if (group === undefined) {
      return {
        ok: false,
        reason: 'no-group',
        message: `ServiceGroup "${annotation}" (annotation ${ANNOTATION_SERVICE_GROUP}) does not exist`,
      };
    }
    how = 'annotation';
  } else {
    group = groups.find((g) => g.namespaceDefault && g.namespaces.includes(namespace));
    how = 'namespace-default';
    if (group === undefined) {
      group = groups.find((g) => g.name === DEFAULT_GROUP_NAME);
      how = 'default';
    }
    if (group === undefined) {
      return {
        ok: false,
        reason: 'no-group',
        message: `no ServiceGroup for namespace ${namespace}: no ${ANNOTATION_SERVICE_GROUP} annotation, no namespaceDefault group lists it, and no group is named "${DEFAULT_GROUP_NAME}"`,
      };
    }
  }
  const denied = admits(groups, group, namespace);
  if (denied !== undefined) return { ok: false, reason: 'namespace-denied', message: denied };
  return { ok: true, group, how };
}
