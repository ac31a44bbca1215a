// The rule for one ingress address of one announceable Service, on this node: place it (locally or
// on the dummy) or say why not. Errors (error: true) may accompany a fallback placement.
import type { LocalAgentConfig, ServiceGroupConfig } from '../config/types.ts';
import {
  electWinner,
  findLocalSubnet,
  type LocalCandidates,
  localCandidates,
  type Member,
} from '../election/index.ts';
import { type NodeService, serviceKey } from '../kube.ts';
import type { LocalInterfaceElection, NodeNetwork, Ownership, Placement, PlacementSkip } from '../model.ts';
import { type Cidr, cidrOf } from '../net/cidr.ts';
import { type Family, familyBits, type IP } from '../net/ip.ts';
import { claimProblem } from '../placement/claim-check.ts';
import { type NodeFacts, nodeFacts } from '../placement/node-facts.ts';
import { placeLocal, placeVirtual } from '../placement/placement.ts';
import { type PoolMatch, prepareGroups } from '../services/group-for-ip.ts';
import type { IngressIP } from '../services/ingress.ts';
import { endpointElection, externalTrafficLocal } from '../services/sharing.ts';

/** What stays the same for every address on this node. */
export interface NodeContext {
  node: string;
  local: LocalAgentConfig;
  groups: readonly ServiceGroupConfig[];
  members: Member[];
  network: NodeNetwork;
  /** groupForIP over `groups`, which are sorted once per context, not once per address. */
  groupFor(ip: IP): PoolMatch | undefined;
  /** One local-interface election per family, made on first need and reported in DesiredState. */
  candidatesFor(family: Family): LocalCandidates;
  /** What the node already uses (read on first need). */
  facts(): NodeFacts;
  /** Addresses another host on the segment answered for, by canonical IP, with what answered. */
  conflicts: ReadonlyMap<string, string>;
}

export interface AddressDecision {
  placement?: Placement;
  skips: PlacementSkip[];
}

export interface NodeContextInput {
  node: string;
  local: LocalAgentConfig;
  groups: readonly ServiceGroupConfig[];
  members: Member[];
  network: NodeNetwork;
  ownership: Ownership;
  conflicts?: ReadonlyMap<string, string>;
}

export function nodeContext(
  input: NodeContextInput,
): NodeContext & { elections(): { 4?: LocalInterfaceElection; 6?: LocalInterfaceElection } } {
  const { node, local, groups, members, network } = input;
  const made = new Map<Family, LocalCandidates>();
  let facts: NodeFacts | undefined;
  const virtualIndex = network.links.find((l) => l.name === local.dummyInterface)?.index;
  const prepared = prepareGroups(groups);
  return {
    node,
    local,
    groups,
    members,
    network,
    groupFor: (ip) => prepared.match(ip),
    conflicts: input.conflicts ?? new Map(),
    facts() {
      facts ??= nodeFacts(network, input.ownership, virtualIndex);
      return facts;
    },
    candidatesFor(family) {
      let c = made.get(family);
      if (c === undefined) {
        c = localCandidates(family, network, local);
        made.set(family, c);
      }
      return c;
    },
    elections() {
      const out: { 4?: LocalInterfaceElection; 6?: LocalInterfaceElection } = {};
      for (const [family, c] of made) out[family] = c.election;
      return out;
    },
  };
}

const skip = (
  svc: NodeService,
  ip: string,
  code: PlacementSkip['code'],
  reason: string,
  error: boolean,
  winner?: string,
): PlacementSkip => ({ service: serviceKey(svc), ip, code, reason, error, ...(winner ? { winner } : {}) });

/** externalTrafficPolicy Local keeps traffic on nodes with an endpoint; the spec is never rewritten. */
const noEndpointHere = (ctx: NodeContext, svc: NodeService, addr: IngressIP): AddressDecision => ({
  skips: [
    skip(
      svc,
      addr.ip,
      'no-local-endpoint',
      `externalTrafficPolicy is Local and node ${ctx.node} hosts no ready endpoint of ${serviceKey(svc)}`,
      false,
    ),
  ],
});

