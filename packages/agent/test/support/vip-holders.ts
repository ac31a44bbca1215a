// Who holds an address, across several node namespaces: one netlink monitor per namespace
// (RTM_NEWADDR / RTM_DELADDR for IPv4), so every change is seen and timestamped as it arrives
// instead of being sampled. Used by the multi-node test and by the agent bench's failover rounds.
import { performance } from 'node:perf_hooks';
import { Netlink } from '@purelb-ts/netlink-native';
import { ipJson } from '../../../../test/support/netns.ts';

type Monitor = ReturnType<Netlink['monitor']>;

export interface Sample {
  holders: string[];
  /** From `since` to the moment the holder got the address (0 if it held it already). */
  ms: number;
}

/** Whether namespace ns holds ip on any interface, read now with `ip` (not from the monitor). */
function holdsNow(ns: string, ip: string): boolean {
  const links = ipJson<{ addr_info: { local: string }[] }[]>(ns, 'addr', 'show');
  return links.some((l) => l.addr_info.some((a) => a.local === ip));
}

/**
 * Two or more namespaces holding the address at once. `seen`: on the monitors' word; `confirmed`:
 * a second netlink read of every namespace the monitors named found two or more still holding it
 * (each namespace has its own socket, so the monitors alone can misorder a handoff).
 */
export interface OverlapCount {
  seen: number;
  confirmed: number;
  /** The longest confirmed overlap, from the monitors' first to last word on it (ms). */
  maxConfirmedMs: number;
}

export class VipHolders {
  readonly vip: string;
  /** Node name → its namespace. */
  readonly nodes: ReadonlyMap<string, string>;
  /** Node → whether it holds the address, and since when (performance.now()). */
  readonly #held = new Map<string, { holds: boolean; at: number }>();
  readonly #handles: { nl: Netlink; monitor: Monitor }[] = [];
  readonly #byNode = new Map<string, Netlink>();
  readonly #overlaps: OverlapCount = { seen: 0, confirmed: 0, maxConfirmedMs: 0 };
  /** The overlap going on now (monitors' word): since when, and whether a read confirmed it. */
  #overlap: { since: number; confirmed: boolean } | undefined;
  readonly #confirming = new Set<Promise<void>>();
  #link: string | undefined;
  /** Node → the index of #link in its namespace. */
  readonly #linkIndex = new Map<string, number>();
  #wakers: (() => void)[] = [];
  #error: Error | undefined;

  private constructor(nodes: ReadonlyMap<string, string>, vip: string) {
    this.nodes = nodes;
    this.vip = vip;
  }

  /**
   * Opens a monitor in every node's namespace and reads who holds `vip` now; with `link`, only a copy
   * on the interface of that name counts (e.g. the segment's, not a fallback to the dummy).
   */
  static async open(nodes: ReadonlyMap<string, string>, vip: string, link?: string): Promise<VipHolders> {
    const h = new VipHolders(nodes, vip);
    h.#link = link;
    try {
      for (const [name, ns] of nodes) await h.#watch(name, ns);
    } catch (err) {
      h.close();
      throw err;
    }
    return h;
  }

