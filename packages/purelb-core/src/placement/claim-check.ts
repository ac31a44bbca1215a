// The agent's first duty: a placement never claims an address the node or its segment already uses,
// and never adds a route that competes with the node's own. One check, used by the decision (which
// turns a problem into an error naming it) and by the planner (which refuses to add such an address
// whatever placement it is handed).
import { type Cidr, cidrContains, cidrOf, formatCidr } from '../net/cidr.ts';
import { familyBits, type IP } from '../net/ip.ts';
import { cidrsOverlap, reservedIn, reservedInSubnet } from '../net/reserved.ts';
import type { NodeFacts } from './node-facts.ts';

export type ClaimProblemCode = 'address-in-use' | 'reserved-address' | 'route-conflict';

export interface ClaimProblem {
  code: ClaimProblemCode;
  /** One sentence naming the address and what it collides with. */
  text: string;
}

export interface Claim {
  ip: IP;
  /** Canonical text of ip. */
  ipText: string;
  prefixLength: number;
  link: string;
  /** The prefix adds a route of its own (a virtual placement wider than the host length). */
  routed: boolean;
  /** Subnets whose reserved addresses the IP must not be (the pool's subnet, the interface's). */
  subnets: readonly Cidr[];
}

/** The start of a route-conflict text (made only when there is a conflict to report). */
const addsRoute = (c: Claim, net: Cidr): string =>
  `${c.ipText}/${c.prefixLength} on ${c.link} would add the route ${formatCidr(net)} dev ${c.link}`;

/** The route a routed placement adds: its network must not shadow or contain anything the node reaches. */
function routeProblem(c: Claim, facts: NodeFacts): ClaimProblem | undefined {
  const net = cidrOf(c.ip, c.prefixLength);
  for (const r of facts.reached) {
    if (cidrsOverlap(net, r.cidr)) {
      return {
        code: 'route-conflict',
        text: `${addsRoute(c, net)}, which overlaps ${formatCidr(r.cidr)} of ${r.text}`,
      };
    }
  }
  for (const [gateway, { ip, by }] of facts.gateways) {
    if (cidrContains(net, ip)) {
      return {
        code: 'route-conflict',
        text: `${addsRoute(c, net)}, which holds the gateway ${gateway} of ${by}`,
      };
    }
  }
  return undefined;
}

/** What is wrong with claiming `c` on this node, or undefined when nothing is. */
export function claimProblem(c: Claim, facts: NodeFacts): ClaimProblem | undefined {
  const held = facts.held.get(c.ipText);
  if (held !== undefined && (held.onSegment || held.link === c.link)) {
    return {
      code: 'address-in-use',
      text: `${c.ipText} is already an address of this node (${held.text}) that PureLB did not add`,
    };
  }
  const gateway = facts.gateways.get(c.ipText);
  if (gateway !== undefined) {
    return { code: 'reserved-address', text: `${c.ipText} is the gateway of this node's ${gateway.by}` };
  }
  // The placement's own network first (when wider than the host), then c.subnets in order.
  const reserved =
    (c.prefixLength < familyBits(c.ip.family)
      ? reservedInSubnet(c.ip, cidrOf(c.ip, c.prefixLength))
      : undefined) ?? reservedIn(c.ip, c.subnets);
  if (reserved !== undefined) return { code: 'reserved-address', text: `${c.ipText} is ${reserved}` };
  return c.routed ? routeProblem(c, facts) : undefined;
}
