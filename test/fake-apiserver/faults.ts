// Faults a test switches on to reproduce what users hit with real clusters: requests that stall before
// any header, 429/500 answers, slow Lease writes, and a Lease writer whose clock is off. (Dropping
// watch connections, stalling the watches of one resource, taking the whole server down and
// compacting the event log are immediate actions on the server: dropWatches(), stallWatches(),
// goDown()/comeUp() and compact().)
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'other';

export interface FaultFilter {
  /** Only requests with this verb (default: any). */
  verb?: Verb;
  /** Only requests for this resource plural, e.g. 'leases' (default: any, including discovery). */
  resource?: string;
  /** Only requests from this client: its bearer token (default: any client). */
  caller?: string;
}

export interface Fault {
  /** Hold the request this long before anything is written. */
  stallMs?: number;
  /** Then answer with this status (a Status body; 429 carries Retry-After: 1). */
  status?: 429 | 500;
}

interface Armed extends FaultFilter, Fault {
  remaining: number;
}

export class Faults {
  private armed: Armed[] = [];
  /** Every Lease create/update/patch waits this long before it is applied. */
  leaseWriteDelayMs = 0;
  /**
   * Slow watches: resource plural (every client) or `plural token` (one client, by its bearer token)
   * → ms. Every live event of that resource reaches those watches this much later (in order, while the
   * delay stays the same), as from an API server whose watch cache lags; lists and writes are not slowed.
   */
  readonly watchDelayMs = new Map<string, number>();
  /**
   * A skewed clock: holder → ms. Lease creates and updates whose spec.holderIdentity is the holder
   * get renewTime and acquireTime moved by ms, as if written by a node whose clock is off by ms.
   */
  readonly leaseClockSkewMs = new Map<string, number>();

  /** The body as the skewed writer would have sent it (unchanged for anything but such a Lease). */
  skewed(plural: string, body: unknown): unknown {
    if (plural !== 'leases' || typeof body !== 'object' || body === null) return body;
    const spec = (body as { spec?: Record<string, unknown> }).spec;
    const skew = this.leaseClockSkewMs.get(String(spec?.holderIdentity ?? ''));
    if (spec === undefined || skew === undefined) return body;
    const shift = (v: unknown) =>
      typeof v === 'string' && !Number.isNaN(Date.parse(v))
        ? new Date(Date.parse(v) + skew).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')
        : v;
    return {
      ...body,
      spec: { ...spec, renewTime: shift(spec.renewTime), acquireTime: shift(spec.acquireTime) },
    };
  }

  /** The next `count` matching requests are answered with `status` instead of being served. */
  failNext(status: 429 | 500, count: number, filter: FaultFilter = {}): void {
    if (!Number.isInteger(count) || count < 1)
      throw new Error(`failNext: count must be a positive integer, got ${count}`);
    this.armed.push({ ...filter, status, remaining: count });
  }

  /** The next `count` matching requests wait `ms` before any header is written, then are served. */
  stall(ms: number, count = 1, filter: FaultFilter = {}): void {
    if (!(ms >= 0)) throw new Error(`stall: ms must be >= 0, got ${ms}`);
    if (!Number.isInteger(count) || count < 1)
      throw new Error(`stall: count must be a positive integer, got ${count}`);
    this.armed.push({ ...filter, stallMs: ms, remaining: count });
  }

  clear(): void {
    this.armed = [];
    this.leaseWriteDelayMs = 0;
    this.leaseClockSkewMs.clear();
    this.watchDelayMs.clear();
  }

  /** The fault for this request, if one is armed; consumes one use of it. */
  take(verb: Verb, resource: string | undefined, caller = ''): Fault | undefined {
    const i = this.armed.findIndex(
      (a) =>
        (a.verb === undefined || a.verb === verb) &&
        (a.resource === undefined || a.resource === resource) &&
        (a.caller === undefined || a.caller === caller),
    );
    if (i < 0) return undefined;
    const a = this.armed[i]!;
    if (--a.remaining === 0) this.armed.splice(i, 1);
    return { stallMs: a.stallMs, status: a.status };
  }
}
