// The EndpointSlices as the allocator keeps them: only what says which nodes host a usable endpoint of
// which Service (core's nodesWithReadyEndpoints reads nothing else), indexed by Service. A slice keeps
// its name, namespace, resourceVersion and service-name label, and one entry per node with a usable
// endpoint (conditions folded in: an entry kept is usable); addresses and ports are dropped.
import { type EndpointSlice, endpointUsable, SERVICE_NAME_LABEL } from '@purelb-ts/core';
import type { InformerEvent } from '../kubernetes/informer.ts';
import { projectEndpointSlice } from '../kubernetes/project.ts';

const NO_ADDRESSES: string[] = [];

/** projectEndpointSlice, then reduced to the nodes hosting a usable endpoint. */
export function projectEndpointNodes(raw: unknown): EndpointSlice {
  const s = projectEndpointSlice(raw);
  const nodes = new Set<string>();
  for (const ep of Array.isArray(s.endpoints) ? s.endpoints : []) {
    if (typeof ep?.nodeName === 'string' && ep.nodeName !== '' && endpointUsable(ep.conditions))
      nodes.add(ep.nodeName);
  }
  return {
    // The projection keeps exactly what core reads of a slice's metadata (EndpointSliceMeta).
    metadata: s.metadata,
    addressType: s.addressType,
    endpoints: [...nodes].map((nodeName) => ({ addresses: NO_ADDRESSES, nodeName })),
  };
}

/** The Service (namespace/name) a slice belongs to, or undefined when it names none. */
export function sliceService(slice: EndpointSlice): string | undefined {
  const name = slice.metadata.labels?.[SERVICE_NAME_LABEL];
  return name === undefined ? undefined : `${slice.metadata.namespace ?? 'default'}/${name}`;
}

/** Slices by Service, kept in step with the informer's events. */
export class EndpointIndex {
  readonly #by = new Map<string, Map<string, EndpointSlice>>();

  /** Takes in one informer event; returns the Service it concerns, if any. */
  apply(event: InformerEvent, slice: EndpointSlice): string | undefined {
    const key = sliceService(slice);
    if (key === undefined) return undefined;
    const name = slice.metadata.name;
    let slices = this.#by.get(key);
    if (event === 'delete') {
      slices?.delete(name);
      if (slices?.size === 0) this.#by.delete(key);
      return key;
    }
    if (slices === undefined) {
      slices = new Map();
      this.#by.set(key, slices);
    }
    slices.set(name, slice);
    return key;
  }

  of(service: string): EndpointSlice[] {
    const slices = this.#by.get(service);
    return slices === undefined ? [] : [...slices.values()];
  }
}
