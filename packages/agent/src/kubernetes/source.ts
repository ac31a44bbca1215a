// The cluster as the agent sees it: one restarting informer per kind (see informer.ts), listed once
// before start() resolves, then followed; every change calls onChange (the reconciler coalesces).
import type { KubeConfig } from '@kubernetes/client-node';
import type { CustomResource, EndpointSlice, KubeNode, Lease, Service } from '@purelb-ts/core';
import type { Logger } from '../log.ts';
import type { ClusterState, ObjectSource } from '../sources/source.ts';
import { RestartingInformer } from './informer.ts';
import { KubeRest } from './rest.ts';

export const PURELB_API = '/apis/purelb.io/v2';

export interface KubernetesSourceOptions {
  /** The install namespace: ServiceGroups, LBNodeAgents and Leases are read from it only. */
  namespace: string;
  /** This node's name: its Node object is watched (field selector metadata.name). */
  node: string;
  logger: Logger;
  /** First restart delay after an informer error (doubles up to maxRestartDelayMs). Default 500 ms. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
}

export class KubernetesSource implements ObjectSource {
  readonly #kc: KubeConfig;
  readonly #rest: KubeRest;
  readonly #opts: Required<Omit<KubernetesSourceOptions, 'logger'>> & { logger: Logger };
  readonly #feeds = new Map<string, RestartingInformer>();
  #onChange: () => void = () => {};
  #allListed: (() => void) | undefined;
  #abandon: ((err: Error) => void) | undefined;

  constructor(kc: KubeConfig, options: KubernetesSourceOptions) {
    if (options.namespace === '') throw new Error('KubernetesSource: namespace must not be empty');
    if (options.node === '') throw new Error('KubernetesSource: node must not be empty');
    this.#kc = kc;
    this.#rest = new KubeRest(kc);
    this.#opts = { restartDelayMs: 500, maxRestartDelayMs: 30_000, ...options };
  }

  async start(onChange: () => void): Promise<void> {
    this.#onChange = onChange;
    const ns = encodeURIComponent(this.#opts.namespace);
    const nodeSelector = `metadata.name=${this.#opts.node}`;
    this.#add('Service', '/api/v1/services');
    this.#add('EndpointSlice', '/apis/discovery.k8s.io/v1/endpointslices');
    this.#add('ServiceGroup', `${PURELB_API}/namespaces/${ns}/servicegroups`);
    this.#add('LBNodeAgent', `${PURELB_API}/namespaces/${ns}/lbnodeagents`);
    this.#add('Lease', `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`);
    this.#add('Node', '/api/v1/nodes', nodeSelector);
    const listed = new Promise<void>((resolve, reject) => {
      this.#allListed = resolve;
      this.#abandon = reject;
    });
    for (const feed of this.#feeds.values()) feed.start();
    await listed;
    this.#opts.logger.info('kubernetes informers listed', { kinds: [...this.#feeds.keys()] });
  }

  snapshot(): ClusterState {
    const items = <T>(kind: string): T[] => this.#feeds.get(kind)?.list<T>() ?? [];
    const nodes = items<KubeNode>('Node').filter((n) => n.metadata.name === this.#opts.node);
    return {
      services: items<Service>('Service'),
      endpointSlices: items<EndpointSlice>('EndpointSlice'),
      serviceGroups: items<CustomResource>('ServiceGroup'),
      lbNodeAgents: items<CustomResource>('LBNodeAgent'),
      leases: items<Lease>('Lease'),
      node: nodes[0],
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

  /** Whether every informer has listed at least once (for /readyz). */
  synced(): boolean {
    return this.#feeds.size > 0 && [...this.#feeds.values()].every((f) => f.listed);
  }

  #add(kind: string, path: string, fieldSelector?: string): void {
    const feed = new RestartingInformer(this.#kc, this.#rest, {
      kind,
      path,
      ...(fieldSelector === undefined ? {} : { fieldSelector }),
      logger: this.#opts.logger,
      restartDelayMs: this.#opts.restartDelayMs,
      maxRestartDelayMs: this.#opts.maxRestartDelayMs,
      onEvent: () => {
        if (this.#allListed === undefined) this.#onChange();
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
}
