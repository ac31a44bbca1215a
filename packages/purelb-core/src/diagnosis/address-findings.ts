// Findings about addresses: what is missing, stale, misplaced, or held by someone else.
import type { DesiredState, NodeNetwork, Ownership, Placement, PlacementSkip } from '../model.ts';
import { IFA_F } from '../net/address-flags.ts';
import { canonicalIP, familyBits, parseIP } from '../net/ip.ts';
import { addressText, placementText, shortAddress } from '../net/iproute-text.ts';
import { type ClaimProblem, claimProblem } from '../placement/claim-check.ts';
import { isQuietLink, type NodeFacts, nodeFacts } from '../placement/node-facts.ts';
import { attributeDifferences } from '../plan/attributes.ts';
import { compareAddressKeys, type ObservedAddress, observeAddresses } from '../plan/observed.ts';
import type { Finding } from './finding.ts';

const servicesOf = (p: Placement): string => p.services.join(',');
const sameIP = (o: ObservedAddress, ip: string, family: 4 | 6): boolean =>
  o.ip === ip && o.address.family === family;
const heldText = (o: ObservedAddress): string =>
  shortAddress(o.address.family, o.ip, o.address.prefixLength, o.link ?? `if${o.address.index}`);
const delCommand = (o: ObservedAddress): string =>
  `ip addr del ${o.ip}/${o.address.prefixLength} dev ${o.link}`;

/**
 * What to do about an address PureLB did not add that collides with one it wants. Removing it is
 * suggested only where it can be a leftover (on the virtual interface, or an IPv4 secondary): an IPv4
 * primary, anything on loopback and an IPv6 address of a real interface are the node's own, and a fix
 * that removes them would take the node off its network.
 */
export function foreignFix(o: ObservedAddress, dummyInterface: string, leftover: string): string {
  const secondary = o.address.family === 4 && (o.address.flags & IFA_F.secondary) !== 0;
  if (o.link === dummyInterface || secondary) return leftover;
  return `${o.ip} is this node's own address (${heldText(o)}): leave it; give the Service another address (purelb.io/addresses) and take ${o.ip} out of the pool`;
}

/** What each desired placement finds on its link. */
function placementFinding(
  p: Placement,
  desired: DesiredState,
  network: NodeNetwork,
  observed: ObservedAddress[],
  facts: NodeFacts,
): Finding | undefined {
  const want = shortAddress(p.family, p.ip, p.prefixLength, p.link);
  const base = { service: servicesOf(p), ip: p.ip, link: p.link, expected: placementText(p) };
  if (!network.links.some((l) => l.name === p.link)) {
    if (p.link === desired.dummyInterface) return undefined; // dummy-missing says it once
    return {
      ...base,
      code: 'address-missing',
      severity: 'error',
      message: `${want} cannot be placed: dev ${p.link} does not exist on this node`,
      actual: `no dev ${p.link}`,
      fix: `make the LBNodeAgent's spec.local.localInterface / interfaces name an interface this node has`,
    };
  }
  const here = observed.filter((o) => o.link === p.link && sameIP(o, p.ip, p.family));
  const exact = here.find((o) => o.address.prefixLength === p.prefixLength);
  if (exact !== undefined) {
    if (!exact.owned) {
      return {
        ...base,
        code: 'foreign-address-conflict',
        severity: 'warning',
        message: `${want} is held by an address PureLB did not tag: it is served, but PureLB will never refresh or withdraw it`,
        actual: addressText(exact.address, exact.link),
        fix: foreignFix(
          exact,
          desired.dummyInterface,
          `if it is a leftover of an older PureLB or of a manual add, remove it once ("${delCommand(exact)}") and the agent adds its own; otherwise take ${p.ip} out of the pool`,
        ),
      };
    }
    const differences = attributeDifferences(p, exact.address);
    if (differences.length === 0) return undefined;
    return {
      ...base,
      code: 'wrong-attributes',
      severity: 'warning',
      message: `${want}: ${differences.join(', ')}`,
      actual: addressText(exact.address, exact.link),
      fix: 'the agent replaces it at its next reconcile; if it keeps coming back, another tool is rewriting it',
    };
  }
  const blocker = p.family === 6 ? here.find((o) => !o.owned) : undefined;
  if (blocker !== undefined) {
    return {
      ...base,
      code: 'foreign-address-conflict',
      severity: 'error',
      message: `${want} cannot be added: ${heldText(blocker)} is already there and is not PureLB's (the kernel holds one IPv6 address per dev and IP)`,
      actual: addressText(blocker.address, blocker.link),
      fix: foreignFix(
        blocker,
        desired.dummyInterface,
        `remove it ("${delCommand(blocker)}") if it is a leftover, or take ${p.ip} out of the pool`,
      ),
    };
  }
  // Ours at another prefix or on another interface: the per-address findings say so.
  if (observed.some((o) => o.owned && sameIP(o, p.ip, p.family))) return undefined;
  const refused = refusal(p, facts);
  if (refused !== undefined) {
    return {
      ...base,
      code: refused.code,
      severity: 'error',
      message: `${want} cannot be placed: ${refused.text}`,
      actual: 'absent',
      fix: 'the agent never adds it; change the placement (the pool, its aggregation, or the Service address)',
    };
  }
  return {
    ...base,
    code: 'address-missing',
    severity: 'error',
    message: `${want} is missing`,
    actual: 'absent',
    fix: `the agent adds it at its next reconcile; if it stays missing, the lbnodeagent log on this node names the error for ${p.ip}`,
  };
}

