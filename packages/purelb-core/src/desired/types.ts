// What the whole node-side rule reads: one node's view of the cluster and its own network.
import type { LBNodeAgentConfig, ServiceGroupConfig } from '../config/types.ts';
import type { Member } from '../election/index.ts';
import type { EndpointSlice, KubeNode, NodeService } from '../kube.ts';
import type { NodeNetwork, Ownership } from '../model.ts';
import type { IPRange } from '../net/range.ts';

/**
 * What invalid configuration governs while no valid version of it was ever seen: left exactly as it is,
 * neither placed nor removed, so a typo can never withdraw what the node carries.
 */
export interface Frozen {
  /** An LBNodeAgent that may select this node is invalid: nothing on the node is touched (the reason). */
  node?: string;
  /**
   * Invalid ServiceGroups: the Services allocated from them (purelb.io/allocated-from) and the addresses in
   * what can be read of their pools.
   */
  groups?: { name: string; reason: string; ranges: IPRange[] }[];
}

export interface DesiredInput {
  /** This node's name (as in its Lease purelb-node-<node>). */
  node: string;
  nodeLabels: Record<string, string>;
  services: NodeService[];
  endpointSlices: EndpointSlice[];
  groups: ServiceGroupConfig[];
  agents: LBNodeAgentConfig[];
  /** Live election members (liveMembers' result: the clock was applied there). */
  members: Member[];
  network: NodeNetwork;
  /** How PureLB's own addresses are recognised (default: PURELB_ADDRESS_PROTOCOL, no label fallback). */
  ownership?: Ownership;
  /**
   * Addresses another host on the segment answered for (an ARP probe reply, a failed IPv6 duplicate
   * address detection), by canonical IP, with what answered: this node does not claim them.
   */
  conflicts?: ReadonlyMap<string, string>;
  frozen?: Frozen;
  /** Every Node of the cluster: an ingress IP that is one of their status.addresses is never placed. */
  nodes?: readonly KubeNode[];
  /**
   * Whether PureLB serves Services without spec.loadBalancerClass (DEFAULT_ANNOUNCER=PureLB); left
   * out, such a Service is judged by the brand alone (see isAnnounceable).
   */
  defaultAnnouncer?: boolean;
}
