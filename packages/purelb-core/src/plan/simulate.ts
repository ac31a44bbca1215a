// What the kernel would hold after a plan runs: a pure model of the address and link rules the plan
// relies on, so tests (idempotence) and the diagnosis can check a plan without a kernel.

import { IFF_LOWER_UP } from '../election/carrier.ts';
import type { NodeNetwork, Placement } from '../model.ts';
import { flagBits, IFA_F, SETTABLE_FLAGS } from '../net/address-flags.ts';
import { cidrOf } from '../net/cidr.ts';
import { canonicalIP, parseIP } from '../net/ip.ts';
import type { Address, Link } from '../net/objects.ts';
import type { AddressTag } from './ownership.ts';
import type { PlanOp } from './plan-ops.ts';

const IFF_UP = 0x1;
const IFF_BROADCAST = 0x2;
const IFF_RUNNING = 0x40;
const IFF_NOARP = 0x80;

const ARPHRD_ETHER = 1;

export interface SimulationOptions {
  /**
   * Whether the kernel keeps IFA_PROTO (>= 6.3). Default true; false models an older kernel, where only
   * the IPv4 label (and the dummy interface) prove ownership.
   */
  protocolSupported?: boolean;
}

/** An operation the kernel would refuse (the plan is wrong, not the kernel). */
export class PlanSimulationError extends Error {
  override name = 'PlanSimulationError';
}

const sameIP = (a: Address, ip: string): boolean => (canonicalIP(a.address) ?? a.address) === ip;

/** The kernel's identity of an address: (link, IP, prefix) for IPv4, (link, IP) for IPv6. */
const sameSlot = (a: Address, index: number, p: Placement): boolean =>
  a.index === index &&
  a.family === p.family &&
  sameIP(a, p.ip) &&
  (p.family === 6 || a.prefixLength === p.prefixLength);

const inSubnetOf = (a: Address, b: Address): boolean => {
  const ia = parseIP(a.address);
  const ib = parseIP(b.address);
  if (ia === undefined || ib === undefined || a.prefixLength !== b.prefixLength) return false;
  return cidrOf(ia, a.prefixLength).network === cidrOf(ib, b.prefixLength).network;
};

const isPrimary4 = (a: Address): boolean => a.family === 4 && (a.flags & IFA_F.secondary) === 0;

function createDummy(links: Link[], name: string, alias: string): Link[] {
  if (links.some((l) => l.name === name))
    throw new PlanSimulationError(`create-dummy ${name}: the link exists`);
  const index = links.reduce((max, l) => Math.max(max, l.index), 0) + 1;
  const dummy: Link = {
    index,
    name,
    type: ARPHRD_ETHER,
    flags: IFF_BROADCAST | IFF_NOARP,
    up: false,
    mtu: 1500,
    mac: undefined,
    operState: 'down',
    kind: 'dummy',
    master: undefined,
    alias,
  };
  return [...links, dummy];
}

function linkUp(links: Link[], name: string): Link[] {
  if (!links.some((l) => l.name === name)) throw new PlanSimulationError(`link-up ${name}: no such link`);
  return links.map((l) =>
    l.name === name
      ? {
          ...l,
          up: true,
          flags: l.flags | IFF_UP | IFF_RUNNING | IFF_LOWER_UP,
          operState: l.kind === 'dummy' ? 'unknown' : l.operState,
        }
      : l,
  );
}

/** The address the kernel reports after adding the placement with the tag. */
function addressFor(
  p: Placement,
  link: Link,
  tag: AddressTag,
  existing: Address[],
  protocol: boolean,
): Address {
  let flags = flagBits(p.flags) & SETTABLE_FLAGS;
  if (!Number.isFinite(p.validLifetime)) flags |= IFA_F.permanent;
  if (p.preferredLifetime === 0) flags |= IFA_F.deprecated;
  const address: Address = {
    family: p.family,
    index: link.index,
    address: p.ip,
    prefixLength: p.prefixLength,
    broadcast: p.family === 4 ? p.broadcast : undefined,
    label: p.family === 4 ? (tag.label ?? link.name) : undefined,
    flags,
    scope: 0,
    validLifetime: p.validLifetime,
    preferredLifetime: p.preferredLifetime,
    protocol: protocol ? tag.protocol : undefined,
  };
  // IPv4: an address in the subnet of a primary with the same prefix becomes a secondary.
  if (
    p.family === 4 &&
    existing.some((a) => a.index === link.index && isPrimary4(a) && inSubnetOf(a, address))
  ) {
    address.flags |= IFA_F.secondary;
  }
  return address;
}