  async #watch(name: string, ns: string): Promise<void> {
    const nl = await Netlink.open({ netns: ns });
    const monitor = nl.monitor({ groups: ['ipv4-address'] });
    this.#handles.push({ nl, monitor });
    this.#byNode.set(name, nl);
    if (this.#link !== undefined) this.#linkIndex.set(name, (await nl.links.get(this.#link)).index);
    monitor.on('address', (e) => {
      if (this.#counts(name, e.address)) this.#set(name, e.action === 'new', performance.now());
    });
    // Lost notifications: what the stream said is stale, read the namespace again.
    monitor.on('overrun', () => void this.#relist(name, nl));
    monitor.on('error', (err: Error) => {
      this.#error = err;
      this.#wake();
    });
    await this.#relist(name, nl);
  }

  /** The address is the VIP, on the followed link if there is one. */
  #counts(name: string, a: { address: string; index: number }): boolean {
    return a.address === this.vip && (this.#link === undefined || a.index === this.#linkIndex.get(name));
  }

  async #relist(name: string, nl: Netlink): Promise<void> {
    const at = performance.now();
    try {
      const list = await nl.addresses.list({ family: 4 });
      this.#set(
        name,
        list.some((a) => this.#counts(name, a)),
        at,
      );
    } catch (err) {
      this.#error = err instanceof Error ? err : new Error(String(err));
      this.#wake();
    }
  }

  #set(name: string, holds: boolean, at: number): void {
    if (this.#held.get(name)?.holds === holds) return;
    this.#held.set(name, { holds, at });
    this.#countOverlap(at);
    this.#wake();
  }

  /** Follows overlaps on the monitors' word; each new one is checked by reading the namespaces. */
  #countOverlap(at: number): void {
    const holders = [...this.#held].filter(([, h]) => h.holds).map(([n]) => n);
    const current = this.#overlap;
    if (holders.length < 2) {
      if (current?.confirmed === true)
        this.#overlaps.maxConfirmedMs = Math.max(this.#overlaps.maxConfirmedMs, at - current.since);
      this.#overlap = undefined;
      return;
    }
    if (current !== undefined) return;
    const overlap = { since: at, confirmed: false };
    this.#overlap = overlap;
    this.#overlaps.seen++;
    const check = this.#confirm(holders, overlap).finally(() => this.#confirming.delete(check));
    this.#confirming.add(check);
  }

  /** The second netlink read: how many of `holders` really hold the address now. */
  async #confirm(holders: string[], overlap: { since: number; confirmed: boolean }): Promise<void> {
    try {
      const reads = await Promise.all(
        holders.map(async (n) => ({
          n,
          list: await (this.#byNode.get(n) as Netlink).addresses.list({ family: 4 }),
        })),
      );
      const still = reads.filter(({ n, list }) => list.some((a) => this.#counts(n, a))).length;
      if (still < 2) return;
      overlap.confirmed = true;
      this.#overlaps.confirmed++;
      if (this.#overlap !== overlap) {
        // It ended before the read came back: the monitors timed it.
        const end = Math.max(...holders.map((n) => this.changedAt(n)));
        this.#overlaps.maxConfirmedMs = Math.max(this.#overlaps.maxConfirmedMs, end - overlap.since);
      }
    } catch (err) {
      this.#error = err instanceof Error ? err : new Error(String(err));
      this.#wake();
    }
  }

  /** Overlaps so far, once every confirming read has come back. */
  async overlaps(): Promise<OverlapCount> {
    while (this.#confirming.size > 0) await Promise.all([...this.#confirming]);
    if (this.#error !== undefined) throw this.#error;
    return { ...this.#overlaps };
  }

  #wake(): void {
    const wakers = this.#wakers;
    this.#wakers = [];
    for (const w of wakers) w();
  }

  /** The nodes among `of` (default: all) that hold the address, by name. */
  holders(of: Iterable<string> = this.nodes.keys()): string[] {
    if (this.#error !== undefined) throw this.#error;
    return [...of].filter((n) => this.#held.get(n)?.holds === true).sort();
  }

  /** When node's holding last changed (performance.now()). */
  changedAt(node: string): number {
    return this.#held.get(node)?.at ?? 0;
  }

  /** Resolves at the next change of any node, or after ms. */
  change(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wakers.push(done);
    });
  }

  /**
   * More than one holder among `of` on the monitors' word, confirmed by reading the namespaces
   * again: each namespace has its own socket, so a withdrawal in one and the takeover in another
   * can reach this process in the other order. Returns the confirmed holders.
   */
  confirmedOverlap(of: Iterable<string>): string[] {
    const seen = this.holders(of);
    if (seen.length < 2) return seen;
    return seen.filter((n) => holdsNow(this.nodes.get(n) as string, this.vip));
  }

  close(): void {
    for (const { monitor, nl } of this.#handles) {
      monitor.close();
      nl.close();
    }
    this.#handles.length = 0;
    this.#byNode.clear();
    this.#wake();
  }
}

export interface UntilOptions {
  /** The node that must end up the only holder is one of these. */
  among: readonly string[];
  /** Nodes whose holding counts (default: all); a dead node keeps its address and is left out. */
  living?: readonly string[];
  /** performance.now() the result's ms is measured from. */
  since: number;
  /** Give up this long after `since`. */
  limitMs: number;
  /** Text appended to a failure (the agents' logs). */
  logs: () => string;
  /** Fail as soon as two living nodes hold the address at once (default true). */
  strict?: boolean;
  /** A further condition that must hold too (polled every 10 ms). */
  ready?: () => Promise<boolean>;
}

/** Waits until exactly one living node, one of `among`, holds the address. */
export async function untilOneHolder(h: VipHolders, o: UntilOptions): Promise<Sample> {
  const living = o.living ?? [...h.nodes.keys()];
  const { strict = true, ready = async () => true } = o;
  for (;;) {
    const holders = h.holders(living);
    if (strict && holders.length > 1) {
      const both = h.confirmedOverlap(living);
      if (both.length > 1) throw new Error(`two nodes hold ${h.vip} at once: ${both.join(', ')}`);
    }
    const one = holders.length === 1 ? (holders[0] as string) : undefined;
    if (one !== undefined && o.among.includes(one) && (await ready()))
      return { holders, ms: Math.max(0, h.changedAt(one) - o.since) };
    if (performance.now() - o.since > o.limitMs) {
      throw new Error(
        `no node among ${o.among.join(', ')} held ${h.vip} within ${o.limitMs} ms (holders: ${holders.join(', ') || 'none'})\n${o.logs()}`,
      );
    }
    await h.change(10);
  }
}

/** Requires `holder` to stay the only living holder for ms. */
export async function staysSoleHolder(
  h: VipHolders,
  holder: string,
  ms: number,
  logs: () => string,
  living: readonly string[] = [...h.nodes.keys()],
): Promise<void> {
  const end = performance.now() + ms;
  for (let left = ms; left > 0; left = end - performance.now()) {
    const holders = h.holders(living);
    if (holders.length !== 1 || holders[0] !== holder) {
      const now = holders.length > 1 ? h.confirmedOverlap(living) : holders;
      if (now.length !== 1 || now[0] !== holder)
        throw new Error(
          `${holder} stopped being the only holder of ${h.vip}: ${now.join(', ') || 'none'}\n${logs()}`,
        );
    }
    await h.change(left);
  }
}

export interface SteadyOptions {
  among: readonly string[];
  /** A further condition for the cluster to count as settled (e.g. every Lease present). */
  ready: () => Promise<boolean>;
  logs: () => string;
  /** How long the holder must stay the only one. */
  settleMs: number;
  /** Give up after this long. */
  limitMs: number;
}

/**
 * The holder once the cluster has settled: one holder among `among`, `ready` true, and no change for
 * settleMs. While agents start, one may win alone before it sees the others' Leases and then hand
 * the address to the real winner; a holder that does not last is waited out again.
 */
export async function steadyHolder(h: VipHolders, o: SteadyOptions): Promise<string> {
  const since = performance.now();
  for (;;) {
    const left = o.limitMs - (performance.now() - since);
    const first = await untilOneHolder(h, {
      among: o.among,
      since,
      limitMs: Math.max(0, left),
      logs: o.logs,
      strict: false,
      ready: o.ready,
    });
    const holder = first.holders[0] as string;
    try {
      await staysSoleHolder(h, holder, o.settleMs, o.logs);
      return holder;
    } catch (err) {
      if (performance.now() - since > o.limitMs) throw err;
    }
  }
}
