// Configuration that works but probably not as meant: each is a warning naming the objects, so nothing
// is accepted in silence. Pure: the agent logs them, the diagnosis prints them as findings.
import { checkGroupOverlaps } from '../config/group-overlaps.ts';
import type { LocalAgentConfig, ServiceGroupConfig } from '../config/types.ts';
import { type NodeService, serviceKey } from '../kube.ts';
import type { NodeNetwork } from '../model.ts';
import { isAnnounceable } from '../services/announceable.ts';
import { ingressIPs } from '../services/ingress.ts';
import { sharingKey } from '../services/sharing.ts';
import type { Finding } from './finding.ts';

/** Pools of two ServiceGroups that overlap: the node announces the shared addresses as the first group's. */
function overlappingGroups(groups: ServiceGroupConfig[]): Finding[] {
  return checkGroupOverlaps(groups).map((o) => ({
    code: 'overlapping-groups',
    severity: 'warning',
    message: `${o.message}; the node agents announce addresses in both as ServiceGroup ${o.other}'s`,
    fix: `give ServiceGroup ${o.group} a pool that overlaps no other group's`,
  }));
}

/** One address in the status of Services that do not share it (no common purelb.io/allow-shared-ip key). */
function unsharedIPs(services: readonly NodeService[]): Finding[] {
  // Most addresses have one holder: a list is made only for the second (10k Services, 10k addresses).
  const first = new Map<string, NodeService>();
  const byIP = new Map<string, NodeService[]>();
  for (const svc of services) {
    if (!isAnnounceable(svc)) continue;
    for (const { ip } of ingressIPs(svc).ips) {
      const one = first.get(ip);
      if (one === undefined) first.set(ip, svc);
      else byIP.set(ip, [...(byIP.get(ip) ?? [one]), svc]);
    }
  }
  const out: Finding[] = [];
  for (const [ip, holders] of byIP) {
    const keys = new Set(holders.map(sharingKey));
    if (keys.size === 1 && !keys.has(undefined)) continue;
    const names = holders.map(serviceKey).sort();
    out.push({
      code: 'shared-ip-without-sharing',
      severity: 'warning',
      service: names.join(','),
      ip,
      message: `${ip} is in the status of ${names.join(' and ')}, which do not share it (no common purelb.io/allow-shared-ip key): one address answers for both`,
      fix: `give them the same purelb.io/allow-shared-ip key if they are meant to share ${ip}, or let the allocator give each its own (remove the copied status or purelb.io/addresses)`,
    });
  }
  return out;
}

/** spec.local.interfaces entries that name no interface on this node. */
function unknownInterfaces(agent: string, local: LocalAgentConfig, network: NodeNetwork): Finding[] {
  const names = new Set(network.links.map((l) => l.name));
  return local.interfaces
    .map((name, i) => ({ name, i }))
    .filter(({ name }) => !names.has(name))
    .map(({ name, i }) => ({
      code: 'unknown-interface',
      severity: 'warning',
      link: name,
      message: `LBNodeAgent ${agent} spec.local.interfaces[${i}] names ${name}, which this node does not have: it is skipped here`,
      fix: `correct the name (this node has ${[...names].sort().join(', ')}), or remove it if it is meant for other nodes only`,
    }));
}

/** An object a manifest file holds whose kind the agent does not read. */
export interface IgnoredObject {
  kind: string;
  /** "namespace/name" */
  name: string;
  /** "file:line (document N)" */
  where: string;
}

const READ_KINDS = ['Service', 'EndpointSlice', 'ServiceGroup', 'LBNodeAgent'] as const;

/** Edit distance, for "did you mean": a kind one or two letters off is a typo, not another kind. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(
        up + 1,
        row[j - 1]! + 1,
        diag + (a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1),
      );
      diag = up;
    }
  }
  return row[b.length]!;
}

function unknownKinds(ignored: readonly IgnoredObject[]): Finding[] {
  return ignored.map((o) => {
    const near = READ_KINDS.find((k) => distance(o.kind, k) <= 2);
    return {
      code: 'unknown-kind',
      severity: 'warning',
      message: `${o.where}: a ${o.kind} ${o.name} is ignored: the agent reads ${READ_KINDS.join(', ')}${near === undefined ? '' : ` (did you mean ${near}?)`}`,
      fix: near === undefined ? `remove it from the file, or ignore this warning` : `write kind: ${near}`,
    };
  });
}

export interface ConfigWarningsInput {
  groups: ServiceGroupConfig[];
  services: readonly NodeService[];
  /** The LBNodeAgent that applies to this node and its local section, when one does. */
  agent?: { name: string; local: LocalAgentConfig };
  /** Only its links are read (DecisionMemo compares no more of it). */
  network: NodeNetwork;
  /** Standalone: objects of kinds the agent does not read. */
  ignored?: readonly IgnoredObject[];
}

/** Every warning, in a stable order: groups, shared addresses, interfaces, ignored kinds. */
export function configWarnings(input: ConfigWarningsInput): Finding[] {
  // Each key built once, not in every comparison.
  const services = input.services
    .map((svc) => ({ svc, key: serviceKey(svc) }))
    .sort((a, b) => (a.key < b.key ? -1 : 1))
    .map(({ svc }) => svc);
  return [
    ...overlappingGroups(input.groups),
    ...unsharedIPs(services),
    ...(input.agent === undefined
      ? []
      : unknownInterfaces(input.agent.name, input.agent.local, input.network)),
    ...unknownKinds(input.ignored ?? []),
  ];
}
