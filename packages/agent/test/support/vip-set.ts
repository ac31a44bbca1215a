// Many local addresses on the three-node segment at once, each followed by its own VipHolders, so a
// test sees every handoff an agent restart or a subnet flap causes (one address moves in a third of
// them at best) and counts the overlaps across all of them. Who should hold each address is the
// core's election over the nodes the test knows to be members, so a test waits for exactly that.
import { performance } from 'node:perf_hooks';
import { rankNodes } from '@purelb-ts/core';
import type { FakeApiServer } from '../../../../test/support/kube.ts';
import { addService } from './cluster.ts';
import { VIP } from './election-cluster.ts';
import { type OverlapCount, VipHolders } from './vip-holders.ts';

/** The whole local pool of the election cluster (172.30.250.50-.60): 11 addresses. */
export const POOL_VIPS: readonly string[] = Array.from({ length: 11 }, (_, i) => `172.30.250.${50 + i}`);

/** A Service for each of `vips` but VIP (seedElectionCluster adds `web` on it). */
export async function addPoolServices(server: FakeApiServer, vips: readonly string[]): Promise<void> {
  for (const ip of vips) if (ip !== VIP) await addService(server, `web-${ip.split('.').join('-')}`, ip);
}

export class VipSet {
  readonly #holders: VipHolders[];

  private constructor(holders: VipHolders[]) {
    this.#holders = holders;
  }

  /** `link`: only copies on that interface count (see VipHolders.open). */
  static async open(
    nodes: ReadonlyMap<string, string>,
    vips: readonly string[],
    link?: string,
  ): Promise<VipSet> {
    const opened: VipHolders[] = [];
    try {
      for (const vip of vips) opened.push(await VipHolders.open(nodes, vip, link));
    } catch (err) {
      for (const h of opened) h.close();
      throw err;
    }
    return new VipSet(opened);
  }

  /** The addresses node holds now (monitors' word). */
  heldBy(node: string): string[] {
    return this.#holders.filter((h) => h.holders([node]).length === 1).map((h) => h.vip);
  }

  /** When node last gained or lost any of the addresses (performance.now()). */
  lastChangeOf(node: string): number {
    return Math.max(0, ...this.#holders.map((h) => h.changedAt(node)));
  }

  /** The addresses not held by exactly their winner among `members` (monitors' word). */
  misplaced(members: readonly string[]): string[] {
    return this.#holders
      .filter((h) => {
        const held = h.holders();
        return held.length !== 1 || held[0] !== rankNodes(h.vip, members)[0];
      })
      .map((h) => h.vip);
  }

  /** Waits until every address is held by its winner among `members` alone; throws after limitMs. */
  async untilPlaced(members: readonly string[], limitMs: number, logs: () => string): Promise<number> {
    const since = performance.now();
    for (;;) {
      const wrong = this.misplaced(members);
      if (wrong.length === 0) return performance.now() - since;
      if (performance.now() - since > limitMs) {
        const where = wrong.map((ip) => `${ip}: ${this.#of(ip).holders().join(',') || 'none'}`);
        throw new Error(
          `not placed on their winners among ${members.join(', ')} within ${limitMs} ms: ${where.join('; ')}\n${logs()}`,
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  #of(ip: string): VipHolders {
    return this.#holders.find((h) => h.vip === ip) as VipHolders;
  }

  /** Overlaps summed over every address (the longest is the longest of any). */
  async overlaps(): Promise<OverlapCount> {
    const sum: OverlapCount = { seen: 0, confirmed: 0, maxConfirmedMs: 0 };
    for (const h of this.#holders) {
      const o = await h.overlaps();
      sum.seen += o.seen;
      sum.confirmed += o.confirmed;
      sum.maxConfirmedMs = Math.max(sum.maxConfirmedMs, o.maxConfirmedMs);
    }
    return sum;
  }

  close(): void {
    for (const h of this.#holders) h.close();
  }
}
