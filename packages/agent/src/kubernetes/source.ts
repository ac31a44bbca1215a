// The cluster as the agent sees it: one restarting informer per kind (see informer.ts), listed once
// before start() resolves, then followed; every change calls onChange (the reconciler coalesces).
import type { CustomResource, EndpointSlice, KubeNode, Lease, NodeService } from '@purelb-ts/core';
import type { Logger } from '../log.ts';
import type { ClusterState, ObjectSource } from '../sources/source.ts';
import { type InformerEvent, type Keyed, MAX_RESTART_DELAY_MS, RestartingInformer } from './informer.ts';
import {
  projectCustomResource,
  projectEndpointSlice,
  projectLease,
  projectNode,
  projectNodeService,
} from './project.ts';
import type { KubeRest } from './rest.ts';

export const PURELB_API = '/apis/purelb.io/v2';

export interface KubernetesSourceOptions {
  /** The install namespace: ServiceGroups, LBNodeAgents and Leases are read from it only. */
  namespace: string;
  /** This node's name: snapshot().node is its Node object (every Node is watched, see nodes). */
  node: string;
  logger: Logger;
  /** Every object the watches deliver, before the reconciler hears of it (this node's Lease echo). */
  onObject?: (kind: string, obj: Keyed) => void;
  /** First restart delay after an informer error (doubles up to maxRestartDelayMs). Default 250 ms. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
}

export class KubernetesSource implements ObjectSource {
  readonly #rest: KubeRest;
  readonly #opts: Required<Omit<KubernetesSourceOptions, 'logger' | 'onObject'>> &
    Pick<KubernetesSourceOptions, 'logger' | 'onObject'>;
  readonly #feeds = new Map<string, RestartingInformer>();
  /** Node name → what of it matters (see #matters). */
  readonly #nodeKeys = new Map<string, string>();
  #onChange: () => void = () => {};
  #allListed: (() => void) | undefined;
  #abandon: ((err: Error) => void) | undefined;

  constructor(rest: KubeRest, options: KubernetesSourceOptions) {
    if (options.namespace === '') throw new Error('KubernetesSource: namespace must not be empty');
    if (options.node === '') throw new Error('KubernetesSource: node must not be empty');
    this.#rest = rest;
    this.#opts = { restartDelayMs: 250, maxRestartDelayMs: MAX_RESTART_DELAY_MS, ...options };
  }

  async start(onChange: () => void): Promise<void> {
    this.#onChange = onChange;
    const ns = encodeURIComponent(this.#opts.namespace);
    this.#add('Service', '/api/v1/services', projectNodeService);
    this.#add('EndpointSlice', '/apis/discovery.k8s.io/v1/endpointslices', projectEndpointSlice);
    this.#add('ServiceGroup', `${PURELB_API}/namespaces/${ns}/servicegroups`, projectCustomResource);
    this.#add('LBNodeAgent', `${PURELB_API}/namespaces/${ns}/lbnodeagents`, projectCustomResource);
    this.#add('Lease', `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`, projectLease);
    // Every Node, not just this one: no Service may take another node's address, and a Lease only
    // counts when its Node exists. Only changes that matter wake the reconciler (see #nodeKeys).
    this.#add('Node', '/api/v1/nodes', projectNode);
    const listed = new Promise<void>((resolve, reject) => {
      this.#allListed = resolve;
      this.#abandon = reject;
    });
    for (const feed of this.#feeds.values()) feed.start();
    await listed;
    this.#opts.logger.info('kubernetes informers listed', { kinds: [...this.#feeds.keys()] });
  }

  snapshot(): ClusterState {
    const items = <T>(kind: string): T[] => (this.#feeds.get(kind)?.list() ?? []) as unknown as T[];
    const nodes = items<KubeNode>('Node');
    return {
      services: items<NodeService>('Service'),
      endpointSlices: items<EndpointSlice>('EndpointSlice'),
      serviceGroups: items<CustomResource>('ServiceGroup'),
      lbNodeAgents: items<CustomResource>('LBNodeAgent'),
      leases: items<Lease>('Lease'),
      node: nodes.find((n) => n.metadata.name === this.#opts.node),
      nodes,
    };
  }

  async stop(): Promise<void> {
    if (this.#allListed !== undefined) {
      this.#allListed = undefined;
      this.#abandon?.(new Error('KubernetesSource stopped before every informer had listed'));
    }
    for (const feed of this.#feeds.values()) await feed.stop();
    this.#feeds.clear();
  }

  /** Lists and watches `kind` again (its watch went silent). */
  relist(kind: string): void {
    const feed = this.#feeds.get(kind);
    if (feed === undefined) return;
    void feed.stop().then(() => feed.start());
  }

  /** Whether every informer has listed at least once (for /readyz). */
  synced(): boolean {
    return this.#feeds.size > 0 && [...this.#feeds.values()].every((f) => f.listed);
  }

  #add(kind: string, path: string, project: (raw: unknown) => Keyed): void {
    const feed = new RestartingInformer(this.#rest, {
      kind,
      path,
      project,
      logger: this.#opts.logger,
      restartDelayMs: this.#opts.restartDelayMs,
      maxRestartDelayMs: this.#opts.maxRestartDelayMs,
      onEvent: (event, obj) => {
        this.#opts.onObject?.(kind, obj);
        const matters = this.#matters(kind, event, obj);
        if (this.#allListed === undefined && matters) this.#onChange();
      },
      onFirstList: () => {
        if (this.#allListed !== undefined && this.synced()) {
          const resolve = this.#allListed;
          this.#allListed = undefined;
          resolve();
        }
        this.#onChange();
      },
    });
    this.#feeds.set(kind, feed);
  }

  /** A Node's heartbeats change nothing the agent decides on: only its name, uid, labels, addresses,
   * cordon, taints and conditions' statuses do (what project.ts keeps), so other updates are no change. */
  #matters(kind: string, event: InformerEvent, obj: Keyed): boolean {
    if (kind !== 'Node') return true;
    const name = obj.metadata.name;
    if (event === 'delete') {
      this.#nodeKeys.delete(name);
      return true;
    }
    const n = obj as KubeNode;
    const key = JSON.stringify([n.metadata.uid, n.metadata.labels, n.spec, n.status]);
    if (this.#nodeKeys.get(name) === key) return false;
    this.#nodeKeys.set(name, key);
    return true;
  }
}
