// Invalid configuration with no valid version to go by: what it governs is left exactly as it is. A typo
// in a new LBNodeAgent or ServiceGroup must never withdraw what the node carries (nor place what the
// typo might mean): the objects' errors are reported, and the addresses wait for a valid version.
import { ANNOTATION_ALLOCATED_FROM } from '../annotations.ts';
import { DEFAULT_DUMMY_INTERFACE } from '../config/lbnodeagent.ts';
import { type NodeService, serviceKey } from '../kube.ts';
import type { DesiredState, NodeNetwork, Ownership, PlacementSkip } from '../model.ts';
import { canonicalIP, type IP, parseIP } from '../net/ip.ts';
import { isOwned } from '../plan/ownership.ts';
import { ingressIPs } from '../services/ingress.ts';
import type { DesiredInput, Frozen } from './types.ts';

const inRanges = (ip: IP, ranges: Frozen['groups'] & object): string | undefined =>
  ranges.find((g) =>
    g.ranges.some((r) => r.family === ip.family && r.first <= ip.value && ip.value <= r.last),
  )?.reason;

/** The groups a Service says it was allocated from ("a, b"). */
const allocatedFrom = (svc: NodeService): string[] =>
  (svc.metadata.annotations?.[ANNOTATION_ALLOCATED_FROM] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** Why this Service's address is frozen, or undefined when it is decided as usual. */
export function frozenReason(frozen: Frozen | undefined, svc: NodeService, ip: IP): string | undefined {
  const groups = frozen?.groups ?? [];
  if (groups.length === 0) return undefined;
  const from = allocatedFrom(svc);
  return groups.find((g) => from.includes(g.name))?.reason ?? inRanges(ip, groups);
}

export const frozenSkip = (svc: NodeService, ip: string, reason: string): PlacementSkip => ({
  service: serviceKey(svc),
  ip,
  code: 'invalid-config',
  reason: `${reason}; no valid version of it has been seen, so ${ip} is left exactly as it is on this node`,
  error: true,
});

/** PureLB's addresses on the node that lie in a frozen group's pools: not removed either. */
export function frozenHeld(frozen: Frozen | undefined, network: NodeNetwork, ownership: Ownership): string[] {
  const groups = frozen?.groups ?? [];
  if (groups.length === 0) return [];
  const out: string[] = [];
  for (const a of network.addresses) {
    const ip = parseIP(a.address);
    if (ip === undefined || !isOwned(a, network.links, ownership)) continue;
    if (inRanges(ip, groups) !== undefined) out.push(canonicalIP(a.address) ?? a.address);
  }
  return out;
}

/**
 * A desired state that places nothing: every address of `services` skipped with the same code and reason
 * (no LBNodeAgent selects the node, or the node is frozen). `keep` marks the frozen case.
 */
export function nothingPlaced(
  input: DesiredInput,
  services: readonly NodeService[],
  skip: Pick<PlacementSkip, 'code' | 'reason' | 'error'>,
  keep?: DesiredState['keep'],
): DesiredState {
  const skips = services.flatMap((svc) =>
    ingressIPs(svc).ips.map(({ ip }): PlacementSkip => ({ service: serviceKey(svc), ip, ...skip })),
  );
  return {
    node: input.node,
    placements: [],
    skips,
    elections: {},
    dummyInterface: DEFAULT_DUMMY_INTERFACE,
    agent: undefined,
    ...(keep === undefined ? {} : { keep }),
  };
}

/** The whole node frozen: every Service address is reported, nothing is placed or removed. */
export const frozenNode = (
  input: DesiredInput,
  services: readonly NodeService[],
  reason: string,
): DesiredState =>
  nothingPlaced(
    input,
    services,
    {
      code: 'invalid-config',
      reason: `${reason}; no valid version of it has been seen, so nothing on node ${input.node} is changed`,
      error: true,
    },
    { node: true, ips: [] },
  );
