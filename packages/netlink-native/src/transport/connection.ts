// One request socket: a seq counter, a bounded in-flight window with a queue behind it, and the
// matching of every reply (by seq AND port id) to the request that caused it. Requests issued in
// the same tick leave together: a request the window admits is written at once into the open
// batch buffer, and the first one schedules a flush as a microtask that hands the batch to the
// native send(). A long run does not wait for the tick to end: each time 64 are in the batch
// (what the addon puts in one sendmsg) they are handed over at once, so on a second core the
// kernel works through them while the caller encodes more. What the window does not admit waits
// in the queue and is written into a batch as replies free room.
import createDebug from 'debug';
import type { NetlinkMessage } from '../codec/message.ts';
import { NetlinkError } from '../errors.ts';
import type { NativeSocket, NativeSocketControls, NativeSocketOptions } from '../native/binding.ts';
import { errorFromReply } from './error-reply.ts';
import { InFlightTable } from './in-flight.ts';
import {
  type CompactRequest,
  type Decoder,
  type DeferredMessage,
  type DumpResult,
  type Operation,
  PendingRequest,
  REPLY_ACK,
  REPLY_DUMP,
  REPLY_SINGLE,
  type ReplyKind,
  type ReplyState,
} from './pending.ts';
import { RequestQueue } from './queue.ts';
import { checkWindow, type WindowLimits, windowFor } from './window.ts';
import { HDR_FLAGS, HDR_PID, HDR_SEQ, HDR_SIZE, HDR_TYPE } from './wire.ts';

const trace = createDebug('netlink:transport');

const NLMSG_NOOP = 1;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const NLMSG_OVERRUN = 4;
const NLM_F_DUMP_INTR = 0x10;
const ENOBUFS = 105;
const ECANCELED = 125;
const EPROTO = 71;
const EIO = 5;
/** Requests in a batch that make it leave without waiting for the end of the tick: the addon's messages per sendmsg. */
const EARLY_SEND = 64;
/** First size of a batch buffer: 64 small requests, and under half of Buffer's pool so it is a pool slice. */
const BATCH_BYTES = 3072;
/** Seqs stay below 2^31 (small integers to V8, so no request carries a boxed number). */
const SEQ_MASK = 0x7fffffff;

/** The request whose promise is being made: `fill`, the one shared executor, sets its settling functions. */
let filling: PendingRequest | null = null;
function fill(resolve: (value: unknown) => void, reject: (error: Error) => void): void {
  const entry = filling as PendingRequest;
  entry.resolve = resolve;
  entry.reject = reject;
}

export type SocketFactory = (options: NativeSocketOptions) => NativeSocket;

export interface ConnectionOptions {
  rcvbuf: number;
  sndbuf: number;
  /** Most requests in flight; derived from the granted receive buffer when absent. */
  window?: number;
  netns?: NativeSocketOptions['netns'];
}

export class Connection {
  readonly socket: NativeSocket;
  readonly limits: WindowLimits;
  private readonly pending: InFlightTable;
  /** The socket's port id, read once (on the real addon every read is a call into C++). */
  private readonly portId: number;
  private readonly queue = new RequestQueue();
  private seq: number;
  private inFlightBytes = 0;
  private dumpInFlight = false;
  private flushScheduled = false;
  private closed = false;
  private readonly flushTask = (): void => this.flush();
  /** The batch being filled: its buffer, bytes written, requests in it, and the token it will carry. */
  private batch: Buffer | null = null;
  /** The same memory as 32-bit words (batch buffers are 4-byte aligned, as Buffer's pool slices are). */
  private batchWords: Int32Array = new Int32Array(0);
  private batchBytes = 0;
  private batchCount = 0;
  private batchToken = 1;
  /** The real addon's ref/unref (absent on test doubles): the socket holds the event loop only while busy. */
  private readonly controls: Partial<NativeSocketControls>;
  private holdsLoop = true;

