// Address notifications the agent's own changes cause. Every RTM_NEWADDR / RTM_DELADDR marks the
// reconciler dirty; those that only echo what its last apply did carry nothing new, and running
// again for them doubled the work of every change (a full reconcile each: ~100 ms at 10k Services)
// and delayed the next one. Each expected echo is consumed once, and forgotten after TTL_MS.
import type { NodeNetwork, PlanOp } from '@purelb-ts/core';
import type { Action, Address } from '@purelb-ts/netlink-native';

const TTL_MS = 5000;

const keyOf = (action: Action, index: number, ip: string, prefixLength: number): string =>
  `${action} ${index} ${ip}/${prefixLength}`;

export class OwnEchoes {
  readonly #expected = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /**
   * Before applying `plan`: the notifications its address ops will cause (an op on a link the
   * network does not have yet, or a replace done as delete + add, expects none). Returns each op's key,
   * so that a failed op's can be forgotten.
   */
  expect(plan: readonly PlanOp[], network: NodeNetwork): Map<PlanOp, string> {
    const now = this.#now();
    for (const [k, until] of this.#expected) if (until < now) this.#expected.delete(k);
    const index = new Map(network.links.map((l) => [l.name, l.index]));
    const keys = new Map<PlanOp, string>();
    for (const op of plan) {
      let key: string | undefined;
      if (op.op === 'add-address' || (op.op === 'replace-address' && op.why === 'refresh-lifetime')) {
        const i = index.get(op.placement.link);
        if (i !== undefined) key = keyOf('new', i, op.placement.ip, op.placement.prefixLength);
      } else if (op.op === 'delete-address') {
        const i = index.get(op.link);
        if (i !== undefined) key = keyOf('del', i, op.ip, op.prefixLength);
      }
      if (key === undefined) continue;
      this.#expected.set(key, now + TTL_MS);
      keys.set(op, key);
    }
    return keys;
  }

  /** A failed op causes no notification. */
  forget(key: string): void {
    this.#expected.delete(key);
  }

  /** Whether this notification is one an apply announced (consumed: a second alike is news). */
  isEcho(action: Action, address: Address): boolean {
    const key = keyOf(action, address.index, address.address, address.prefixLength);
    const until = this.#expected.get(key);
    if (until === undefined) return false;
    this.#expected.delete(key);
    return until >= this.#now();
  }
}
