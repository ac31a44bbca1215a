// What the whole node-side rule reads: one node's view of the cluster and its own network.
import type { LBNodeAgentConfig, ServiceGroupConfig } from '../config/types.ts';
import type { Member } from '../election/index.ts';
import type { EndpointSlice, Service } from '../kube.ts';
import type { NodeNetwork } from '../model.ts';

export interface DesiredInput {
  /** This node's name (as in its Lease purelb-node-<node>). */
  node: string;
  nodeLabels: Record<string, string>;
  services: Service[];
  endpointSlices: EndpointSlice[];
  groups: ServiceGroupConfig[];
  agents: LBNodeAgentConfig[];
  /** Live election members (liveMembers' result: the clock was applied there). */
  members: Member[];
  network: NodeNetwork;
}