  constructor(open: SocketFactory, options: ConnectionOptions) {
    checkWindow(options.window);
    this.socket = open({
      protocol: 0,
      netns: options.netns,
      rcvbuf: options.rcvbuf,
      sndbuf: options.sndbuf,
      groups: [],
      onData: (chunk) => this.onData(chunk),
      onError: (errno, code, token) => this.onError(errno, code, token),
    });
    this.limits = windowFor(this.socket.rcvbuf, options.window);
    this.portId = this.socket.portId;
    this.pending = new InFlightTable(this.limits.count);
    this.controls = this.socket as Partial<NativeSocketControls>;
    this.idle();
    // A random start keeps replies to an earlier socket with the same port id from matching.
    this.seq = (Math.random() * SEQ_MASK) & SEQ_MASK;
    trace(
      'open port %d rcvbuf %d window %d/%d bytes strict=%s extack=%s',
      this.socket.portId,
      this.socket.rcvbuf,
      this.limits.count,
      this.limits.bytes,
      this.socket.strictCheck,
      this.socket.extAck,
    );
  }

  /** How many times an interrupted dump was re-run (retryInterrupted), since the socket opened. */
  dumpRetries = 0;

  get inFlight(): number {
    return this.pending.size;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Sends a request answered by an ACK (NLMSG_ERROR with errno 0). */
  ack(message: Buffer | DeferredMessage, operation: Operation): Promise<void> {
    return this.enqueue(REPLY_ACK, message, operation, null, 0) as Promise<void>;
  }

  /**
   * Sends a request of a compact kind (three validated integers; see CompactRequest), answered by
   * an ACK: the cheapest request there is, for the paths callers run by the thousand.
   */
  ackCompact(kind: CompactRequest, a: number, b: number, c: number): Promise<void> {
    return this.submit(PendingRequest.compact(kind, a, b, c)) as Promise<void>;
  }

  /** Sends a request answered by one message (a GET), decoded by `decode`. */
  single<T>(message: Buffer, operation: Operation, decode: Decoder<T>): Promise<T> {
    return this.enqueue(REPLY_SINGLE, message, operation, decode, 0) as Promise<T>;
  }

  /** Sends a dump request; resolves with every decoded item and the NLM_F_DUMP_INTR verdict. */
  dump<T>(
    message: Buffer,
    operation: Operation,
    decode: Decoder<T>,
    retryInterrupted = 0,
  ): Promise<DumpResult<T>> {
    return this.enqueue(REPLY_DUMP, message, operation, decode, retryInterrupted) as Promise<DumpResult<T>>;
  }

  /** Rejects everything outstanding and closes the socket. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
    const detail = 'the netlink handle was closed';
    const inFlight = this.pending.values();
    this.pending.clear();
    this.batch = null;
    for (const entry of inFlight) entry.reject(this.failure(entry, ECANCELED, detail));
    for (let entry = this.queue.shift(); entry; entry = this.queue.shift()) {
      entry.reject(this.failure(entry, ECANCELED, detail));
    }
    trace('closed');
  }

  private enqueue(
    kind: ReplyKind,
    message: Buffer | DeferredMessage,
    operation: Operation,
    decode: Decoder<unknown> | null,
    retries: number,
  ): Promise<unknown> {
    return this.submit(PendingRequest.of(kind, message, operation, decode, retries));
  }

  /** Queues or admits a request, and returns its promise. */
  private submit(entry: PendingRequest): Promise<unknown> {
    // One shared executor hands over the settling functions: no closure per request.
    filling = entry;
    const promise = new Promise(fill);
    filling = null;
    if (this.closed) {
      entry.reject(this.failure(entry, ECANCELED, 'the netlink handle is closed'));
      return promise;
    }
    // Later requests never overtake queued ones.
    if (this.queue.length === 0 && this.admits(entry)) this.admit(entry);
    else this.queue.push(entry);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(this.flushTask);
    }
    return promise;
  }

  /** Whether the window has room for `entry` now (an idle socket takes anything, however big). */
  private admits(entry: PendingRequest): boolean {
    const inFlight = this.pending.size;
    if (
      inFlight > 0 &&
      (inFlight >= this.limits.count || this.inFlightBytes + entry.cost > this.limits.bytes)
    ) {
      return false;
    }
    // The kernel runs one dump per socket at a time (a second gets EBUSY): later requests wait
    // behind it, which also keeps the order the caller issued them in.
    return entry.kind !== REPLY_DUMP || !this.dumpInFlight;
  }

