// One client-node informer (ListWatch) that never stays down. It lists through the agent's own JSON
// client, then watches. client-node relists by itself on 410 Gone (in-stream ERROR or HTTP) and
// reconnects after its 30 s watch timeout, but ANY other error (a dropped connection, a 500, a failed
// list) emits 'error' and leaves the informer stopped; so every error here schedules a restart with
// exponential backoff, and the cache resumes from the last resourceVersion it saw (or relists, if
// that is gone). Shared by the node agent's source and the allocator.
import {
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  ListWatch,
  Watch,
} from '@kubernetes/client-node';
import type { Logger } from '../log.ts';
import type { KubeRest } from './rest.ts';

export type InformerEvent = 'add' | 'update' | 'delete';

/**
 * Restart backoff cap: a few seconds, so every recovery after an API fault takes under 5 s (the
 * doubling from 250 ms reaches it in four steps). Each delay carries up to a fifth more at random,
 * so a thousand agents do not relist in step.
 */
export const MAX_RESTART_DELAY_MS = 3_000;

export interface InformerOptions {
  /** For logs: Service, ServiceGroup, ... */
  kind: string;
  /** Collection path, e.g. /api/v1/services or /apis/purelb.io/v2/namespaces/NS/servicegroups. */
  path: string;
  fieldSelector?: string;
  logger: Logger;
  /** First restart delay after an error (doubles up to maxRestartDelayMs). */
  restartDelayMs: number;
  maxRestartDelayMs: number;
  /** Every change the cache takes in, with the object (the final state for a delete). */
  onEvent: (event: InformerEvent, obj: KubernetesObject) => void;
  /** Called once, after the first list's objects are in the cache and their events delivered. */
  onFirstList: () => void;
}

/** Builds a query string from the defined parameters. */
export const query = (params: Record<string, string | undefined>): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  const text = q.toString();
  return text === '' ? '' : `?${text}`;
};

export class RestartingInformer {
  readonly kind: string;
  readonly #informer: ListWatch<KubernetesObject>;
  readonly #o: InformerOptions;
  #listed = false;
  #delayMs: number;
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;

  constructor(kc: KubeConfig, rest: KubeRest, options: InformerOptions) {
    this.kind = options.kind;
    this.#o = options;
    this.#delayMs = options.restartDelayMs;
    const listPath = `${options.path}${query({ fieldSelector: options.fieldSelector })}`;
    const listFn = async (): Promise<KubernetesListObject<KubernetesObject>> => {
      const list = await rest.get<KubernetesListObject<KubernetesObject>>(listPath);
      this.#healthy(true);
      return list;
    };
    this.#informer = new ListWatch<KubernetesObject>(
      options.path,
      new Watch(kc),
      listFn,
      false,
      undefined,
      options.fieldSelector,
    );
    for (const event of ['add', 'update', 'delete'] as const) {
      this.#informer.on(event, (obj: KubernetesObject) => {
        this.#healthy(false);
        this.#o.onEvent(event, obj);
      });
    }
    this.#informer.on('error', (err: unknown) => this.#failed(err));
  }

  /** Whether the first list has completed. */
  get listed(): boolean {
    return this.#listed;
  }

  list<T>(): T[] {
    return this.#informer.list() as T[];
  }

  get<T>(name: string, namespace?: string): T | undefined {
    return this.#informer.get(name, namespace) as T | undefined;
  }

  start(): void {
    this.#stopped = false;
    this.#informer.start().catch((err: unknown) => this.#failed(err));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#informer.stop();
  }

  /** Progress: the backoff starts over; the first list completes once its add events are out. */
  #healthy(listed: boolean): void {
    this.#delayMs = this.#o.restartDelayMs;
    if (!listed || this.#listed) return;
    this.#listed = true;
    // The first list's add events fire in a later microtask than listFn's return; a macrotask runs after them.
    setImmediate(() => this.#o.onFirstList());
  }

  #failed(err: unknown): void {
    if (this.#stopped || this.#timer !== undefined) return;
    const delay = Math.round(this.#delayMs * (1 + Math.random() / 5));
    this.#delayMs = Math.min(this.#delayMs * 2, this.#o.maxRestartDelayMs);
    this.#o.logger.warn('kubernetes informer stopped; restarting', {
      kind: this.kind,
      reason: err instanceof Error ? err.message : String(err),
      retryInMs: delay,
    });
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#stopped) this.start();
    }, delay);
  }
}