/** Decides one address. `endpointNodes`: nodes with a ready endpoint (used only for ETP Local). */
export function decideAddress(
  ctx: NodeContext,
  svc: NodeService,
  addr: IngressIP,
  endpointNodes: readonly string[],
): AddressDecision {
  const found = ctx.groupFor(addr.parsed);
  if (found === undefined) {
    return {
      skips: [skip(svc, addr.ip, 'no-group', `${addr.ip} lies in no pool of any ServiceGroup`, true)],
    };
  }
  const etpLocal = externalTrafficLocal(svc);
  const hostsEndpoint = endpointNodes.includes(ctx.node);
  if (found.group.type === 'remote') {
    if (etpLocal && !hostsEndpoint) return noEndpointHere(ctx, svc, addr);
    const why = etpLocal
      ? `remote pool of ServiceGroup ${found.group.name}; externalTrafficPolicy Local and this node hosts a ready endpoint`
      : `remote pool of ServiceGroup ${found.group.name}: every node announces it`;
    const placement = placeVirtual(addr.parsed, found.pool, ctx.local, svc, { why, text: addr.ip });
    return claimed(ctx, svc, { placement, ip: addr.parsed }, found);
  }
  const { eligible, preferred } = endpointElection(svc, endpointNodes);
  return decideLocalPool(ctx, svc, addr, found, eligible, preferred);
}

function decideLocalPool(
  ctx: NodeContext,
  svc: NodeService,
  addr: IngressIP,
  found: PoolMatch,
  eligible: readonly string[] | undefined,
  preferred?: ReadonlySet<string>,
): AddressDecision {
  const local = ctx.candidatesFor(addr.parsed.family);
  const match = findLocalSubnet(addr.ip, local.candidates);
  const etp = eligible !== undefined;
  if (match === undefined) return fallbackToDummy(ctx, svc, addr, found, local, eligible);
  if (etp && eligible.length === 0) {
    return {
      skips: [
        skip(
          svc,
          addr.ip,
          'no-local-endpoint',
          `externalTrafficPolicy is Local and no node hosts a ready endpoint of ${serviceKey(svc)}: nobody announces ${addr.ip}`,
          false,
        ),
      ],
    };
  }
  const { winner, candidates: contenders } = electWinner(
    addr.ip,
    ctx.members,
    eligible === undefined ? undefined : new Set(eligible),
    preferred,
  );
  if (winner === undefined || winner === '') {
    const among = etp ? 'live node with a ready endpoint' : 'live node';
    return {
      skips: [
        skip(
          svc,
          addr.ip,
          'no-candidate',
          `no ${among} has a subnet holding ${addr.ip}: nobody announces it`,
          false,
        ),
      ],
    };
  }
  if (winner !== ctx.node) {
    return {
      skips: [
        skip(
          svc,
          addr.ip,
          'not-winner',
          `node ${winner} wins ${addr.ip} among ${contenders.length} candidate(s); this node does not announce it`,
          false,
          winner,
        ),
      ],
    };
  }
  const why = `this node wins the election for ${addr.ip} among ${contenders.length} candidate(s)${etp ? ' with a ready endpoint' : ''}${preferred?.has(ctx.node) === true ? ', those with a ready endpoint first (purelb.io/node-affinity)' : ''}`;
  const conflict = ctx.conflicts.get(addr.ip);
  if (conflict !== undefined) {
    const text = `another host on ${match.candidate.name}'s segment uses ${addr.ip} (${conflict}): this node does not claim it`;
    return { skips: [skip(svc, addr.ip, 'address-conflict', text, true)] };
  }
  const placement = placeLocal(addr.parsed, match, ctx.local, svc, {
    skipIPv6DAD: found.group.skipIPv6DAD,
    why,
    text: addr.ip,
  });
  return claimed(ctx, svc, { placement, ip: addr.parsed }, found, cidrOf(addr.parsed, match.prefixLength));
}

/**
 * The placement, unless it would claim what the node or its segment already uses, or add a route that
 * competes with the node's own: then nothing is placed and the error names the collision (and, for a
 * route, the pool's aggregation field that asked for the prefix). `ip` is placement.ip parsed (the
 * address the placement was made from), so the text is not parsed again.
 */