  /**
   * Puts `entry` in flight: a seq, a place in the table, and its bytes (seq and port id included)
   * in the open batch, which leaves at once when it holds a sendmsg's worth.
   */
  private admit(entry: PendingRequest): void {
    const seq = this.nextSeq();
    entry.seq = seq;
    entry.token = this.batchToken;
    this.pending.add(entry);
    this.inFlightBytes += entry.cost;
    if (entry.kind === REPLY_DUMP) this.dumpInFlight = true;
    const size = entry.size;
    // Every message starts on a 4-byte boundary (as NLMSG_ALIGN places them), so words line up.
    const room = (size + 3) & ~3;
    let buf = this.batch;
    const at = this.batchBytes;
    if (buf === null || at + room > buf.length) buf = this.growBatch(at + room);
    const words = this.batchWords;
    entry.writeTo(buf, words, at);
    if (room !== size) buf.fill(0, at + size, at + room);
    words[(at + HDR_SEQ) >> 2] = seq;
    words[(at + HDR_PID) >> 2] = this.portId;
    this.batchBytes = at + room;
    if (++this.batchCount >= EARLY_SEND) this.sendBatch();
  }

  /** A batch buffer with room for `needed` bytes, keeping what the open batch holds. */
  private growBatch(needed: number): Buffer {
    const old = this.batch;
    let next = Buffer.allocUnsafe(Math.max(needed, old === null ? BATCH_BYTES : old.length * 2));
    // Pool slices are 8-byte aligned; anything else gets memory of its own.
    if (next.byteOffset % 4 !== 0) next = Buffer.allocUnsafeSlow(next.length);
    if (old !== null && this.batchBytes > 0) old.copy(next, 0, 0, this.batchBytes);
    this.batch = next;
    this.batchWords = new Int32Array(next.buffer, next.byteOffset, next.length >> 2);
    return next;
  }

  /** The end-of-tick flush scheduled by enqueue. */
  private flush(): void {
    this.flushScheduled = false;
    this.sendQueued();
  }

  /** Admits as many queued requests as the window allows, then hands the open batch over. */
  private sendQueued(): void {
    if (this.closed) return;
    for (let entry = this.queue.peek(); entry !== undefined; entry = this.queue.peek()) {
      if (!this.admits(entry)) break;
      this.queue.shift();
      this.admit(entry);
    }
    this.sendBatch();
  }

  /** Hands the open batch, if any, to the addon as one send() call. */
  private sendBatch(): void {
    const buf = this.batch;
    const bytes = this.batchBytes;
    if (buf === null || bytes === 0) return;
    const token = this.batchToken;
    const sent = this.batchCount;
    this.batch = null;
    this.batchBytes = 0;
    this.batchCount = 0;
    this.batchToken = token >= SEQ_MASK ? 1 : token + 1;
    if (!this.holdsLoop) {
      // Replies are coming: keep the process alive until they do.
      this.holdsLoop = true;
      this.controls.ref?.();
    }
    if (trace.enabled) {
      trace(
        'send %d requests (%d bytes) token %d, %d in flight, %d queued',
        sent,
        bytes,
        token,
        this.pending.size,
        this.queue.length,
      );
    }
    try {
      this.socket.send(bytes === buf.length ? buf : buf.subarray(0, bytes), token);
    } catch (err) {
      // The addon refused the buffer outright (socket closed under us): nothing of it was sent.
      const code = (err as { code?: string }).code ?? 'EIO';
      trace('send() threw for batch %d: %s', token, (err as Error).message);
      this.failInFlight(EIO, `the socket refused the request (${code}: ${(err as Error).message})`, token);
    }
  }

  private nextSeq(): number {
    let seq = this.seq;
    // Skip a seq whose slot is still taken (a request still waiting from 2^k seqs ago).
    do seq = (seq + 1) & SEQ_MASK;
    while (seq === 0 || this.pending.taken(seq));
    this.seq = seq;
    return seq;
  }

