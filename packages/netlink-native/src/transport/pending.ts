// One request from the moment it is queued until its reply (or failure) settles it. A plain class
// with every field set in the constructor, so all requests share one shape and the hot path in
// the connection stays monomorphic. It is kept small: a window of requests in flight is that many
// of these, and every byte of them is copied by each scavenge that finds them alive. What only
// dumps and GETs need lives in a ReplyState they alone carry, and a request of a compact kind
// (CompactRequest) is three integers on it rather than an object of its own.
import type { NetlinkMessage } from '../codec/message.ts';
import { COST_ACK, COST_DUMP, COST_SINGLE } from './window.ts';
import { HDR_FLAGS } from './wire.ts';

/** What kind of answer a request waits for. */
export const REPLY_ACK = 0;
export const REPLY_SINGLE = 1;
export const REPLY_DUMP = 2;
export type ReplyKind = typeof REPLY_ACK | typeof REPLY_SINGLE | typeof REPLY_DUMP;

/** Turns one reply message into a value; `undefined` drops it (a userspace filter on dumps). */
export type Decoder<T> = (message: NetlinkMessage) => T | undefined;

/** A dump result: the items, and whether a concurrent change interrupted the dump (NLM_F_DUMP_INTR). */
export type DumpResult<T> = T[] & {
  /** True when the kernel flagged the dump NLM_F_DUMP_INTR (a change landed while it ran). */
  interrupted: boolean;
};

const NLM_F_ACK = 4;

/**
 * What a request does, for error messages ("address add 10.0.0.1/32 dev v0"): a string, or an
 * object that formats it only when an error needs it, so a hot path need not build a string per
 * request that almost never fails.
 */
export interface OperationDescription {
  describe(): string;
}
export type Operation = string | OperationDescription;

/**
 * A request message written only when it is sent, straight into the batch buffer: the hot path
 * then allocates no Buffer per request. The request must have been validated when it was made.
 */
export interface DeferredMessage {
  /** Bytes the message takes (a multiple of 4). */
  readonly size: number;
  /** Writes every byte of the message at `at`, seq and pid 0. */
  writeTo(buf: Buffer, at: number): void;
}

/**
 * A request kind whose every request is three small integers (`a`, `b`, `c`, each a 32-bit
 * signed integer), kept on the PendingRequest itself: the hot path then allocates no object for the
 * request at all. One shared instance per kind writes and describes them all. The arguments must
 * have been validated when the request was made.
 */
export interface CompactRequest {
  /** Bytes the message takes (a multiple of 4). */
  size(a: number, b: number, c: number): number;
  /**
   * Writes every byte of the message, seq and pid 0, as 32-bit host-order words from
   * `words[word]` on (messages start 4-byte aligned, so a batch buffer can be seen as words).
   */
  writeTo(words: Int32Array, word: number, a: number, b: number, c: number): void;
  /** The operation's text, as errors name it. */
  describe(a: number, b: number, c: number): string;
}

const noResolve = (_value: unknown): void => {};
const noReject = (_error: Error): void => {};

/** Receive-buffer bytes a request's replies may occupy, by reply kind (see window.ts). */
export function costOf(kind: ReplyKind): number {
  return kind === REPLY_ACK ? COST_ACK : kind === REPLY_SINGLE ? COST_SINGLE : COST_DUMP;
}

/** What a dump or a GET gathers while its replies arrive; an ACK-only request has none. */
export class ReplyState {
  /** Dumps only: how many more times to re-run the dump if it comes back interrupted. */
  retries: number;
  /** A single reply followed by an ACK (the request carried NLM_F_ACK). */
  readonly wantsAck: boolean;
  /** Replies collected so far (dumps). */
  items: unknown[] = [];
  /** The reply of a single request kept until its ACK. */
  reply: unknown = undefined;
  interrupted = false;
  /** A decode failure inside a dump: the dump is drained to NLMSG_DONE, then rejected with this. */
  failure: Error | null = null;
  /** Turns one reply into a value (null: replies other than the ACK are not decoded). */
  readonly decode: Decoder<unknown> | null;

