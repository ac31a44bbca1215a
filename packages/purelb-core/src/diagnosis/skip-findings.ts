// The desired state's error skips (addresses the rules could not place), as findings with a fix.
import type { PlacementSkip } from '../model.ts';
import { parseIP } from '../net/ip.ts';
import { type Finding, oneLine } from './finding.ts';

const FIXES: Readonly<Record<PlacementSkip['code'], (ip: string) => string>> = {
  'no-group': (ip) =>
    `add a pool containing ${ip} to a ServiceGroup, or give the Service an address from an existing pool (purelb.io/addresses)`,
  'invalid-config': () =>
    'fix the ServiceGroup or LBNodeAgent the message names; each parse error names its field path and value',
  'no-local-interface': () =>
    "make the LBNodeAgent's spec.local.localInterface / interfaces match an interface on this node, or use a remote pool",
  'no-carrier': () =>
    "the node's local interface has no carrier (`ip link` shows NO-CARRIER): check its cable, switch port or peer; another node announces the address meanwhile",
  'no-candidate': (ip) =>
    `no live node's lease lists a subnet containing ${ip}: check the lbnodeagent pods run and that a node interface has an address in that subnet`,
  'no-local-endpoint': () =>
    'the Service has externalTrafficPolicy: Local and no ready endpoint; check its pods, or use externalTrafficPolicy: Cluster',
  'not-selected': () =>
    "no LBNodeAgent selects this node: widen an LBNodeAgent's spec.nodeSelector to include it",
  'not-winner': () => 'another node announces it; nothing to do on this node',
  'ambiguous-default-route': () =>
    "keep one default route at the lowest metric, or name the local interface in the LBNodeAgent's spec.local.localInterface",
  'address-in-use': (ip) =>
    `${ip} is already used on this node by an address PureLB did not add, and PureLB never touches such an address: give the Service another address (purelb.io/addresses) and take ${ip} out of the ServiceGroup's pool`,
  'reserved-address': (ip) =>
    `take ${ip} out of the ServiceGroup's pool and give the Service another address: a gateway, or a subnet's network, broadcast or Subnet-Router anycast address, is never a Service address`,
  'route-conflict': () =>
    'set the pool\'s aggregation to a prefix that holds none of this node\'s networks and gateways ("/32" or "/128" always works), or move the pool out of the node\'s networks',
  'address-conflict': (ip) =>
    `another host on the segment answers for ${ip}: find it ("ip neigh show ${ip}" on a neighbour, or arping / ndisc6) and remove the address there, or take ${ip} out of the pool; the agent probes again and claims ${ip} once nobody answers`,
  'node-address': (ip) =>
    `${ip} is a node's own address: take it out of the ServiceGroup's pool (the allocator never hands it out) and let the allocator give the Service another one`,
};

/** What the operator does about a skip of `code` for `ip` (also the sentence of a node's refusal, lease-reports.ts). */
export const skipFix = (code: PlacementSkip['code'], ip: string): string => FIXES[code](ip);

/**
 * One finding per error skip. An ambiguous-default-route skip is left out for a family whose election
 * finding already says it (that one names the routes and the fix).
 */
export function skipFindings(
  skips: readonly PlacementSkip[],
  ambiguousFamilies: ReadonlySet<4 | 6>,
): Finding[] {
  const out: Finding[] = [];
  const sorted = [...skips].sort((a, b) =>
    a.service !== b.service ? (a.service < b.service ? -1 : 1) : a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0,
  );
  for (const s of sorted) {
    // address-in-use is reported with its holder by the safety findings.
    if (!s.error || s.code === 'address-in-use') continue;
    const family = parseIP(s.ip)?.family;
    if (s.code === 'ambiguous-default-route' && family !== undefined && ambiguousFamilies.has(family))
      continue;
    out.push({
      code: s.code,
      severity: 'error',
      message: oneLine(`${s.service} ${s.ip}: ${s.reason}`),
      service: s.service,
      ip: s.ip,
      fix: skipFix(s.code, s.ip),
    });
  }
  return out;
}