  private onData(chunk: Buffer): void {
    try {
      this.parse(chunk);
    } catch (err) {
      // Only a malformed chunk lands here; which requests it answered is unknowable, so none can
      // be trusted to settle: fail them all rather than leave any hanging.
      const error = err instanceof Error ? err : new Error(String(err));
      trace('unparseable reply chunk: %s', error.message);
      this.failInFlight(EPROTO, `unparseable reply from the kernel: ${error.message}`);
    }
    if (this.queue.length > 0 && !this.flushScheduled) this.flush();
  }

  /**
   * Walks the chunk once, settling requests as their final message goes by. Messages start 4-byte
   * aligned, so the chunk is read as 32-bit words (host order, as netlink's headers are): an ACK
   * costs a few array loads. A chunk that does not start on a word boundary is copied first.
   */
  private parse(chunk: Buffer): void {
    if ((chunk.byteOffset & 3) !== 0) chunk = Buffer.from(chunk);
    const words = new Int32Array(chunk.buffer, chunk.byteOffset, chunk.length >> 2);
    const end = chunk.length;
    const portId = this.portId | 0;
    let off = 0;
    while (off + HDR_SIZE <= end) {
      const at = off >> 2;
      const len = words[at] as number;
      if (len < HDR_SIZE || off + len > end) {
        throw new RangeError(
          `message at byte ${off} has length ${len >>> 0}, chunk has ${end - off} bytes left`,
        );
      }
      const seq = words[at + (HDR_SEQ >> 2)] as number;
      const entry = words[at + (HDR_PID >> 2)] === portId ? this.pending.get(seq) : undefined;
      if (entry === undefined) {
        if (trace.enabled) {
          const pid = (words[at + (HDR_PID >> 2)] as number) >>> 0;
          trace(
            'ignored type %d seq %d pid %d: no request waits for it',
            chunk.readUInt16LE(off + HDR_TYPE),
            seq >>> 0,
            pid,
          );
        }
      } else if (
        // The common case on its own: an ACK (NLMSG_ERROR, errno 0) for an ACK-only request.
        ((words[at + (HDR_TYPE >> 2)] as number) & 0xffff) === NLMSG_ERROR &&
        len >= HDR_SIZE + 4 &&
        words[at + (HDR_SIZE >> 2)] === 0 &&
        entry.state === null
      ) {
        this.settle(entry, undefined);
      } else {
        this.deliver(entry, chunk, off, len);
      }
      off += (len + 3) & ~3;
    }
    if (off < end) throw new RangeError(`${end - off} trailing bytes after the last message`);
  }

  private deliver(entry: PendingRequest, chunk: Buffer, off: number, len: number): void {
    const type = chunk.readUInt16LE(off + HDR_TYPE);
    const state = entry.state;
    if (type === NLMSG_ERROR) {
      if (len < HDR_SIZE + 4) throw new RangeError(`NLMSG_ERROR of ${len} bytes has no errno`);
      if (chunk.readInt32LE(off + HDR_SIZE) === 0) {
        if (state === null) this.settle(entry, undefined);
        else this.settle(entry, entry.kind === REPLY_DUMP ? this.dumpResult(state, chunk, off) : state.reply);
      } else {
        this.fail(entry, errorFromReply(entry, this.message(chunk, off, len)));
      }
      return;
    }
    // Everything below answers a dump or a GET; an ACK-only request has nothing more to wait for.
    if (state === null) return;
    if (chunk.readUInt16LE(off + HDR_FLAGS) & NLM_F_DUMP_INTR) state.interrupted = true;
    if (type === NLMSG_DONE) {
      // A dump's end. Its payload is an int: non-zero means the dump itself failed.
      if (len >= HDR_SIZE + 4 && chunk.readInt32LE(off + HDR_SIZE) !== 0) {
        this.fail(entry, errorFromReply(entry, this.message(chunk, off, len)));
      } else if (state.failure) {
        this.fail(entry, state.failure);
      } else if (state.interrupted && state.retries > 0) {
        this.retry(entry, state);
      } else {
        this.settle(entry, this.dumpResult(state, chunk, off));
      }
      return;
    }
    if (type === NLMSG_NOOP) return;
    if (type === NLMSG_OVERRUN) {
      this.fail(entry, this.failure(entry, ENOBUFS, 'the kernel reported NLMSG_OVERRUN'));
      return;
    }
    this.decodeInto(entry, state, this.message(chunk, off, len));
  }