  constructor(retries: number, wantsAck: boolean, decode: Decoder<unknown> | null) {
    this.retries = retries;
    this.wantsAck = wantsAck;
    this.decode = decode;
  }
}

export class PendingRequest {
  readonly kind: ReplyKind;
  /** The whole request message (seq and pid are written into the batch that carries it)... */
  readonly message: Buffer | null;
  /** ...or the request that writes it at send time... */
  readonly deferred: DeferredMessage | null;
  /** ...or the kind that writes it from `a`, `b` and `c`. */
  readonly compact: CompactRequest | null;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  /** See `operation`: kept as given, formatted on demand (null: the compact kind describes it). */
  readonly op: Operation | null;
  /** The settling functions of the request's promise (set by the connection right after construction). */
  resolve: (value: unknown) => void = noResolve;
  reject: (error: Error) => void = noReject;
  seq = 0;
  /** The send() token of the batch this request left in (0 while queued). */
  token = 0;
  /** Dumps and GETs only (null for an ACK-only request). */
  readonly state: ReplyState | null;

  private constructor(
    kind: ReplyKind,
    message: Buffer | null,
    deferred: DeferredMessage | null,
    compact: CompactRequest | null,
    op: Operation | null,
    state: ReplyState | null,
    a: number,
    b: number,
    c: number,
  ) {
    this.kind = kind;
    this.message = message;
    this.deferred = deferred;
    this.compact = compact;
    this.a = a;
    this.b = b;
    this.c = c;
    this.op = op;
    this.state = state;
  }

  /** A request given as its bytes or as a DeferredMessage. */
  static of(
    kind: ReplyKind,
    message: Buffer | DeferredMessage,
    op: Operation,
    decode: Decoder<unknown> | null,
    retries: number,
  ): PendingRequest {
    if (message instanceof Uint8Array) {
      const wantsAck = (message.readUInt16LE(HDR_FLAGS) & NLM_F_ACK) !== 0;
      const state = kind === REPLY_ACK ? null : new ReplyState(retries, wantsAck, decode);
      return new PendingRequest(kind, message, null, null, op, state, 0, 0, 0);
    }
    const state = kind === REPLY_ACK ? null : new ReplyState(retries, true, decode);
    return new PendingRequest(kind, null, message, null, op, state, 0, 0, 0);
  }

  /** An ACK-only request of a compact kind: `a`, `b` and `c` are all there is of it. */
  static compact(kind: CompactRequest, a: number, b: number, c: number): PendingRequest {
    return new PendingRequest(REPLY_ACK, null, null, kind, null, null, a, b, c);
  }

  /** Its length in bytes. */
  get size(): number {
    if (this.compact !== null) return this.compact.size(this.a, this.b, this.c);
    return this.message !== null ? this.message.length : (this.deferred as DeferredMessage).size;
  }

  /** Receive-buffer bytes its replies may occupy (see window.ts). */
  get cost(): number {
    return costOf(this.kind);
  }

  /** Turns a reply of a dump or GET into a value (null: ACK-only, or nothing to decode). */
  get decode(): Decoder<unknown> | null {
    return this.state === null ? null : this.state.decode;
  }

  /**
   * Writes the message at `at` in `buf` (seq and pid still 0); `words` is the same memory as
   * 32-bit words (`at` is a multiple of 4).
   */
  writeTo(buf: Buffer, words: Int32Array, at: number): void {
    if (this.compact !== null) this.compact.writeTo(words, at >> 2, this.a, this.b, this.c);
    else if (this.message !== null) this.message.copy(buf, at);
    else this.deferred?.writeTo(buf, at);
  }

  /** The request's bytes (for mapping an ext-ack offset back onto them); written anew if not kept. */
  bytes(): Buffer {
    if (this.message !== null) return this.message;
    const buf = Buffer.alloc(this.size);
    this.writeTo(buf, new Int32Array(buf.buffer, buf.byteOffset, buf.length >> 2), 0);
    return buf;
  }

  /** The operation's text, as error messages name it. */
  get operation(): string {
    const op = this.op;
    if (op === null) return (this.compact as CompactRequest).describe(this.a, this.b, this.c);
    return typeof op === 'string' ? op : op.describe();
  }
}
