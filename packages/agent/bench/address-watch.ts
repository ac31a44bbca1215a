// The bench's eyes in the agent's namespace: a netlink monitor that tracks the IPv4 addresses and
// timestamps every RTM_NEWADDR / RTM_DELADDR as it reaches this process.
import { performance } from 'node:perf_hooks';
import type { Netlink } from '@purelb-ts/netlink-native';

type Kind = 'new' | 'del';

interface Waiter {
  resolve: (t: number) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class AddressWatch {
  readonly present = new Set<string>();
  overruns = 0;
  #closed = false;
  readonly #waiters = new Map<string, Waiter>();
  readonly #groups = new Set<{ want: Set<string>; done: (t: number) => void; fail: (e: Error) => void }>();
  readonly #nl: Netlink;
  readonly #monitor;

  constructor(nl: Netlink) {
    this.#nl = nl;
    this.#monitor = nl.monitor({ groups: ['ipv4-address'] });
    this.#monitor.on('address', (e) => this.#seen(e.action as Kind, e.address.address, performance.now()));
    this.#monitor.on('overrun', () => {
      this.overruns++;
      void this.#relist();
    });
  }

  /** After lost notifications: read the namespace again and replay the difference. */
  async #relist(): Promise<void> {
    const t = performance.now();
    const now = new Set((await this.#nl.addresses.list({ family: 4 })).map((a) => a.address));
    for (const a of now) if (!this.present.has(a)) this.#seen('new', a, t);
    for (const a of [...this.present]) if (!now.has(a)) this.#seen('del', a, t);
  }

  #seen(kind: Kind, ip: string, t: number): void {
    if (kind === 'new') this.present.add(ip);
    else this.present.delete(ip);
    const key = `${kind} ${ip}`;
    const w = this.#waiters.get(key);
    if (w !== undefined) {
      this.#waiters.delete(key);
      clearTimeout(w.timer);
      w.resolve(t);
    }
    if (kind !== 'new') return;
    for (const g of this.#groups) {
      g.want.delete(ip);
      if (g.want.size === 0) g.done(t);
    }
  }

  /**
   * The arrival time of the next `kind` event for ip. Register BEFORE causing it. The promise is
   * marked handled, so one abandoned by a failing phase cannot crash the process later.
   */
  next(kind: Kind, ip: string, timeoutMs: number, what: string): Promise<number> {
    const key = `${kind} ${ip}`;
    const p = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(key);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${key})`));
      }, timeoutMs);
      this.#waiters.set(key, { resolve, reject, timer });
    });
    p.catch(() => {});
    return p;
  }

  /** The time the last of ips became present (now, if all already are). */
  all(ips: readonly string[], timeoutMs: number, what: string): Promise<number> {
    const want = new Set(ips.filter((ip) => !this.present.has(ip)));
    if (want.size === 0) return Promise.resolve(performance.now());
    const p = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#groups.delete(entry);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${want.size} still missing`));
      }, timeoutMs);
      const entry = {
        want,
        done: (t: number) => {
          clearTimeout(timer);
          this.#groups.delete(entry);
          resolve(t);
        },
        fail: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.#groups.add(entry);
    });
    p.catch(() => {});
    return p;
  }

  /**
   * Stops the monitor and fails every pending wait with `reason` (their timers would otherwise hold
   * the process). Idempotent.
   */
  close(reason = new Error('address watch closed')): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#monitor.close();
    const closed = reason;
    for (const w of this.#waiters.values()) {
      clearTimeout(w.timer);
      w.reject(closed);
    }
    this.#waiters.clear();
    for (const g of this.#groups) g.fail(closed);
    this.#groups.clear();
  }
}
