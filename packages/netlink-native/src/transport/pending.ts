// One request from the moment it is queued until its reply (or failure) settles it. A plain class
// with every field set in the constructor, so all requests share one shape and the hot path in
// the connection stays monomorphic.
import type { NetlinkMessage } from '../codec/message.ts';
import { HDR_FLAGS } from './wire.ts';

/** What kind of answer a request waits for. */
export const REPLY_ACK = 0;
export const REPLY_SINGLE = 1;
export const REPLY_DUMP = 2;
export type ReplyKind = typeof REPLY_ACK | typeof REPLY_SINGLE | typeof REPLY_DUMP;

/** Turns one reply message into a value; `undefined` drops it (a userspace filter on dumps). */
export type Decoder<T> = (message: NetlinkMessage) => T | undefined;

/** A dump result: the items, and whether a concurrent change interrupted the dump (NLM_F_DUMP_INTR). */
export type DumpResult<T> = T[] & { interrupted: boolean };

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

export class PendingRequest {
  readonly kind: ReplyKind;
  /** The whole request message; seq and pid are written into it when it is sent. */
  readonly message: Buffer;
  /** See `operation`: kept as given, formatted on demand. */
  readonly op: Operation;
  readonly decode: Decoder<unknown> | null;
  /** Bytes of receive buffer its replies may occupy (see window.ts). */
  readonly cost: number;
  /** Dumps only: how many more times to re-run the dump if it comes back interrupted. */
  retries: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  /** A single reply followed by an ACK (the request carried NLM_F_ACK). */
  readonly wantsAck: boolean;
  seq = 0;
  /** The send() token of the batch this request left in (0 while queued). */
  token = 0;
  /** Replies collected so far (dumps). */
  items: unknown[];
  /** The reply of a single request kept until its ACK. */
  reply: unknown = undefined;
  interrupted = false;
  /** A decode failure inside a dump: the dump is drained to NLMSG_DONE, then rejected with this. */
  failure: Error | null = null;

  constructor(
    kind: ReplyKind,
    message: Buffer,
    op: Operation,
    decode: Decoder<unknown> | null,
    cost: number,
    retries: number,
    resolve: (value: unknown) => void,
    reject: (error: Error) => void,
  ) {
    this.kind = kind;
    this.message = message;
    this.op = op;
    this.decode = decode;
    this.cost = cost;
    this.retries = retries;
    this.resolve = resolve;
    this.reject = reject;
    this.wantsAck = (message.readUInt16LE(HDR_FLAGS) & NLM_F_ACK) !== 0;
    this.items = kind === REPLY_DUMP ? [] : EMPTY;
  }

  /** The operation's text, as error messages name it. */
  get operation(): string {
    const op = this.op;
    return typeof op === 'string' ? op : op.describe();
  }
}

const EMPTY: unknown[] = [];
