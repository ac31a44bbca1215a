// Faults a test switches on to reproduce what users hit with real clusters: requests that stall before
// any header, 429/500 answers, and slow Lease writes. (Dropping watch connections, taking the whole
// server down and compacting the event log are immediate actions on the server: dropWatches(),
// goDown()/comeUp() and compact().)
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'other';

export interface FaultFilter {
  /** Only requests with this verb (default: any). */
  verb?: Verb;
  /** Only requests for this resource plural, e.g. 'leases' (default: any, including discovery). */
  resource?: string;
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
  }

  /** The fault for this request, if one is armed; consumes one use of it. */
  take(verb: Verb, resource: string | undefined): Fault | undefined {
    const i = this.armed.findIndex(
      (a) =>
        (a.verb === undefined || a.verb === verb) && (a.resource === undefined || a.resource === resource),
    );
    if (i < 0) return undefined;
    const a = this.armed[i]!;
    if (--a.remaining === 0) this.armed.splice(i, 1);
    return { stallMs: a.stallMs, status: a.status };
  }
}