function claimed(
  ctx: NodeContext,
  svc: NodeService,
  { placement, ip }: { placement: Placement; ip: IP },
  found: PoolMatch,
  interfaceSubnet?: Cidr,
  alongside: PlacementSkip[] = [],
): AddressDecision {
  const problem = claimProblem(
    {
      ip,
      ipText: placement.ip,
      prefixLength: placement.prefixLength,
      link: placement.link,
      routed: placement.kind === 'virtual' && placement.prefixLength < familyBits(ip.family),
      subnets: interfaceSubnet === undefined ? [found.pool.subnet] : [interfaceSubnet, found.pool.subnet],
    },
    ctx.facts(),
  );
  if (problem === undefined) return { placement, skips: alongside };
  const field =
    problem.code === 'route-conflict'
      ? `; set ServiceGroup ${found.group.name} ${found.pool.path ?? 'pool'}.aggregation to a prefix that holds none of the node's networks (e.g. "/${familyBits(ip.family)}")`
      : '';
  const text = `${problem.text}: PureLB does not place it${field}`;
  return { skips: [...alongside, skip(svc, placement.ip, problem.code, text, true)] };
}

/**
 * A local-pool address this node cannot hold on a local interface goes on the dummy (the seed: "the
 * address will be added to the virtual interface instead"). Not knowing the local interface (an
 * ambiguous default route, or no candidate interface at all) is an error reported alongside the
 * placement; an address that simply lies outside this node's subnets is not.
 */
function fallbackToDummy(
  ctx: NodeContext,
  svc: NodeService,
  addr: IngressIP,
  found: PoolMatch,
  local: LocalCandidates,
  eligible: readonly string[] | undefined,
): AddressDecision {
  if (eligible !== undefined && !eligible.includes(ctx.node)) return noEndpointHere(ctx, svc, addr);
  const { candidates } = local;
  const dummy = ctx.local.dummyInterface;
  const problem = localInterfaceProblem(ctx.local, local, addr.parsed.family);
  const pool = `local pool of ServiceGroup ${found.group.name}`;
  if (problem === undefined) {
    const names = candidates.map((c) => c.name).join(', ');
    const why = `${pool}, but ${addr.ip} lies in no subnet of this node's local interface(s) ${names}`;
    const placement = placeVirtual(addr.parsed, found.pool, ctx.local, svc, {
      why,
      hostLength: true,
      text: addr.ip,
    });
    return claimed(ctx, svc, { placement, ip: addr.parsed }, found);
  }
  const placement = placeVirtual(addr.parsed, found.pool, ctx.local, svc, {
    why: `${pool}; ${problem.text}; so it goes on ${dummy} instead`,
    hostLength: true,
    text: addr.ip,
  });
  const error = skip(
    svc,
    addr.ip,
    problem.code,
    `${problem.text}; so ${addr.ip} goes on the virtual interface ${dummy}`,
    true,
  );
  return claimed(ctx, svc, { placement, ip: addr.parsed }, found, undefined, [error]);
}

/** Why this node has no usable local interface for the family, or undefined when it has one. */
function localInterfaceProblem(
  local: LocalAgentConfig,
  { election, candidates, carrierless }: LocalCandidates,
  family: Family,
): { code: 'ambiguous-default-route' | 'no-local-interface' | 'no-carrier'; text: string } | undefined {
  if (local.localInterface === 'default' && election.status === 'ambiguous') {
    return { code: 'ambiguous-default-route', text: election.reason };
  }
  if (candidates.length > 0) return undefined;
  if (carrierless.length > 0) {
    const names = carrierless.join(', ');
    return {
      code: 'no-carrier',
      text: `no local interface for IPv${family}: ${names} ${carrierless.length > 1 ? 'have' : 'has'} no carrier, or carrier back too recently to trust`,
    };
  }
  const text =
    local.localInterface === 'default'
      ? `no local interface for IPv${family}: ${election.reason}`
      : `no local interface for IPv${family}: no interface matches localInterface /${local.localInterface.pattern}/${local.interfaces.length > 0 ? ` and none of interfaces [${local.interfaces.join(', ')}] exists` : ''}`;
  return { code: 'no-local-interface', text };
}
