// Everything this node should carry, computed from one consistent view of the cluster and the node.
import { selectAgent } from '../config/agent-selection.ts';
import { type EndpointSlice, type NodeService, serviceKey } from '../kube.ts';
import { type DesiredState, type Placement, type PlacementSkip, PURELB_ADDRESS_PROTOCOL } from '../model.ts';
import type { Family } from '../net/ip.ts';
import { type NodeAddress, nodeAddresses, nodeAddressText } from '../node-addresses.ts';
import { isAnnounceable } from '../services/announceable.ts';
import { nodesWithReadyEndpoints, SERVICE_NAME_LABEL } from '../services/endpoints.ts';
import { ingressIPs } from '../services/ingress.ts';
import { readsEndpointNodes } from '../services/sharing.ts';
import { decideAddress, type NodeContext, nodeContext } from './decide-address.ts';
import { frozenHeld, frozenNode, frozenReason, frozenSkip, nothingPlaced } from './frozen.ts';
import { dropSkipsOfPlacedAddresses, mergeShared, sortPlacements } from './merge.ts';
import type { ServiceDecision, ServiceDecisions } from './service-decisions.ts';
import type { DesiredInput } from './types.ts';

/** Announceable Services in namespace/name order, each key once (the first copy wins). */
function announceable(
  services: readonly NodeService[],
  defaultAnnouncer: boolean | undefined,
): NodeService[] {
  const byKey = new Map<string, NodeService>();
  for (const svc of services) {
    if (!isAnnounceable(svc, defaultAnnouncer)) continue;
    const key = serviceKey(svc);
    if (!byKey.has(key)) byKey.set(key, svc);
  }
  return [...byKey.keys()].sort().map((k) => byKey.get(k)!);
}

/**
 * EndpointSlices by the Service key their label names, in one pass: scanning every slice for every
 * Service made a reconcile O(Services × slices), seconds at 10k of each.
 */
function slicesByService(slices: readonly EndpointSlice[]): Map<string, EndpointSlice[]> {
  const byKey = new Map<string, EndpointSlice[]>();
  for (const slice of slices) {
    const name = slice.metadata.labels?.[SERVICE_NAME_LABEL];
    if (name === undefined) continue;
    const key = `${slice.metadata.namespace ?? 'default'}/${name}`; // serviceKey of the Service named
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [slice]);
    else list.push(slice);
  }
  return byKey;
}

const NO_NODES: readonly string[] = [];
const NO_SLICES: readonly EndpointSlice[] = [];

/**
 * Nodes with a ready endpoint of `svc` under externalTrafficPolicy Local or node-affinity
 * service-endpoints; none otherwise, as decideAddress reads them only then (most Services are
 * neither: no Set, array, sort for them).
 */
const endpointNodesOf = (
  svc: NodeService,
  slices: ReadonlyMap<string, EndpointSlice[]>,
): readonly string[] =>
  readsEndpointNodes(svc) ? nodesWithReadyEndpoints(svc, slices.get(serviceKey(svc)) ?? NO_SLICES) : NO_NODES;

/** A Node's own address in a Service's status: placed, it would answer for that node. */
const nodeAddressSkip = (svc: NodeService, ip: string, owner: NodeAddress): PlacementSkip => ({
  service: serviceKey(svc),
  ip,
  code: 'node-address',
  reason: `${ip} is ${nodeAddressText(owner)}: PureLB never places a node's own address`,
  error: true,
});

/**
 * Decides Services one at a time within one context, noting which address families' local-interface
 * elections each one read (a reused decision reads them again, so DesiredState.elections is the same).
 */
