// The election members as this node observes them: each Lease judged by when this agent saw it
// renewed, on the contact clock (a peer lapses only on silence this agent could have heard), among
// the Nodes that exist, with this node's own standing taken from its own renewals.
import { LeaseObserver, nodeIdentities } from '@purelb-ts/core';
import type { MembershipSource } from '../node-decision.ts';
import type { ClusterState } from '../sources/source.ts';
import type { ApiContact } from './api-contact.ts';

export class ElectionView {
  readonly #observer = new LeaseObserver();
  readonly #contact: ApiContact;
  readonly #selfLive: () => boolean | undefined;

  /**
   * `selfLive`: whether this node counts itself a member, from its own renewals rather than its
   * Lease cache; undefined before its first renewal (its Lease as observed then decides).
   */
  constructor(contact: ApiContact, selfLive: () => boolean | undefined) {
    this.#contact = contact;
    this.#selfLive = selfLive;
  }

  membership(state: ClusterState): MembershipSource {
    const now = this.#contact.read();
    this.#observer.observe(state.leases, now, Date.now());
    const live = this.#selfLive();
    return {
      standalone: false,
      now,
      expiresAt: (lease) => this.#observer.expiresAt(lease),
      nodes: nodeIdentities(state.nodes),
      ...(live === undefined ? {} : { self: { live, expiresAt: Number.POSITIVE_INFINITY } }),
    };
  }
}
