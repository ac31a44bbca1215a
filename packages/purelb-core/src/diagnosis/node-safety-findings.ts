// Findings about the harm addresses can do to the node itself: PureLB's addresses that claim a gateway or
// a reserved address or carry a route competing with the node's own (left by an older version, or made
// wrong by a change of the node's network), the kernel reaching a gateway or a node subnet through the
// virtual interface, duplicate address detection that failed, addresses of the pools someone else holds,
// and the addresses refused because the node already uses them.
import type { ServiceGroupConfig } from '../config/types.ts';
import type { DesiredState, NodeNetwork, Ownership, Route } from '../model.ts';
import { IFA_F } from '../net/address-flags.ts';
import { familyBits, parseIP } from '../net/ip.ts';
import { routeText, shortAddress } from '../net/iproute-text.ts';
import { claimProblem } from '../placement/claim-check.ts';
import { nodeFacts } from '../placement/node-facts.ts';
import { type ObservedAddress, observeAddresses } from '../plan/observed.ts';
import { foreignFix } from './address-findings.ts';
import type { Finding } from './finding.ts';

/** The kernel's answer to `ip route get DESTINATION` for one gateway or subnet of the node. */
export interface RouteLookup {
  destination: string;
  /** What the destination is: "the gateway of route ...", "a host of 172.30.250.0/24 (dev enp1s0)". */
  what: string;
  /** undefined: the kernel has no route to it. */
  route: Route | undefined;
}

export interface SafetyInput {
  desired: DesiredState;
  network: NodeNetwork;
  ownership: Ownership;
  groups: readonly ServiceGroupConfig[];
  routeLookups: readonly RouteLookup[];
}

const held = (o: ObservedAddress): string =>
  shortAddress(o.address.family, o.ip, o.address.prefixLength, o.link ?? `if${o.address.index}`);
const del = (o: ObservedAddress): string => `ip addr del ${o.ip}/${o.address.prefixLength} dev ${o.link}`;

/** PureLB's own addresses that claim what the node uses or add a competing route. */
function ownedClaims(input: SafetyInput, observed: ObservedAddress[]): Finding[] {
  const { network, ownership, desired } = input;
  const virtual = network.links.find((l) => l.name === desired.dummyInterface);
  const facts = nodeFacts(network, ownership, virtual?.index);
  const out: Finding[] = [];
  for (const o of observed) {
    const ip = parseIP(o.ip);
    if (!o.owned || ip === undefined || o.link === undefined) continue;
    const routed = o.link === desired.dummyInterface && o.address.prefixLength < familyBits(ip.family);
    const claim = {
      ip,
      ipText: o.ip,
      prefixLength: o.address.prefixLength,
      link: o.link,
      routed,
      subnets: [],
    };
    const problem = claimProblem(claim, facts);
    if (problem === undefined) continue;
    out.push({
      code: problem.code,
      severity: 'error',
      ip: o.ip,
      link: o.link,
      message: `${held(o)} is PureLB's, and ${problem.text}`,
      actual: held(o),
      expected: 'absent',
      fix: `the agent withdraws it at its next reconcile (it no longer places such an address); by hand: "${del(o)}"`,
    });
  }
  return out;
}

/** PureLB's IPv6 addresses whose duplicate address detection failed. */
function dadFailures(observed: ObservedAddress[]): Finding[] {
  return observed
    .filter((o) => o.owned && o.address.family === 6 && (o.address.flags & IFA_F.dadfailed) !== 0)
    .map((o) => ({
      code: 'dad-failed',
      severity: 'error',
      ip: o.ip,
      ...(o.link === undefined ? {} : { link: o.link }),
      message: `${held(o)} failed duplicate address detection: another host on the link uses ${o.ip}, and this node does not answer for it`,
      actual: `${held(o)} dadfailed`,
      fix: `find the other host ("ip -6 neigh show ${o.ip}" on a neighbour) and remove ${o.ip} there, or take it out of the pool; the agent withdraws its copy and tries again later`,
    }));
}

/** Addresses PureLB did not add that lie in a pool and that no Service here wants. */
function poolAddressesHeld(input: SafetyInput, observed: ObservedAddress[]): Finding[] {
  const wanted = new Set([
    ...input.desired.placements.map((p) => p.ip),
    ...input.desired.skips.map((s) => s.ip),
  ]);
  const out: Finding[] = [];
  for (const o of observed) {
    const ip = parseIP(o.ip);
    if (o.owned || ip === undefined || wanted.has(o.ip)) continue;
    const group = input.groups.find((g) =>
      g.pools.some((p) => p.family === ip.family && p.first <= ip.value && ip.value <= p.last),
    );
    if (group === undefined) continue;
    out.push({
      code: 'pool-address-in-use',
      severity: 'warning',
      ip: o.ip,
      ...(o.link === undefined ? {} : { link: o.link }),
      message: `${held(o)} lies in a pool of ServiceGroup ${group.namespace}/${group.name} but PureLB did not add it: someone else holds a pool address here, and a Service given ${o.ip} would not be announced`,
      actual: held(o),
      fix: foreignFix(
        o,
        input.desired.dummyInterface,
        `take ${o.ip} out of the pool, or remove the address if it is a leftover ("${del(o)}")`,
      ),
    });
  }
  return out;
}

/** Gateways and node subnets the kernel reaches through the virtual interface. */
function viaVirtual(input: SafetyInput): Finding[] {
  const virtual = input.network.links.find((l) => l.name === input.desired.dummyInterface);
  if (virtual === undefined) return [];
  return input.routeLookups
    .filter((l) => l.route?.oif === virtual.index)
    .map((l) => ({
      code: 'route-via-virtual',
      severity: 'error',
      ip: l.destination,
      link: virtual.name,
      message: `the kernel reaches ${l.what} through the virtual interface (ip route get ${l.destination}: ${routeText(l.route as Route, input.network.links)}): the node cannot reach it`,
      expected: `${l.destination} reached through the node's own interface`,
      actual: routeText(l.route as Route, input.network.links),
      fix: `remove the address on dev ${virtual.name} whose prefix covers ${l.destination} ("ip addr show dev ${virtual.name}"); an up-to-date agent never places such a prefix`,
    }));
}

/** The refused addresses the node already uses, naming the holder and what (not) to do about it. */
function inUse(input: SafetyInput, observed: ObservedAddress[]): Finding[] {
  const out: Finding[] = [];
  for (const s of input.desired.skips) {
    if (s.code !== 'address-in-use') continue;
    const holder = observed.find((o) => !o.owned && o.ip === s.ip);
    out.push({
      code: 'address-in-use',
      severity: 'error',
      service: s.service,
      ip: s.ip,
      ...(holder?.link === undefined ? {} : { link: holder.link }),
      message: `${s.service} ${s.ip}: ${s.reason}`,
      ...(holder === undefined ? {} : { actual: held(holder) }),
      fix:
        holder === undefined
          ? `give the Service another address, or take ${s.ip} out of the pool`
          : foreignFix(
              holder,
              input.desired.dummyInterface,
              `if it is a leftover of an older PureLB or a manual add, remove it once ("${del(holder)}") and the agent adds its own; otherwise give the Service another address and take ${s.ip} out of the pool`,
            ),
    });
  }
  return out;
}

export function safetyFindings(input: SafetyInput): Finding[] {
  const observed = observeAddresses(input.network, input.ownership);
  return [
    ...viaVirtual(input),
    ...ownedClaims(input, observed),
    ...dadFailures(observed),
    ...inUse(input, observed),
    ...poolAddressesHeld(input, observed),
  ];
}
