// What desiredState decided for each Service in its last pass, for the next pass to reuse while the
// node's context is the same (see DecisionMemo, which alone decides when it is). Within one context a
// Service's decision depends only on the Service object itself and the nodes with a ready endpoint of
// it, so a pass after one Service changed decides that one again and reuses the rest: at 10k
// Services one change no longer rebuilds 10k placements and their reasons.
//
// Invariant: a Service object is never mutated (sources replace objects), so the same object means the
// same Service. Entries of Services not seen in a pass are dropped at its end.
import type { NodeService } from '../kube.ts';
import type { Placement, PlacementSkip } from '../model.ts';
import type { Family } from '../net/ip.ts';

/** One Service's part of a desired state, before shared addresses are merged. */
export interface ServiceDecision {
  /** The nodes with a ready endpoint it was decided with (compared by content). */
  endpointNodes: readonly string[];
  placements: readonly Placement[];
  skips: readonly PlacementSkip[];
  /** Addresses of frozen groups, kept as they are. */
  keep: readonly string[];
  /** The address families whose local-interface election it read (DesiredState.elections reports them). */
  families: readonly Family[];
}

const sameNodes = (a: readonly string[], b: readonly string[]): boolean =>
  a === b || (a.length === b.length && a.every((n, i) => n === b[i]));

export class ServiceDecisions {
  #last = new Map<NodeService, ServiceDecision>();
  #next = new Map<NodeService, ServiceDecision>();
  /** How many Services the last pass reused and decided (for tests and benchmarks). */
  readonly counts = { reused: 0, decided: 0 };

  /** The decision of `svc` from the last pass, if it was made with the same endpoint nodes. */
  reuse(svc: NodeService, endpointNodes: readonly string[]): ServiceDecision | undefined {
    const d = this.#last.get(svc);
    if (d === undefined || !sameNodes(d.endpointNodes, endpointNodes)) return undefined;
    this.counts.reused++;
    this.#next.set(svc, d);
    return d;
  }

  remember(svc: NodeService, d: ServiceDecision): void {
    this.counts.decided++;
    this.#next.set(svc, d);
  }

  /** Ends a pass: what it did not see is forgotten. */
  endPass(): void {
    this.#last = this.#next;
    this.#next = new Map();
  }
}
