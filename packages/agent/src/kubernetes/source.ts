// The cluster as the agent sees it: one client-node informer (ListWatch) per kind, each listing
// through the agent's own JSON client and then watching. client-node relists by itself on 410 Gone
// (in-stream ERROR or HTTP) and reconnects after its 30 s watch timeout, but ANY other error (a
// dropped connection, a 500, a failed list) emits 'error' and leaves the informer stopped; so every
// error here schedules a restart with exponential backoff, and the cache resumes from the last
// resourceVersion it saw (or relists, if that is gone).
import {
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  ListWatch,
  Watch,
} from '@kubernetes/client-node';
import type { CustomResource, EndpointSlice, KubeNode, Lease, Service } from '@purelb-ts/core';
import type { Logger } from '../log.ts';
import type { ClusterState, ObjectSource } from '../sources/source.ts';
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

interface Feed {
  kind: string;
  informer: ListWatch<KubernetesObject>;
  listed: boolean;
  delayMs: number;
  timer: NodeJS.Timeout | undefined;
}

/** Builds a query string from the defined parameters. */
const query = (params: Record<string, string | undefined>): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  const text = q.toString();
  return text === '' ? '' : `?${text}`;
};

export class KubernetesSource implements ObjectSource {
  readonly #kc: KubeConfig;
  readonly #rest: KubeRest;
  readonly #opts: Required<Omit<KubernetesSourceOptions, 'logger'>> & { logger: Logger };
  readonly #feeds = new Map<string, Feed>();
  #onChange: () => void = () => {};
  #stopped = false;
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
    this.#stopped = false;
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
    for (const feed of this.#feeds.values()) this.#run(feed);
    await listed;
    this.#opts.logger.info('kubernetes informers listed', { kinds: [...this.#feeds.keys()] });
  }

  snapshot(): ClusterState {
    const items = <T>(kind: string): T[] => (this.#feeds.get(kind)?.informer.list() ?? []) as T[];
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
    this.#stopped = true;
    if (this.#allListed !== undefined) {
      this.#allListed = undefined;
      this.#abandon?.(new Error('KubernetesSource stopped before every informer had listed'));
    }
    for (const feed of this.#feeds.values()) {
      if (feed.timer !== undefined) clearTimeout(feed.timer);
      feed.timer = undefined;
      await feed.informer.stop();
    }
    this.#feeds.clear();
  }

  /** Whether every informer has listed at least once (for /readyz). */
  synced(): boolean {
    return this.#feeds.size > 0 && [...this.#feeds.values()].every((f) => f.listed);
  }

  #add(kind: string, path: string, fieldSelector?: string): void {
    const listPath = `${path}${query({ fieldSelector })}`;
    // Filled in below; the list function needs the feed to record success.
    let feed: Feed | undefined;
    const listFn = async (): Promise<KubernetesListObject<KubernetesObject>> => {
      const list = await this.#rest.get<KubernetesListObject<KubernetesObject>>(listPath);
      if (feed !== undefined) this.#healthy(feed, true);
      return list;
    };
    const informer = new ListWatch<KubernetesObject>(
      path,
      new Watch(this.#kc),
      listFn,
      false,
      undefined,
      fieldSelector,
    );
    feed = { kind, informer, listed: false, delayMs: this.#opts.restartDelayMs, timer: undefined };
    const f = feed;
    const changed = (): void => {
      this.#healthy(f, false);
      if (this.#allListed === undefined) this.#onChange();
    };
    informer.on('add', changed);
    informer.on('update', changed);
    informer.on('delete', changed);
    informer.on('error', (err: unknown) => this.#failed(f, err));
    this.#feeds.set(kind, feed);
  }

  /** Progress on a feed: its backoff starts over; a first list may complete start(). */
  #healthy(feed: Feed, listed: boolean): void {
    feed.delayMs = this.#opts.restartDelayMs;
    if (!listed || feed.listed) return;
    feed.listed = true;
    // The first list's add events fire in a later microtask than listFn's return; a macrotask runs after them.
    setImmediate(() => {
      if (this.#allListed !== undefined && this.synced()) {
        const resolve = this.#allListed;
        this.#allListed = undefined;
        resolve();
      }
      this.#onChange();
    });
  }

  #run(feed: Feed): void {
    feed.informer.start().catch((err: unknown) => this.#failed(feed, err));
  }

  #failed(feed: Feed, err: unknown): void {
    if (this.#stopped || feed.timer !== undefined) return;
    const delay = feed.delayMs;
    feed.delayMs = Math.min(feed.delayMs * 2, this.#opts.maxRestartDelayMs);
    this.#opts.logger.warn('kubernetes informer stopped; restarting', {
      kind: feed.kind,
      reason: err instanceof Error ? err.message : String(err),
      retryInMs: delay,
    });
    feed.timer = setTimeout(() => {
      feed.timer = undefined;
      if (!this.#stopped) this.#run(feed);
    }, delay);
  }
}
