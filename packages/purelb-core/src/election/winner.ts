// Which node announces a local address (PureLB v0.15+ compatible): among live members whose advertised
// subnets hold the address, the smallest sha256(node + "#" + ip), compared bytewise. Every agent computes
// it alone from the same leases, so it must depend on nothing but the node names and the address.
import { createHash } from 'node:crypto';
import { cidrContains } from '../net/cidr.ts';
import { formatIP, parseIP } from '../net/ip.ts';
import type { Member } from './members.ts';

const parseOrThrow = (ip: string, caller: string) => {
  const addr = parseIP(ip);
  if (addr === undefined) throw new RangeError(`${caller}: "${ip}" is not an IP address`);
  return addr;
};

const electionKey = (node: string, canonicalIp: string): Buffer =>
  createHash('sha256').update(`${node}#${canonicalIp}`, 'utf8').digest();

function rankCanonical(canonicalIp: string, nodes: Iterable<string>): string[] {
  const keyed = [...new Set(nodes)].map((node) => ({ node, key: electionKey(node, canonicalIp) }));
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  return keyed.map((k) => k.node);
}

/**
 * `nodes` in election order for `ip`: the first is the winner, the second takes over if the first goes,
 * and so on. The address is hashed in canonical text, so "2001:DB8::1" and "2001:db8::1" agree.
 */
export function rankNodes(ip: string, nodes: Iterable<string>): string[] {
  return rankCanonical(formatIP(parseOrThrow(ip, 'rankNodes')), nodes);
}

export interface WinnerResult {
  /** undefined: no live member's subnets hold the address (or none is eligible), so nobody announces. */
  winner: string | undefined;
  /** The eligible members whose subnets hold the address, in election order (the winner first). */
  candidates: string[];
}

/**
 * The node that announces `ip`. With `eligible` (externalTrafficPolicy Local: the nodes with a ready
 * endpoint), only those nodes are candidates. With `preferred` (purelb.io/node-affinity:
 * service-endpoints), the candidates among them rank first, each group in hash order; none of them a
 * candidate, the plain hash order stands (upstream's fallback).
 */
export function electWinner(
  ip: string,
  members: readonly Member[],
  eligible?: ReadonlySet<string>,
  preferred?: ReadonlySet<string>,
): WinnerResult {
  const addr = parseOrThrow(ip, 'electWinner');
  const holders = members
    .filter((m) => eligible === undefined || eligible.has(m.node))
    .filter((m) => m.subnets.some((s) => cidrContains(s, addr)))
    .map((m) => m.node);
  const ranked = rankCanonical(formatIP(addr), holders);
  const candidates =
    preferred === undefined
      ? ranked
      : [...ranked.filter((n) => preferred.has(n)), ...ranked.filter((n) => !preferred.has(n))];
  return { winner: candidates[0], candidates };
}
