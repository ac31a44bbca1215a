// The interfaces a local address may go on, in upstream's resolution order, and the subnet lookup
// that decides whether an address is local to this node.
import { DEFAULT_DUMMY_INTERFACE } from '../config/lbnodeagent.ts';
import type { LocalAgentConfig } from '../config/types.ts';
import type { Link, LocalInterfaceElection, NodeNetwork } from '../model.ts';
import { cidrContains } from '../net/cidr.ts';
import { type Family, parseIP } from '../net/ip.ts';
import { hasCarrier } from './carrier.ts';
import { electDefaultInterface } from './default-route.ts';
import { type LocalSubnet, usableSubnets } from './usable-subnets.ts';

const ARPHRD_LOOPBACK = 772;
const IFF_LOOPBACK = 0x8;

export interface CandidateInterface {
  name: string;
  index: number;
  subnets: LocalSubnet[];
}

export interface LocalCandidates {
  /** The default-route election, reported even when a regex chose the interfaces. */
  election: LocalInterfaceElection;
  /** In precedence order: the first whose subnet holds an address takes it. */
  candidates: CandidateInterface[];
  /** Interfaces that would be candidates but have no carrier (or carrier not trusted yet), by name. */
  carrierless: string[];
}

const isLoopback = (l: Link): boolean => l.type === ARPHRD_LOOPBACK || (l.flags & IFF_LOOPBACK) !== 0;

/** Whether a link may carry local addresses now: it has carrier, trusted (see carrier.ts). */
const carries = (l: Link, network: NodeNetwork): boolean =>
  hasCarrier(l) && network.carrierHeld?.has(l.index) !== true;

/** A copy without g/y, whose `test` would otherwise carry lastIndex from one name to the next. */
const statelessRegex = (re: RegExp): RegExp =>
  re.global || re.sticky ? new RegExp(re.source, re.flags.replace(/[gy]/g, '')) : re;

/**
 * The candidate interfaces for `family`: with localInterface "default" (or no config) the elected
 * default-route interface, otherwise every interface whose name the unanchored regex matches, sorted
 * by name; then `interfaces[]` in order. Loopback and the dummy interface are never candidates (an
 * address on them is not on the node's subnet), nor is an interface without carrier or whose carrier
 * is not trusted yet (carrier.ts); an interface is listed once, and names not present on the node are
 * left out.
 */
export function localCandidates(
  family: Family,
  network: NodeNetwork,
  local: LocalAgentConfig | undefined,
): LocalCandidates {
  const election = electDefaultInterface(family, network);
  const dummy = local?.dummyInterface ?? DEFAULT_DUMMY_INTERFACE;
  const present = network.links.filter((l) => !isLoopback(l) && l.name !== dummy);
  const usable = present.filter((l) => carries(l, network));
  const byName = new Map(usable.map((l) => [l.name, l]));

  const chosen: Link[] = [];
  const localInterface = local?.localInterface ?? 'default';
  if (localInterface === 'default') {
    const elected = election.status === 'elected' ? byName.get(election.link) : undefined;
    if (elected !== undefined) chosen.push(elected);
  } else {
    const re = statelessRegex(localInterface.regex);
    const matches = usable.filter((l) => re.test(l.name));
    chosen.push(...matches.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
  }
  for (const name of local?.interfaces ?? []) {
    const link = byName.get(name);
    if (link !== undefined) chosen.push(link);
  }

  const seen = new Set<number>();
  const candidates: CandidateInterface[] = [];
  for (const link of chosen) {
    if (seen.has(link.index)) continue;
    seen.add(link.index);
    candidates.push({
      name: link.name,
      index: link.index,
      subnets: usableSubnets(link, family, network.addresses),
    });
  }
  return { election, candidates, carrierless: carrierless(present, network, local, election) };
}

/** The interfaces the same rules would choose among those only carrier keeps out. */
function carrierless(
  present: Link[],
  network: NodeNetwork,
  local: LocalAgentConfig | undefined,
  election: LocalInterfaceElection,
): string[] {
  const out = present.filter((l) => !carries(l, network));
  if (out.length === 0) return [];
  const localInterface = local?.localInterface ?? 'default';
  const chosen = (l: Link) =>
    (localInterface === 'default'
      ? election.status === 'elected' && election.link === l.name
      : statelessRegex(localInterface.regex).test(l.name)) || (local?.interfaces ?? []).includes(l.name);
  return out.filter(chosen).map((l) => l.name);
}

export interface SubnetMatch {
  candidate: CandidateInterface;
  /** The prefix length a local placement of the address takes. */
  prefixLength: number;
  subnet: LocalSubnet;
}

/**
 * The interface and subnet `ip` is local to: the first candidate (in precedence order) with a subnet
 * holding it. Within one interface the most specific subnet (longest prefix) wins, the first in dump
 * order on a tie — upstream takes the last match, which makes the result depend on address order.
 * Throws on text that is not an IP address.
 */
export function findLocalSubnet(
  ip: string,
  candidates: readonly CandidateInterface[],
): SubnetMatch | undefined {
  const addr = parseIP(ip);
  if (addr === undefined) throw new RangeError(`findLocalSubnet: "${ip}" is not an IP address`);
  for (const candidate of candidates) {
    let best: LocalSubnet | undefined;
    for (const s of candidate.subnets) {
      if (cidrContains(s.cidr, addr) && (best === undefined || s.prefixLength > best.prefixLength)) best = s;
    }
    if (best !== undefined) return { candidate, prefixLength: best.prefixLength, subnet: best };
  }
  return undefined;
}
