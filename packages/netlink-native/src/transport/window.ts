// How many requests may be in flight at once. The kernel answers a whole sendmsg batch before the
// I/O thread reads again, so every reply of the requests in flight must fit in the receive buffer
// at the same time, or the kernel drops some (ENOBUFS) and their requests can never settle.
// Each request is charged the receive-buffer room its replies can take (skb truesize, not
// message length), and the in-flight total stays under half the buffer the kernel granted.

/** Default SO_RCVBUF(FORCE) request: 4 MiB (the kernel reports and enforces double that). */
export const DEFAULT_RCVBUF = 4 * 1024 * 1024;
/** Default send buffer: one sendmsg carries at most this much of a batch. */
export const DEFAULT_SNDBUF = 1024 * 1024;

/** An ACK is one small skb: ~768 bytes of truesize, rounded up for ext-ack TLVs. */
export const COST_ACK = 1024;
/** One object in reply (RTM_NEWLINK with stats is the largest): a few KiB of truesize. */
export const COST_SINGLE = 8192;
/** A dump keeps one or two 32 KiB skbs queued at a time, because the kernel fills the next on read. */
export const COST_DUMP = 128 * 1024;

export interface WindowLimits {
  /** Most requests in flight at once. */
  count: number;
  /** Most receive-buffer bytes (summed costs) in flight at once. */
  bytes: number;
}

/** Checks a caller's window option (before any socket is opened for it). */
export function checkWindow(requested: number | undefined): void {
  if (requested !== undefined && (!Number.isInteger(requested) || requested < 1)) {
    throw new RangeError(`window must be a positive integer, got ${String(requested)}`);
  }
}

/** The window for a socket whose granted receive buffer is `grantedRcvbuf` bytes. */
export function windowFor(grantedRcvbuf: number, requested?: number): WindowLimits {
  const bytes = Math.max(COST_DUMP, Math.floor(grantedRcvbuf / 2));
  if (requested !== undefined) {
    checkWindow(requested);
    return { count: requested, bytes: Math.max(bytes, requested * COST_ACK) };
  }
  return { count: Math.max(1, Math.floor(bytes / COST_ACK)), bytes };
}
