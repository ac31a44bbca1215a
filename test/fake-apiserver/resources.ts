// The resource types the fake API server serves: where each lives in the URL space, whether it is
// namespaced, whether it has a /status subresource, and how it is checked. Discovery documents are
// generated from this table so kubectl and client-node see exactly what the server can do.
import { type FieldError, validateBuiltin, validateCustom } from './validate.ts';

export interface ResourceType {
  group: string; // '' for the core group
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  status: boolean;
  shortNames?: string[];
  /** Schema and format checks; returns the problems found, empty when the object is valid. */
  validate: (obj: Record<string, unknown>) => FieldError[];
}

export const apiVersionOf = (r: ResourceType): string => (r.group ? `${r.group}/${r.version}` : r.version);
export const resourceId = (r: ResourceType): string => `${r.group}/${r.version}/${r.plural}`;

function builtin(
  group: string,
  version: string,
  plural: string,
  kind: string,
  namespaced: boolean,
  status: boolean,
  shortNames?: string[],
): ResourceType {
  const r: ResourceType = {
    group,
    version,
    plural,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    status,
    shortNames,
    validate: (obj) => validateBuiltin(r, obj),
  };
  return r;
}

function custom(plural: string, kind: string, shortNames: string[]): ResourceType {
  const r: ResourceType = {
    group: 'purelb.io',
    version: 'v2',
    plural,
    singular: kind.toLowerCase(),
    kind,
    namespaced: true,
    status: true,
    shortNames,
    validate: (obj) => validateCustom(r, obj),
  };
  return r;
}

export const RESOURCES: readonly ResourceType[] = [
  builtin('', 'v1', 'namespaces', 'Namespace', false, true, ['ns']),
  builtin('', 'v1', 'nodes', 'Node', false, true, ['no']),
  builtin('', 'v1', 'services', 'Service', true, true, ['svc']),
  builtin('', 'v1', 'events', 'Event', true, false, ['ev']),
  builtin('events.k8s.io', 'v1', 'events', 'Event', true, false, ['ev']),
  builtin('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice', true, false),
  builtin('coordination.k8s.io', 'v1', 'leases', 'Lease', true, false),
  custom('servicegroups', 'ServiceGroup', ['sg']),
  custom('lbnodeagents', 'LBNodeAgent', ['lbna']),
];

export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}
