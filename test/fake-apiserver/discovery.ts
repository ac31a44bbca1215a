// Discovery documents (/api, /api/v1, /apis, /apis/<group>/<version>), built from the resource table,
// in the legacy (non-aggregated) JSON form; kubectl falls back to it when the reply is plain
// application/json.
import { RESOURCES, type ResourceType } from './resources.ts';

const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const STATUS_VERBS = ['get', 'patch', 'update'];

export function coreVersions(serverAddress: string): unknown {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function groupList(): unknown {
  const groups = new Map<string, string[]>();
  for (const r of RESOURCES) {
    if (!r.group) continue;
    const vs = groups.get(r.group) ?? [];
    if (!vs.includes(r.version)) vs.push(r.version);
    groups.set(r.group, vs);
  }
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, versions]) => ({
      name,
      versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
    })),
  };
}

export function group(name: string): unknown | undefined {
  const list = groupList() as { groups: { name: string }[] };
  const g = list.groups.find((x) => x.name === name);
  return g && { kind: 'APIGroup', apiVersion: 'v1', ...g };
}

export function resourceList(groupName: string, version: string): unknown | undefined {
  const rs = RESOURCES.filter((r) => r.group === groupName && r.version === version);
  if (rs.length === 0) return undefined;
  const entries: unknown[] = [];
  for (const r of rs) {
    entries.push(entry(r));
    if (r.status)
      entries.push({
        name: `${r.plural}/status`,
        singularName: '',
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: STATUS_VERBS,
      });
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupName ? `${groupName}/${version}` : version,
    resources: entries,
  };
}

function entry(r: ResourceType): unknown {
  return {
    name: r.plural,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: VERBS,
    ...(r.shortNames ? { shortNames: r.shortNames } : {}),
  };
}
