// From what this node should carry and what the kernel holds, the operations that close the gap.
import {
  type DesiredState,
  type NodeNetwork,
  type Ownership,
  type Placement,
  PURELB_VIRTUAL_ALIAS,
} from '../model.ts';
import { familyBits, parseIP } from '../net/ip.ts';
import { claimProblem } from '../placement/claim-check.ts';
import { type NodeFacts, nodeFacts } from '../placement/node-facts.ts';
import { isOurVirtualInterface } from '../placement/virtual-interface.ts';
import { attributesDiffer, needsRefresh, onlyLifetimesDiffer } from './attributes.ts';
import {
  compareAddressKeys,
  inAddressKeyOrder,
  linkNamed,
  type ObservedAddress,
  observeAddresses,
  sortByAddressKey,
} from './observed.ts';
import { type AddressTag, tagFor } from './ownership.ts';
import { checkPlacements, formatIssue } from './placement-check.ts';
import type { PlanOp } from './plan-ops.ts';

type AddOp = Extract<PlanOp, { op: 'add-address' }>;
type ReplaceOp = Extract<PlanOp, { op: 'replace-address' }>;
type DeleteOp = Extract<PlanOp, { op: 'delete-address' }>;

/**
 * One placement per (link, IP): the first in address-key order wins, so a caller's duplicate cannot
 * plan two adds. In that order a pair's copies are adjacent (only the prefix length, the last key,
 * differs); desiredState's placements come in it already, so they are only checked, not sorted.
 */
function uniquePlacements(placements: readonly Placement[]): Placement[] {
  const ordered = inAddressKeyOrder(placements) ? placements : sortByAddressKey(placements);
  const out: Placement[] = [];
  let last: Placement | undefined;
  for (const p of ordered) {
    if (last !== undefined && last.link === p.link && last.ip === p.ip) continue;
    out.push(p);
    last = p;
  }
  return out;
}

/**
 * The observed addresses by canonical IP, so each placement looks at its own few instead of every
 * address held: `first` maps an IP to the index of its first address in dump order, `next` each index
 * to the next with the same IP (-1: none). No list per IP (10k Services: 10k lists per plan).
 */
interface ByIP {
  first: Map<string, number>;
  next: Int32Array;
}

function addressesByIP(addresses: readonly ObservedAddress[]): ByIP {
  const first = new Map<string, number>();
  const next = new Int32Array(addresses.length);
  for (let i = addresses.length - 1; i >= 0; i--) {
    const ip = (addresses[i] as ObservedAddress).ip;
    next[i] = first.get(ip) ?? -1;
    first.set(ip, i);
  }
  return { first, next };
}

/** The index of the first address with the placement's IP on its link and family, of its prefix length when `exact`; -1: none. */
function holderOf(addresses: readonly ObservedAddress[], byIP: ByIP, p: Placement, exact: boolean): number {
  for (let i = byIP.first.get(p.ip) ?? -1; i >= 0; i = byIP.next[i] as number) {
    const o = addresses[i] as ObservedAddress;
    if (o.link !== p.link || o.address.family !== p.family) continue;
    if (!exact || o.address.prefixLength === p.prefixLength) return i;
  }
  return -1;
}

/**
 * Marks the address at `held` and every copy of it (a dump may repeat one address: same link, IP and
 * prefix length) as kept, so none of them is deleted.
 */
function keepHeld(kept: Uint8Array, addresses: readonly ObservedAddress[], byIP: ByIP, held: number): void {
  const h = addresses[held] as ObservedAddress;
  for (let i = byIP.first.get(h.ip) ?? -1; i >= 0; i = byIP.next[i] as number) {
    const o = addresses[i] as ObservedAddress;
    if (o.link === h.link && o.address.prefixLength === h.address.prefixLength) kept[i] = 1;
  }
}

/** The tag of a placement's link and family, one object per pair in a plan (shared by its ops). */
function tagOf(tags: TagsByLink, p: Placement, ownership: Ownership): AddressTag {
  const byLink = tags[p.family];
  let tag = byLink.get(p.link);
  if (tag === undefined) {
    tag = tagFor(p.link, p.family, ownership);
    byLink.set(p.link, tag);
  }
  return tag;
}

type TagsByLink = Record<4 | 6, Map<string, AddressTag>>;

/**
 * The dummy is created only when a placement needs it: a node that carries only local addresses gets no
 * interface it does not use. Once it exists (ours or left over), it is kept up, as upstream does, so an
 * address on it is always served.
 */
function planDummy(desired: DesiredState, observed: NodeNetwork): PlanOp[] {
  const name = desired.dummyInterface;
  const dummy = linkNamed(observed.links, name);
  if (dummy === undefined) {
    const needed = desired.placements.some((p) => p.link === name);
    return needed
      ? [
          { op: 'create-dummy', name, alias: PURELB_VIRTUAL_ALIAS },
          { op: 'link-up', name },
        ]
      : [];
  }
  // An interface of that name that PureLB did not create is not touched (the configuration naming it is
  // refused before a plan is made; this is the planner's own guard).
  if (!isOurVirtualInterface(dummy)) return [];
  return dummy.up ? [] : [{ op: 'link-up', name }];
}

/**
 * Whether adding `p` would claim what the node already uses or add a competing route. The decision
 * refuses such placements with an error naming the collision; the planner, a public function that may be
 * handed any placement, refuses them too.
 */