/** Why the planner refuses to add `p` (it claims what the node uses, or its route competes), if it does. */
function refusal(p: Placement, facts: NodeFacts): ClaimProblem | undefined {
  const ip = parseIP(p.ip);
  if (ip === undefined) return undefined;
  const routed = p.kind === 'virtual' && p.prefixLength < familyBits(ip.family);
  return claimProblem(
    { ip, ipText: p.ip, prefixLength: p.prefixLength, link: p.link, routed, subnets: [] },
    facts,
  );
}

/** What each observed address that no placement holds exactly is: stale, misplaced, or another node's. */
function heldFinding(
  o: ObservedAddress,
  placements: Placement[],
  notWinner: Map<string, PlacementSkip>,
  dummyInterface: string,
  quiet: boolean,
): Finding | undefined {
  if (o.link === undefined) return undefined;
  // A copy PureLB did not add on lo or a NOARP dummy answers nobody on a segment (kube-proxy's IPVS
  // mode binds every Service IP on kube-ipvs0, on every node): neither a conflict nor a second holder.
  if (!o.owned && quiet) return undefined;
  const wanted = placements.filter((p) => sameIP(o, p.ip, p.family));
  if (wanted.some((p) => p.link === o.link && p.prefixLength === o.address.prefixLength)) return undefined;
  const held = heldText(o);
  const base = { ip: o.ip, link: o.link, actual: addressText(o.address, o.link) };
  const skip = wanted.length === 0 ? notWinner.get(o.ip) : undefined;
  if (skip !== undefined) {
    const winner = skip.winner === undefined ? 'another node' : skip.winner;
    return {
      ...base,
      code: 'not-winner-but-present',
      severity: 'error',
      service: skip.service,
      message: `${held} is present but ${winner} wins ${o.ip}: two nodes answering for one address split its traffic`,
      expected: `${o.ip} only on ${winner}`,
      fix: o.owned
        ? `the agent withdraws it at its next reconcile; if it stays, check the lbnodeagent log and lease on this node (by hand: "${delCommand(o)}")`
        : foreignFix(
            o,
            dummyInterface,
            `"${delCommand(o)}": it is not tagged as PureLB's, so PureLB will not remove it`,
          ),
    };
  }
  if (!o.owned) {
    // An IPv6 blocker on the wanted dev is reported by the placement's own finding.
    if (wanted.length === 0 || wanted.some((p) => p.family === 6 && p.link === o.link)) return undefined;
    return {
      ...base,
      code: 'foreign-address-conflict',
      severity: 'warning',
      service: wanted.map(servicesOf).join(','),
      message: `${held} has the IP of a PureLB address wanted on dev ${wanted.map((p) => p.link).join(', dev ')} but is not tagged as PureLB's: PureLB leaves it alone`,
      expected: wanted.map(placementText).join('; '),
      fix: foreignFix(
        o,
        dummyInterface,
        `remove it if it is a leftover ("${delCommand(o)}"), or take ${o.ip} out of the pool`,
      ),
    };
  }
  const sameLink = wanted.find((p) => p.link === o.link);
  if (sameLink !== undefined) {
    return {
      ...base,
      code: 'wrong-prefix',
      severity: 'error',
      service: servicesOf(sameLink),
      message: `${held} has prefix /${o.address.prefixLength}, wanted /${sameLink.prefixLength}`,
      expected: placementText(sameLink),
      fix: `the agent adds ${o.ip}/${sameLink.prefixLength} and deletes /${o.address.prefixLength} at its next reconcile; if it stays, the lbnodeagent log names the error`,
    };
  }
  if (wanted.length > 0) {
    return {
      ...base,
      code: 'wrong-interface',
      severity: 'error',
      service: wanted.map(servicesOf).join(','),
      message: `${held} is on the wrong interface: wanted on dev ${wanted.map((p) => p.link).join(', dev ')}`,
      expected: wanted.map(placementText).join('; '),
      fix: `the agent moves it at its next reconcile; if it stays, the lbnodeagent log names the error (by hand: "${delCommand(o)}")`,
    };
  }
  return {
    ...base,
    code: 'address-stale',
    severity: 'warning',
    message: `${held} is PureLB's but no Service wants it on this node`,
    expected: 'absent',
    fix: `the agent deletes it at its next reconcile; by hand: "${delCommand(o)}"`,
  };
}

