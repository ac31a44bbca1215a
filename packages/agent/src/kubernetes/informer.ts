// One informer (list, then watch) that never stays down, over the agent's own transport. It lists in
// pages, keeps each object only as its `project` function shapes it (project.ts), and watches from the
// list's resourceVersion with bookmarks, so a resumed watch starts where the last one ended:
//   - the server ends the watch (its timeoutSeconds) or it stays silent for idleTimeoutMs: watch again
//     from the last resourceVersion, at once;
//   - 410 Gone (HTTP, or an ERROR event in the stream): list again, and tell the differences as events;
//   - any other failure (reset, 5xx, a failed list page): again after a backoff that starts at
//     restartDelayMs, doubles up to maxRestartDelayMs, and carries up to a fifth more at random so a
//     thousand agents do not relist in step; any progress starts the backoff over.
// Shared by the node agent's source and the allocator.
import type { ObjectMeta } from '@purelb-ts/core';
import type { Logger } from '../log.ts';
import { lines } from './client/lines.ts';
import { decode, KubeApiError, type KubeRest } from './rest.ts';

export type InformerEvent = 'add' | 'update' | 'delete';

/** Restart backoff cap: every recovery after an API fault takes under 5 s (250 ms doubles to it in four). */
export const MAX_RESTART_DELAY_MS = 3_000;
/** Objects per LIST page (client-go's pager uses 500 too). */
export const LIST_PAGE_SIZE = 500;
/** A watch that delivers nothing, not even a bookmark, for this long is taken as stalled. */
export const WATCH_IDLE_TIMEOUT_MS = 30_000;

export interface Keyed {
  metadata: ObjectMeta;
}

export interface InformerOptions<T extends Keyed> {
  /** For logs: Service, ServiceGroup, ... */
  kind: string;
  /** Collection path, e.g. /api/v1/services or /apis/purelb.io/v2/namespaces/NS/servicegroups. */
  path: string;
  fieldSelector?: string;
  /** The object as kept: what its readers use of the API server's JSON (see project.ts). */
  project: (raw: unknown) => T;
  logger: Logger;
  /** First restart delay after an error (doubles up to maxRestartDelayMs). */
  restartDelayMs: number;
  maxRestartDelayMs: number;
  pageSize?: number;
  idleTimeoutMs?: number;
  /** Every change the cache takes in, with the object (the final state for a delete). */
  onEvent: (event: InformerEvent, obj: T) => void;
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

/** The store's key, kept for every object: joined into one flat string, not a tree of concatenations. */
const keyOf = (m: ObjectMeta | undefined): string => [m?.namespace ?? '', '/', m?.name ?? ''].join('');

/** The watch's resourceVersion is too old: list again. */
class Gone extends Error {}

interface WatchLine {
  type?: string;
  object?: { metadata?: ObjectMeta; code?: number; message?: string };
}

interface ListPage {
  items?: unknown[];
  metadata?: { continue?: string; resourceVersion?: string };
}

/**
 * A LIST in pages of `pageSize` (a 10k-Service list is one 25 MB body otherwise), each object projected
 * as it is read; resolves with the list's resourceVersion.
 */
export async function listPages<T>(
  rest: KubeRest,
  o: { path: string; fieldSelector?: string; pageSize?: number; project: (raw: unknown) => T },
  each: (obj: T) => void,
): Promise<string> {
  let cont: string | undefined;
  let rv = '';
  do {
    const page = await rest.get<ListPage>(
      `${o.path}${query({
        fieldSelector: o.fieldSelector,
        limit: String(o.pageSize ?? LIST_PAGE_SIZE),
        continue: cont,
      })}`,
    );
    for (const raw of page.items ?? []) each(o.project(raw));
    cont = page.metadata?.continue || undefined;
    rv = page.metadata?.resourceVersion ?? rv;
  } while (cont !== undefined);
  return rv;
}

export class RestartingInformer<T extends Keyed = Keyed> {
  readonly kind: string;
  readonly #rest: KubeRest;
  readonly #o: InformerOptions<T>;
  readonly #store = new Map<string, T>();
  #items: T[] | undefined;
  #rv: string | undefined;
  #listed = false;
  #delayMs: number;
  #abort: AbortController | undefined;
  #running: Promise<void> | undefined;

  constructor(rest: KubeRest, options: InformerOptions<T>) {
    this.kind = options.kind;
    this.#rest = rest;
    this.#o = options;
    this.#delayMs = options.restartDelayMs;
  }

  /** Whether the first list has completed. */
  get listed(): boolean {
    return this.#listed;
  }

  /** Every object (one array, rebuilt only after a change: callers must not modify it). */
  list(): T[] {
    this.#items ??= [...this.#store.values()];
    return this.#items;
  }

  get(name: string, namespace?: string): T | undefined {
    return this.#store.get(`${namespace ?? ''}/${name}`);
  }