function claimRefused(p: Placement, facts: NodeFacts): boolean {
  const ip = parseIP(p.ip);
  if (ip === undefined) return true;
  const routed = p.kind === 'virtual' && p.prefixLength < familyBits(ip.family);
  return (
    claimProblem(
      { ip, ipText: p.ip, prefixLength: p.prefixLength, link: p.link, routed, subnets: [] },
      facts,
    ) !== undefined
  );
}

/** Why an owned address that no placement keeps is deleted, in the terms an operator reads in the log. */
function deleteReason(o: ObservedAddress, placements: readonly Placement[]): string {
  const elsewhere = placements.filter((p) => p.ip === o.ip && p.family === o.address.family);
  const sameLink = elsewhere.find((p) => p.link === o.link);
  if (sameLink !== undefined) {
    return `${o.ip} is wanted as /${sameLink.prefixLength} on dev ${o.link}, not /${o.address.prefixLength}`;
  }
  if (elsewhere.length > 0) {
    return `${o.ip} belongs on dev ${elsewhere.map((p) => p.link).join(', dev ')}, not dev ${o.link}`;
  }
  return `no Service wants ${o.ip} on this node any more`;
}

/**
 * The operations that make the node hold exactly its desired placements, in a safe order: create and
 * bring up the dummy, then adds, then replaces, then deletes — so an address that moves (another
 * interface, another prefix) is in its new place before the old one goes. Deterministic: each group is
 * sorted by link, family, numeric IP and prefix length.
 *
 * Never touches an address it cannot prove is ours (see isOwned): a foreign address that already holds a
 * placement's IP and prefix on its link satisfies it as it is, one with the IP elsewhere is left alone.
 * A placement on a link that does not exist (other than the dummy, which is created) is not planned: there
 * is nothing to add it to; the diagnosis reports it.
 *
 * Throws a TypeError naming each malformed placement field (path and value) before planning anything.
 */
export function planReconcile(desired: DesiredState, observed: NodeNetwork, ownership: Ownership): PlanOp[] {
  const issues = checkPlacements(desired);
  if (issues.length > 0) throw new TypeError(`cannot plan: ${issues.map(formatIssue).join('; ')}`);
  if (desired.keep?.node === true) return [];
  const keep = new Set(desired.keep?.ips ?? []);
  const virtual = linkNamed(observed.links, desired.dummyInterface);
  if (virtual !== undefined && !isOurVirtualInterface(virtual)) {
    // Never add to, bring up or clean an interface PureLB did not create: only what it owns elsewhere.
    desired = { ...desired, placements: desired.placements.filter((p) => p.link !== desired.dummyInterface) };
  }
  const facts = nodeFacts(observed, ownership, virtual?.index);
  const addresses = observeAddresses(observed, ownership);
  const byIP = addressesByIP(addresses);
  const placements = uniquePlacements(desired.placements);
  const kept = new Uint8Array(addresses.length);
  const tags: TagsByLink = { 4: new Map(), 6: new Map() };
  const adds: AddOp[] = [];
  const replaces: ReplaceOp[] = [];

  for (const p of placements) {
    const linkExists = linkNamed(observed.links, p.link) !== undefined || p.link === desired.dummyInterface;
    if (!linkExists || keep.has(p.ip)) continue;
    const exactAt = holderOf(addresses, byIP, p, true);
    if (exactAt >= 0) {
      const exact = addresses[exactAt] as ObservedAddress;
      if (!exact.owned) continue;
      keepHeld(kept, addresses, byIP, exactAt);
      if (attributesDiffer(p, exact.address)) {
        const why = onlyLifetimesDiffer(p, exact.address) ? 'refresh-lifetime' : 'change-attributes';
        replaces.push({ op: 'replace-address', placement: p, tag: tagOf(tags, p, ownership), why });
      } else if (needsRefresh(p, exact.address)) {
        replaces.push({
          op: 'replace-address',
          placement: p,
          tag: tagOf(tags, p, ownership),
          why: 'refresh-lifetime',
        });
      }
      continue;
    }
    // IPv6: the kernel holds one address per (link, IP), so another prefix is replaced, not added beside.
    const occupantAt = p.family === 6 ? holderOf(addresses, byIP, p, false) : -1;
    if (occupantAt >= 0) {
      if (!(addresses[occupantAt] as ObservedAddress).owned) continue;
      keepHeld(kept, addresses, byIP, occupantAt);
      replaces.push({
        op: 'replace-address',
        placement: p,
        tag: tagOf(tags, p, ownership),
        why: 'change-prefix',
      });
      continue;
    }
    if (claimRefused(p, facts)) continue;
    adds.push({ op: 'add-address', placement: p, tag: tagOf(tags, p, ownership) });
  }

  const deletes: DeleteOp[] = [];
  for (let i = 0; i < addresses.length; i++) {
    const o = addresses[i] as ObservedAddress;
    if (!o.owned || kept[i] === 1 || o.link === undefined || keep.has(o.ip)) continue;
    deletes.push({
      op: 'delete-address',
      link: o.link,
      ip: o.ip,
      prefixLength: o.address.prefixLength,
      reason: deleteReason(o, placements),
    });
  }
  const sorted = sortByAddressKey(deletes);
  const uniqueDeletes = sorted.filter((d, i) => i === 0 || compareAddressKeys(sorted[i - 1]!, d) !== 0);

  return [...planDummy(desired, observed), ...adds, ...replaces, ...uniqueDeletes];
}