export function addressFindings(
  desired: DesiredState,
  network: NodeNetwork,
  ownership: Ownership,
): Finding[] {
  const observed = observeAddresses(network, ownership).sort((a, b) =>
    compareAddressKeys(
      { link: a.link ?? '', ip: a.ip, prefixLength: a.address.prefixLength },
      { link: b.link ?? '', ip: b.ip, prefixLength: b.address.prefixLength },
    ),
  );
  const placements = [...desired.placements].sort(compareAddressKeys);
  const virtual = network.links.find((l) => l.name === desired.dummyInterface);
  const facts = nodeFacts(network, ownership, virtual?.index);
  const notWinner = new Map<string, PlacementSkip>();
  for (const s of desired.skips) {
    const ip = canonicalIP(s.ip) ?? s.ip;
    if (s.code === 'not-winner' && !notWinner.has(ip)) notWinner.set(ip, s);
  }

  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const p of placements) {
    const key = `${p.link} ${p.ip}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const f = placementFinding(p, desired, network, observed, facts);
    if (f !== undefined) out.push(f);
  }
  // Frozen addresses (invalid configuration, no valid version) are left as they are, on purpose.
  if (desired.keep?.node === true) return out;
  const kept = new Set(desired.keep?.ips ?? []);
  const reported = new Set<string>();
  for (const o of observed) {
    const key = `${o.link} ${o.ip} ${o.address.prefixLength}`;
    if (reported.has(key) || kept.has(o.ip)) continue;
    reported.add(key);
    const link = network.links.find((l) => l.index === o.address.index);
    const f = heldFinding(
      o,
      placements,
      notWinner,
      desired.dummyInterface,
      link !== undefined && isQuietLink(link),
    );
    if (f !== undefined) out.push(f);
  }
  return out;
}
