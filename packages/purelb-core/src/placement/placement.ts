// One address on this node: a secondary on the elected local interface, or on the dummy interface.

import type { AddressPool, LifetimeConfig, LocalAgentConfig } from '../config/types.ts';
import { type NodeService, serviceKey } from '../kube.ts';
import type { Placement } from '../model.ts';
import { cidrOf, formatCidr } from '../net/cidr.ts';
import { familyBits, formatIP, type IP } from '../net/ip.ts';
import type { AddressFlag } from '../net/objects.ts';
import { wantsSkipIPv6DAD } from '../services/sharing.ts';
import { broadcastFor } from './broadcast.ts';

/** The interface whose address subnet holds the IP, and that subnet's prefix length. */
export interface LocalSubnetMatch {
  candidate: { name: string; index: number };
  prefixLength: number;
}

export interface PlacementContext {
  /** The group's skipIPv6DAD (the Service's purelb.io/skip-ipv6-dad annotation also turns it on). */
  skipIPv6DAD?: boolean;
  /** Appended to the reason: what led here (election won, fallback from an ambiguous default route…). */
  why?: string;
  /**
   * placeVirtual: a host-length prefix (/32, /128) instead of the pool's aggregation. A local-pool address
   * that falls back to the virtual interface lies in a subnet another interface of the node (or the LAN)
   * already has: with any shorter prefix the virtual interface would carry a route competing with it.
   */
  hostLength?: boolean;
  /**
   * The address's canonical text when the caller has it (the ingress entry's own string): the
   * placement keeps that string instead of a new one per placement.
   */
  text?: string;
}

function flagsFor(lifetimes: LifetimeConfig, nodad: boolean): AddressFlag[] {
  const flags: AddressFlag[] = [];
  if (nodad) flags.push('nodad');
  if (lifetimes.noPrefixRoute) flags.push('noprefixroute');
  return flags;
}

/**
 * The reason with what led to it, as ONE flat string: a placement lives as long as the state it is in,
 * and a reason built by templates is a tree of a dozen concatenations (~300 bytes for 150 characters,
 * 3 MB at 10k placements) where the joined text takes ~115.
 */
const withWhy = (reason: string[], why: string | undefined): string =>
  (why === undefined || why === '' ? reason : [...reason, '; ', why]).join('');

/**
 * A secondary address on the local interface with the prefix of the interface subnet that holds it
 * (so the kernel treats it like the node's own address on that subnet). IPv6: preferred lifetime 0
 * (deprecated, never picked as a source) and DAD unless skip-ipv6-dad.
 */
export function placeLocal(
  ip: IP,
  match: LocalSubnetMatch,
  local: LocalAgentConfig,
  svc: NodeService,
  context: PlacementContext = {},
): Placement {
  const lifetimes = local.addressConfig.localInterface;
  const v6 = ip.family === 6;
  const nodad = v6 && (wantsSkipIPv6DAD(svc) || context.skipIPv6DAD === true);
  const subnet = formatCidr(cidrOf(ip, match.prefixLength));
  const text = context.text ?? formatIP(ip);
  return {
    ip: text,
    family: ip.family,
    kind: 'local',
    link: match.candidate.name,
    prefixLength: match.prefixLength,
    broadcast: broadcastFor(ip, match.prefixLength),
    flags: flagsFor(lifetimes, nodad),
    validLifetime: lifetimes.validLifetime,
    // Deprecated at once: source-address selection and CNIs (flannel) never pick it as the node's own.
    preferredLifetime: v6 ? 0 : lifetimes.preferredLifetime,
    services: [serviceKey(svc)],
    reason: withWhy(
      [
        'local: ',
        text,
        ` lies in ${subnet} on ${match.candidate.name}, so it is added there with that subnet's /${match.prefixLength}`,
      ],
      context.why,
    ),
  };
}

/** An address on the dummy interface with the pool's aggregation prefix (routing exports it from there). */
export function placeVirtual(
  ip: IP,
  pool: AddressPool,
  local: LocalAgentConfig,
  svc: NodeService,
  context: PlacementContext = {},
): Placement {
  const lifetimes = local.addressConfig.dummyInterface;
  const prefixLength = context.hostLength === true ? familyBits(ip.family) : pool.aggregation;
  const aggregation =
    pool.aggregationText === '' || pool.aggregationText === 'default' ? 'default' : pool.aggregationText;
  const how =
    context.hostLength === true
      ? `as /${prefixLength} (a local-pool address there never takes its subnet's prefix, whose route would compete with the node's own)`
      : `with aggregation ${aggregation} (/${prefixLength})`;
  const text = context.text ?? formatIP(ip);
  return {
    ip: text,
    family: ip.family,
    kind: 'virtual',
    link: local.dummyInterface,
    prefixLength,
    broadcast: broadcastFor(ip, prefixLength),
    flags: flagsFor(lifetimes, false),
    validLifetime: lifetimes.validLifetime,
    preferredLifetime: lifetimes.preferredLifetime,
    services: [serviceKey(svc)],
    reason: withWhy(
      ['virtual: ', text, ' from pool ', pool.pool, ' goes on ', local.dummyInterface, ' ', how],
      context.why,
    ),
  };
}