  /** Decodes one reply of a dump or GET into its state, or settles the GET. */
  private decodeInto(entry: PendingRequest, state: ReplyState, message: NetlinkMessage): void {
    const decode = state.decode;
    if (decode === null) return; // an echo or notification the caller did not ask to decode
    let value: unknown;
    try {
      value = decode(message);
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      if (entry.kind === REPLY_DUMP) {
        state.failure ??= error;
        return;
      }
      this.fail(entry, error);
      return;
    }
    if (entry.kind === REPLY_DUMP) {
      if (value !== undefined) state.items.push(value);
    } else if (entry.kind === REPLY_SINGLE) {
      if (state.wantsAck) state.reply = value;
      else this.settle(entry, value);
    }
  }

  private message(chunk: Buffer, off: number, len: number): NetlinkMessage {
    return {
      type: chunk.readUInt16LE(off + HDR_TYPE),
      flags: chunk.readUInt16LE(off + HDR_FLAGS),
      seq: chunk.readUInt32LE(off + HDR_SEQ),
      pid: chunk.readUInt32LE(off + HDR_PID),
      payload: chunk.subarray(off + HDR_SIZE, off + len),
    };
  }

  /** A dump's items, with the NLM_F_DUMP_INTR verdict (the final message's flag included). */
  private dumpResult(state: ReplyState, chunk: Buffer, off: number): DumpResult<unknown> {
    if (chunk.readUInt16LE(off + HDR_FLAGS) & NLM_F_DUMP_INTR) state.interrupted = true;
    const items = state.items as DumpResult<unknown>;
    items.interrupted = state.interrupted;
    return items;
  }

  private release(entry: PendingRequest): void {
    this.pending.delete(entry);
    this.inFlightBytes -= entry.cost;
    if (entry.kind === REPLY_DUMP) this.dumpInFlight = false;
    if (this.pending.size === 0 && this.queue.length === 0) this.idle();
  }

  /** Nothing outstanding: an idle handle does not keep the process alive (like an idle agent socket). */
  private idle(): void {
    if (this.holdsLoop) {
      this.holdsLoop = false;
      this.controls.unref?.();
    }
  }

  private settle(entry: PendingRequest, value: unknown): void {
    this.release(entry);
    entry.resolve(value);
  }

  private fail(entry: PendingRequest, error: Error): void {
    this.release(entry);
    entry.reject(error);
  }

  /** Re-runs an interrupted dump from the front of the queue, with a fresh seq. */
  private retry(entry: PendingRequest, state: ReplyState): void {
    this.release(entry);
    state.retries--;
    this.dumpRetries++;
    state.interrupted = false;
    state.items = [];
    trace('dump %s interrupted, retrying (%d left)', entry.operation, state.retries);
    this.queue.unshift(entry);
  }

  private failure(entry: PendingRequest, errno: number, detail: string): NetlinkError {
    return new NetlinkError({ errno, operation: entry.operation, detail });
  }

  /**
   * Fails every request that has left (or only those of batch `token`): their replies may be lost,
   * so none may wait for them. Requests in the batch still being filled have not left: they stay.
   */
  private failInFlight(errno: number, detail: string, token = 0): void {
    const unsent = this.batchCount > 0 ? this.batchToken : 0;
    for (const entry of this.pending.values()) {
      if (token === 0 ? entry.token !== unsent : entry.token === token) {
        this.fail(entry, this.failure(entry, errno, detail));
      }
    }
  }

  private onError(errno: number, code: string, token: number): void {
    if (this.closed) return;
    if (token !== 0) {
      trace('send of batch %d failed: %s', token, code);
      this.failInFlight(errno, `sendmsg failed (${code})`, token);
    } else if (errno === ENOBUFS) {
      trace('ENOBUFS on the request socket: failing %d in flight', this.pending.size);
      this.failInFlight(errno, 'the receive buffer overflowed and replies may have been lost');
    } else {
      trace('receive failed: %s', code);
      this.failInFlight(errno, `recvmsg failed (${code})`);
    }
    if (this.queue.length > 0 && !this.flushScheduled) this.flush();
  }
}