function requireLink(links: Link[], name: string, what: string): Link {
  const link = links.find((l) => l.name === name);
  if (link === undefined) throw new PlanSimulationError(`${what}: no link ${name}`);
  return link;
}

/**
 * Removes the addresses matching `gone`. An IPv4 primary's first secondary in the same subnet is promoted,
 * as with net.ipv4.conf.<dev>.promote_secondaries=1 (which the agent sets: without it, deleting a primary
 * takes its secondaries with it).
 */
function removeAddresses(addresses: Address[], gone: (a: Address) => boolean): Address[] {
  const removed = addresses.filter(gone);
  let kept = addresses.filter((a) => !gone(a));
  for (const r of removed) {
    if (!isPrimary4(r)) continue;
    if (kept.some((a) => a.index === r.index && isPrimary4(a) && inSubnetOf(a, r))) continue;
    const heir = kept.find((a) => a.index === r.index && a.family === 4 && inSubnetOf(a, r));
    if (heir !== undefined) {
      kept = kept.map((a) => (a === heir ? { ...a, flags: a.flags & ~IFA_F.secondary } : a));
    }
  }
  return kept;
}

/**
 * Applies the plan's operations, in order, to a copy of the observed state (the input is not changed).
 * Throws PlanSimulationError for an operation the kernel would refuse: creating a link that exists,
 * adding an address that exists, replacing or deleting one that does not, touching a missing link.
 * Routes are returned as they were: the rules read only default routes, which a plan never changes.
 */
export function applyPlanToModel(
  observed: NodeNetwork,
  ops: readonly PlanOp[],
  options: SimulationOptions = {},
): NodeNetwork {
  const protocol = options.protocolSupported ?? true;
  let links = [...observed.links];
  let addresses = [...observed.addresses];
  for (const op of ops) {
    switch (op.op) {
      case 'create-dummy':
        links = createDummy(links, op.name, op.alias);
        break;
      case 'link-up':
        links = linkUp(links, op.name);
        break;
      case 'add-address': {
        const p = op.placement;
        const link = requireLink(links, p.link, `add-address ${p.ip}/${p.prefixLength}`);
        if (addresses.some((a) => sameSlot(a, link.index, p))) {
          throw new PlanSimulationError(
            `add-address ${p.ip}/${p.prefixLength} dev ${p.link}: the address exists`,
          );
        }
        addresses = [...addresses, addressFor(p, link, op.tag, addresses, protocol)];
        break;
      }
      case 'replace-address': {
        const p = op.placement;
        const link = requireLink(links, p.link, `replace-address ${p.ip}/${p.prefixLength}`);
        if (!addresses.some((a) => sameSlot(a, link.index, p))) {
          throw new PlanSimulationError(
            `replace-address ${p.ip}/${p.prefixLength} dev ${p.link}: nothing to replace`,
          );
        }
        const rest = removeAddresses(addresses, (a) => sameSlot(a, link.index, p));
        addresses = [...rest, addressFor(p, link, op.tag, rest, protocol)];
        break;
      }
      case 'delete-address': {
        const link = requireLink(links, op.link, `delete-address ${op.ip}/${op.prefixLength}`);
        const match = (a: Address): boolean =>
          a.index === link.index && sameIP(a, op.ip) && a.prefixLength === op.prefixLength;
        if (!addresses.some(match)) {
          throw new PlanSimulationError(
            `delete-address ${op.ip}/${op.prefixLength} dev ${op.link}: no such address`,
          );
        }
        addresses = removeAddresses(addresses, match);
        break;
      }
    }
  }
  return { links, addresses, routes: [...observed.routes] };
}