  /** Starts following (from the last resourceVersion seen, if any). */
  start(): void {
    if (this.#abort !== undefined) return;
    const abort = new AbortController();
    this.#abort = abort;
    this.#running = this.#run(abort.signal);
  }

  async stop(): Promise<void> {
    this.#abort?.abort();
    this.#abort = undefined;
    await this.#running;
    this.#running = undefined;
  }

  async #run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        if (this.#rv === undefined) await this.#relist(signal);
        if (signal.aborted) return;
        await this.#watch(signal);
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof Gone) {
          this.#rv = undefined;
          continue;
        }
        await this.#backoff(err, signal);
      }
    }
  }

  async #backoff(err: unknown, signal: AbortSignal): Promise<void> {
    const delay = Math.round(this.#delayMs * (1 + Math.random() / 5));
    this.#delayMs = Math.min(this.#delayMs * 2, this.#o.maxRestartDelayMs);
    this.#o.logger.warn('kubernetes informer stopped; restarting', {
      kind: this.kind,
      reason: err instanceof Error ? err.message : String(err),
      retryInMs: delay,
    });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Progress: the backoff starts over. */
  #progress(): void {
    this.#delayMs = this.#o.restartDelayMs;
  }

  /** Lists every page, then tells what changed since the cache's last state. */
  async #relist(signal: AbortSignal): Promise<void> {
    const fresh = new Map<string, T>();
    const rv = await listPages(this.#rest, this.#o, (obj) => {
      fresh.set(keyOf(obj.metadata), obj);
    });
    if (signal.aborted) return;
    this.#progress();
    this.#replace(fresh);
    this.#rv = rv;
    if (!this.#listed) {
      this.#listed = true;
      this.#o.onFirstList();
    }
  }

  #replace(fresh: Map<string, T>): void {
    const old = new Map(this.#store);
    this.#store.clear();
    this.#items = undefined;
    for (const [key, obj] of fresh) {
      const before = old.get(key);
      old.delete(key);
      if (before !== undefined && before.metadata.resourceVersion === obj.metadata.resourceVersion) {
        this.#store.set(key, before);
        continue;
      }
      this.#store.set(key, obj);
      this.#o.onEvent(before === undefined ? 'add' : 'update', obj);
    }
    for (const gone of old.values()) this.#o.onEvent('delete', gone);
  }

  /** One watch from #rv: resolves when it ends or goes silent, throws on a failure or Gone. */
  async #watch(signal: AbortSignal): Promise<void> {
    const path = `${this.#o.path}${query({
      watch: 'true',
      resourceVersion: this.#rv,
      allowWatchBookmarks: 'true',
      // client-go's spread: 5 to 10 minutes, so watches do not all end at once.
      timeoutSeconds: String(300 + Math.floor(Math.random() * 300)),
      fieldSelector: this.#o.fieldSelector,
    })}`;
    const res = await this.#rest.transport.stream(path, signal, this.#rest.timeoutMs);
    if (res.statusCode !== 200) {
      const body = await new Promise<Buffer>((resolve) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks)));
        res.on('error', () => resolve(Buffer.concat(chunks)));
      });
      if (res.statusCode === 410) throw new Gone();
      throw new KubeApiError('GET', path, res.statusCode ?? 0, decode(body));
    }
    const idleMs = this.#o.idleTimeoutMs ?? WATCH_IDLE_TIMEOUT_MS;
    const since = Date.now();
    const n = await lines(res, idleMs, (line) => this.#apply(JSON.parse(line) as WatchLine));
    // Ended at once with nothing said: not a normal end (it would loop); back off as on a failure.
    if (n === 0 && Date.now() - since < 1_000 && !signal.aborted) {
      throw new Error('the API server ended the watch at once');
    }
  }

  #apply(e: WatchLine): void {
    const o = e.object;
    if (e.type === 'ERROR') {
      if (o?.code === 410) throw new Gone();
      throw new Error(`watch ERROR: ${o?.message ?? JSON.stringify(o)}`);
    }
    const rv = o?.metadata?.resourceVersion;
    if (e.type === 'ADDED' || e.type === 'MODIFIED') {
      const obj = this.#o.project(o);
      const key = keyOf(obj.metadata);
      const had = this.#store.has(key);
      this.#store.set(key, obj);
      this.#items = undefined;
      this.#o.onEvent(had ? 'update' : 'add', obj);
    } else if (e.type === 'DELETED') {
      const obj = this.#o.project(o);
      this.#store.delete(keyOf(obj.metadata));
      this.#items = undefined;
      this.#o.onEvent('delete', obj);
    } else if (e.type !== 'BOOKMARK') {
      return;
    }
    if (rv !== undefined && rv !== '') this.#rv = rv;
    this.#progress();
  }
}
