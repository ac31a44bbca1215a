// Where the agent's view of the cluster comes from. The reconciler only ever asks for a snapshot;
// a source (a Kubernetes informer set, or a standalone YAML file) calls onChange whenever anything
// in that snapshot may have changed, and the reconciler coalesces those calls.
import type {
  CustomResource,
  EndpointSlice,
  IgnoredObject,
  KubeNode,
  Lease,
  NodeService,
} from '@purelb-ts/core';

export interface ClusterState {
  services: NodeService[];
  endpointSlices: EndpointSlice[];
  serviceGroups: CustomResource[];
  lbNodeAgents: CustomResource[];
  leases: Lease[];
  /** This node's own Node object; undefined when the source has none (standalone mode). */
  node: KubeNode | undefined;
  /** Every Node in the cluster (this one included): whose addresses no Service may take, which
   * Leases belong to a real node. Empty when the source has none (standalone mode). */
  nodes: KubeNode[];
  /** Standalone: objects of kinds the agent does not read (a misspelt kind?), each with where it is. */
  ignored?: IgnoredObject[];
}

export interface ObjectSource {
  /** Loads the initial state (resolves once a first snapshot is available) and starts watching. */
  start(onChange: () => void): Promise<void>;
  /** The current state; cheap to call, never blocks. */
  snapshot(): ClusterState;
  stop(): Promise<void>;
}

export const emptyClusterState = (): ClusterState => ({
  services: [],
  endpointSlices: [],
  serviceGroups: [],
  lbNodeAgents: [],
  leases: [],
  node: undefined,
  nodes: [],
  ignored: [],
});