function serviceDecider(
  ctx: NodeContext,
  input: DesiredInput,
  ofNodes: ReadonlyMap<string, NodeAddress>,
): (svc: NodeService, endpointNodes: readonly string[]) => ServiceDecision {
  let families: Set<Family> = new Set();
  const recording: NodeContext = {
    ...ctx,
    candidatesFor(family) {
      families.add(family);
      return ctx.candidatesFor(family);
    },
  };
  return (svc, endpointNodes) => {
    families = new Set();
    const placements: Placement[] = [];
    const skips: PlacementSkip[] = [];
    const keep: string[] = [];
    const { ips, invalid } = ingressIPs(svc);
    for (const bad of invalid) {
      skips.push({
        service: serviceKey(svc),
        ip: bad.value,
        code: 'invalid-config',
        reason: bad.message,
        error: true,
      });
    }
    for (const addr of ips) {
      const frozenBy = frozenReason(input.frozen, svc, addr.parsed);
      if (frozenBy !== undefined) {
        keep.push(addr.ip);
        skips.push(frozenSkip(svc, addr.ip, frozenBy));
        continue;
      }
      const owner = ofNodes.get(addr.ip);
      if (owner !== undefined) {
        skips.push(nodeAddressSkip(svc, addr.ip, owner));
        continue;
      }
      const decision = decideAddress(recording, svc, addr, endpointNodes);
      if (decision.placement !== undefined) placements.push(decision.placement);
      skips.push(...decision.skips);
    }
    return { endpointNodes, placements, skips, keep, families: [...families] };
  };
}

/**
 * The placements this node should carry and, for every address it does not, the reason. Skips with
 * `error: true` are problems to log and event even when a fallback placement exists for the address
 * (the ambiguous-default-route case places the address on the dummy AND reports the error). The
 * Service spec is never rewritten: externalTrafficPolicy Local is honoured, not overridden. With
 * `reuse` (DecisionMemo's, only for a context unchanged since its last pass), a Service whose object
 * and endpoint nodes are those of the last pass keeps its decision.
 */
export function desiredState(input: DesiredInput, reuse?: ServiceDecisions): DesiredState {
  const services = announceable(input.services, input.defaultAnnouncer);
  const ofNodes = nodeAddresses(input.nodes ?? []);
  const ownership = input.ownership ?? { protocol: PURELB_ADDRESS_PROTOCOL };
  if (input.frozen?.node !== undefined) return frozenNode(input, services, input.frozen.node);
  const agent = selectAgent(input.agents, input.nodeLabels);
  if (agent?.local === undefined) {
    return nothingPlaced(input, services, {
      code: 'not-selected',
      reason: `no LBNodeAgent selects node ${input.node}: it announces nothing`,
      error: false,
    });
  }
  const skips: PlacementSkip[] = [];
  const ctx = nodeContext({
    node: input.node,
    local: agent.local,
    groups: input.groups,
    members: input.members,
    network: input.network,
    ownership,
    ...(input.conflicts === undefined ? {} : { conflicts: input.conflicts }),
  });
  const placed: Placement[] = [];
  const keep = new Set<string>();
  const slices = slicesByService(input.endpointSlices);
  const decide = serviceDecider(ctx, input, ofNodes);
  for (const svc of services) {
    const endpointNodes = endpointNodesOf(svc, slices);
    let d = reuse?.reuse(svc, endpointNodes);
    if (d === undefined) {
      d = decide(svc, endpointNodes);
      reuse?.remember(svc, d);
    } else for (const f of d.families) ctx.candidatesFor(f); // its elections are reported again
    placed.push(...d.placements);
    skips.push(...d.skips);
    for (const ip of d.keep) keep.add(ip);
  }
  reuse?.endPass();
  for (const ip of frozenHeld(input.frozen, input.network, ownership)) keep.add(ip);
  const placements = sortPlacements(mergeShared(placed));
  return {
    node: input.node,
    placements,
    skips: dropSkipsOfPlacedAddresses(skips, placements),
    elections: ctx.elections(),
    dummyInterface: agent.local.dummyInterface,
    agent: `${agent.namespace}/${agent.name}`,
    ...(keep.size === 0 ? {} : { keep: { node: false, ips: [...keep].sort() } }),
  };
}
