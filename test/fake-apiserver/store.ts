// The fake API server's state: objects per resource type, one global monotonic resourceVersion (as etcd
// gives the real server), and an event log kept for a bounded window so a watch can resume from an
// older resourceVersion until that point is compacted away.
import type { ResourceType } from './resources.ts';
import { resourceId } from './resources.ts';

export type KubeObject = Record<string, unknown> & {
  metadata: Record<string, unknown> & { name: string; namespace?: string; resourceVersion?: string };
};

export interface StoreEvent {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: string;
  object: KubeObject;
  /** The object before a MODIFIED, so watchers with selectors can turn it into ADDED or DELETED. */
  previous?: KubeObject;
}

const keyOf = (ns: string | undefined, name: string): string => `${ns ?? ''}/${name}`;

export class Store {
  private rv = 0;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private log: StoreEvent[] = [];
  private readonly listeners = new Set<(e: StoreEvent) => void>();
  /** Events at or below this resourceVersion have been dropped from the log. */
  compactedRv = 0;
  /** How many events the log keeps; older ones are compacted as new ones arrive. */
  window: number;

  constructor(window: number) {
    this.window = window;
  }

  currentRv(): number {
    return this.rv;
  }

  private bucket(r: ResourceType): Map<string, KubeObject> {
    const id = resourceId(r);
    let b = this.objects.get(id);
    if (!b) {
      b = new Map();
      this.objects.set(id, b);
    }
    return b;
  }

  /** Objects sorted by namespace/name, as the API server lists them (etcd key order). */
  list(r: ResourceType, namespace?: string): KubeObject[] {
    return this.sorted(r, namespace).map(([, o]) => structuredClone(o));
  }

  /**
   * [namespace/name, object] in etcd key order, the objects themselves (not cloned): for a paged LIST,
   * which clones only the page it returns (cloning every object for every page made a 50k-object
   * LIST in pages of 500 cost 100 x 50k copies).
   */
  sorted(r: ResourceType, namespace?: string): [string, KubeObject][] {
    return [...this.bucket(r).entries()]
      .filter(([, o]) => namespace === undefined || o.metadata.namespace === namespace)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * The stored objects themselves, unsorted and not cloned: for the server's own read-only scans on
   * every write (cloning all of them there made each write cost O(objects) copies).
   */
  peek(r: ResourceType): readonly KubeObject[] {
    return [...this.bucket(r).values()];
  }

  get(r: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const o = this.bucket(r).get(keyOf(namespace, name));
    return o && structuredClone(o);
  }

  /** Stores a new or changed object under the next resourceVersion and records the event. */
  write(r: ResourceType, obj: KubeObject, type: 'ADDED' | 'MODIFIED'): KubeObject {
    const b = this.bucket(r);
    const key = keyOf(obj.metadata.namespace, obj.metadata.name);
    const previous = b.get(key);
    this.rv++;
    obj.metadata.resourceVersion = String(this.rv);
    b.set(key, structuredClone(obj));
    this.record({ rv: this.rv, type, resource: resourceId(r), object: structuredClone(obj), previous });
    return obj;
  }

  /** Removes an object; the DELETED event carries its final state under a new resourceVersion. */
  remove(r: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const b = this.bucket(r);
    const key = keyOf(namespace, name);
    const obj = b.get(key);
    if (!obj) return undefined;
    b.delete(key);
    this.rv++;
    obj.metadata.resourceVersion = String(this.rv);
    this.record({ rv: this.rv, type: 'DELETED', resource: resourceId(r), object: structuredClone(obj) });
    return obj;
  }

  private record(e: StoreEvent): void {
    this.log.push(e);
    while (this.log.length > this.window) this.compactedRv = this.log.shift()!.rv;
    for (const l of this.listeners) l(e);
  }

  /** Events after rv, or 'expired' when some of them have been compacted away. */
  eventsAfter(rv: number): StoreEvent[] | 'expired' {
    if (rv < this.compactedRv) return 'expired';
    return this.log.filter((e) => e.rv > rv);
  }

  /** Drops the whole event log now: every watch from an older resourceVersion gets 410. */
  compact(): void {
    this.log = [];
    this.compactedRv = this.rv;
  }

  subscribe(l: (e: StoreEvent) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}
