// One request socket: a seq counter, a bounded in-flight window with a queue behind it, and the
// matching of every reply (by seq AND port id) to the request that caused it. Requests issued in
// the same tick leave together: the first one schedules a flush as a microtask, and the flush hands
// every request the window admits to the native send() as ONE buffer. A long run does not wait for
// the tick to end: each time 64 are queued (what the addon puts in one sendmsg) they are handed
// over at once, so on a second core the kernel works through them while the caller encodes more.
import createDebug from 'debug';
import type { NetlinkMessage } from '../codec/message.ts';
import { NetlinkError } from '../errors.ts';
import type { NativeSocket, NativeSocketControls, NativeSocketOptions } from '../native/binding.ts';
import { errorFromReply } from './error-reply.ts';
import {
  type Decoder,
  type DeferredMessage,
  type DumpResult,
  type Operation,
  PendingRequest,
  REPLY_ACK,
  REPLY_DUMP,
  REPLY_SINGLE,
  type ReplyKind,
} from './pending.ts';
import { RequestQueue } from './queue.ts';
import { COST_ACK, COST_DUMP, COST_SINGLE, checkWindow, type WindowLimits, windowFor } from './window.ts';
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
/** Queued requests that are sent without waiting for the end of the tick: the addon's messages per sendmsg. */
const EARLY_SEND = 64;

const noop = (): void => {};

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
  private readonly pending = new Map<number, PendingRequest>();
  private readonly queue = new RequestQueue();
  private seq: number;
  private inFlightBytes = 0;
  private dumpInFlight = false;
  private flushScheduled = false;
  private nextToken = 1;
  private closed = false;
  private readonly flushTask = (): void => this.flush();
  /** The requests sendQueued is putting into one buffer (reused: emptied after every send). */
  private readonly sending: PendingRequest[] = [];
  /** Where `capture` leaves the resolving functions of the promise enqueue just made. */
  private readonly captured: { resolve: (value: unknown) => void; reject: (error: Error) => void } = {
    resolve: noop,
    reject: noop,
  };
  private readonly capture = (resolve: (value: unknown) => void, reject: (error: Error) => void): void => {
    this.captured.resolve = resolve;
    this.captured.reject = reject;
  };
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
    this.controls = this.socket as Partial<NativeSocketControls>;
    this.idle();
    // A random start keeps replies to an earlier socket with the same port id from matching.
    this.seq = (Math.random() * 0x7fffffff) >>> 0;
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
    return this.enqueue(REPLY_ACK, message, operation, null, COST_ACK, 0) as Promise<void>;
  }

  /** Sends a request answered by one message (a GET), decoded by `decode`. */
  single<T>(message: Buffer, operation: Operation, decode: Decoder<T>): Promise<T> {
    return this.enqueue(REPLY_SINGLE, message, operation, decode, COST_SINGLE, 0) as Promise<T>;
  }

  /** Sends a dump request; resolves with every decoded item and the NLM_F_DUMP_INTR verdict. */
  dump<T>(
    message: Buffer,
    operation: Operation,
    decode: Decoder<T>,
    retryInterrupted = 0,
  ): Promise<DumpResult<T>> {
    return this.enqueue(REPLY_DUMP, message, operation, decode, COST_DUMP, retryInterrupted) as Promise<
      DumpResult<T>
    >;
  }

  /** Rejects everything outstanding and closes the socket. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
    const detail = 'the netlink handle was closed';
    for (const entry of this.pending.values()) entry.reject(this.failure(entry, ECANCELED, detail));
    this.pending.clear();
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
    cost: number,
    retries: number,
  ): Promise<unknown> {
    // One shared executor hands over the resolving functions: no closure per request.
    const promise = new Promise(this.capture);
    const { resolve, reject } = this.captured;
    // not kept past this call: a settled request's promise must not stay reachable from here
    this.captured.resolve = noop;
    this.captured.reject = noop;
    const entry = new PendingRequest(kind, message, operation, decode, cost, retries, resolve, reject);
    if (this.closed) {
      entry.reject(this.failure(entry, ECANCELED, 'the netlink handle is closed'));
      return promise;
    }
    this.queue.push(entry);
    // A datagram's worth leaves at once, so the I/O thread sends it while the caller is still
    // issuing the rest; what remains leaves together at the end of the tick.
    if (this.queue.length >= EARLY_SEND && this.pending.size < this.limits.count) this.sendQueued();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(this.flushTask);
    }
    return promise;
  }

  /** The end-of-tick flush scheduled by enqueue. */
  private flush(): void {
    this.flushScheduled = false;
    this.sendQueued();
  }

  /** Moves as many queued requests as the window admits into one send() call. */
  private sendQueued(): void {
    if (this.closed) return;
    const { count, bytes } = this.limits;
    const batch = this.sending;
    let batchBytes = 0;
    const token = this.nextToken;
    for (;;) {
      const entry = this.queue.peek();
      if (entry === undefined) break;
      const busy = this.pending.size > 0;
      if (busy && (this.pending.size >= count || this.inFlightBytes + entry.cost > bytes)) break;
      // The kernel runs one dump per socket at a time (a second gets EBUSY): later requests wait
      // behind it, which also keeps the order the caller issued them in.
      if (entry.kind === REPLY_DUMP && this.dumpInFlight) break;
      this.queue.shift();
      entry.seq = this.nextSeq();
      entry.token = token;
      this.pending.set(entry.seq, entry);
      this.inFlightBytes += entry.cost;
      if (entry.kind === REPLY_DUMP) this.dumpInFlight = true;
      batch.push(entry);
      batchBytes += entry.size;
    }
    if (batch.length === 0) return;
    // Every message is written (or copied) once, straight into the buffer handed to the addon.
    const out = Buffer.allocUnsafe(batchBytes);
    const portId = this.socket.portId;
    let at = 0;
    for (let i = 0; i < batch.length; i++) {
      const entry = batch[i] as PendingRequest;
      entry.writeTo(out, at);
      out.writeUInt32LE(entry.seq, at + HDR_SEQ);
      out.writeUInt32LE(portId, at + HDR_PID);
      at += entry.size;
    }
    const sent = batch.length;
    batch.length = 0;
    if (!this.holdsLoop) {
      // Replies are coming: keep the process alive until they do.
      this.holdsLoop = true;
      this.controls.ref?.();
    }
    this.nextToken = token >= 0x7fffffff ? 1 : token + 1;
    if (trace.enabled) {
      trace(
        'send %d requests (%d bytes) token %d, %d in flight, %d queued',
        sent,
        batchBytes,
        token,
        this.pending.size,
        this.queue.length,
      );
    }
    try {
      this.socket.send(out, token);
    } catch (err) {
      // The addon refused the buffer outright (socket closed under us): nothing of it was sent.
      const code = (err as { code?: string }).code ?? 'EIO';
      trace('send() threw for batch %d: %s', token, (err as Error).message);
      this.failInFlight(EIO, `the socket refused the request (${code}: ${(err as Error).message})`, token);
    }
  }

  private nextSeq(): number {
    let seq = (this.seq + 1) >>> 0;
    if (seq === 0) seq = 1;
    // Skip a seq still waiting after 2^32 requests (only conceivable for a stuck dump).
    while (this.pending.has(seq)) seq = (seq + 1) >>> 0 || 1;
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

  /** Walks the chunk once, settling requests as their final message goes by. */
  private parse(chunk: Buffer): void {
    const end = chunk.length;
    const portId = this.socket.portId;
    let off = 0;
    while (off + HDR_SIZE <= end) {
      const len = chunk.readUInt32LE(off);
      if (len < HDR_SIZE || off + len > end) {
        throw new RangeError(`message at byte ${off} has length ${len}, chunk has ${end - off} bytes left`);
      }
      const seq = chunk.readUInt32LE(off + HDR_SEQ);
      const entry = chunk.readUInt32LE(off + HDR_PID) === portId ? this.pending.get(seq) : undefined;
      if (entry !== undefined) {
        this.deliver(entry, chunk, off, len);
      } else if (trace.enabled) {
        trace(
          'ignored type %d seq %d pid %d: no request waits for it',
          chunk.readUInt16LE(off + HDR_TYPE),
          seq,
          chunk.readUInt32LE(off + HDR_PID),
        );
      }
      off += (len + 3) & ~3;
    }
    if (off < end) throw new RangeError(`${end - off} trailing bytes after the last message`);
  }

  private deliver(entry: PendingRequest, chunk: Buffer, off: number, len: number): void {
    const type = chunk.readUInt16LE(off + HDR_TYPE);
    const flags = chunk.readUInt16LE(off + HDR_FLAGS);
    if (flags & NLM_F_DUMP_INTR) entry.interrupted = true;
    if (type === NLMSG_ERROR) {
      if (len < HDR_SIZE + 4) throw new RangeError(`NLMSG_ERROR of ${len} bytes has no errno`);
      if (chunk.readInt32LE(off + HDR_SIZE) === 0) {
        this.settle(entry, entry.kind === REPLY_DUMP ? this.dumpResult(entry) : entry.reply);
      } else {
        this.fail(entry, errorFromReply(entry, this.message(chunk, off, len, type, flags)));
      }
      return;
    }
    if (type === NLMSG_DONE) {
      // A dump's end. Its payload is an int: non-zero means the dump itself failed.
      if (len >= HDR_SIZE + 4 && chunk.readInt32LE(off + HDR_SIZE) !== 0) {
        this.fail(entry, errorFromReply(entry, this.message(chunk, off, len, type, flags)));
      } else if (entry.failure) {
        this.fail(entry, entry.failure);
      } else if (entry.interrupted && entry.retries > 0) {
        this.retry(entry);
      } else {
        this.settle(entry, this.dumpResult(entry));
      }
      return;
    }
    if (type === NLMSG_NOOP) return;
    if (type === NLMSG_OVERRUN) {
      this.fail(entry, this.failure(entry, ENOBUFS, 'the kernel reported NLMSG_OVERRUN'));
      return;
    }
    const decode = entry.decode;
    if (decode === null) return; // an echo or notification the caller did not ask to decode
    let value: unknown;
    try {
      value = decode(this.message(chunk, off, len, type, flags));
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      if (entry.kind === REPLY_DUMP) {
        entry.failure ??= error;
        return;
      }
      this.fail(entry, error);
      return;
    }
    if (entry.kind === REPLY_DUMP) {
      if (value !== undefined) entry.items.push(value);
    } else if (entry.kind === REPLY_SINGLE) {
      if (entry.wantsAck) entry.reply = value;
      else this.settle(entry, value);
    }
  }

  private message(chunk: Buffer, off: number, len: number, type: number, flags: number): NetlinkMessage {
    return {
      type,
      flags,
      seq: chunk.readUInt32LE(off + HDR_SEQ),
      pid: chunk.readUInt32LE(off + HDR_PID),
      payload: chunk.subarray(off + HDR_SIZE, off + len),
    };
  }

  private dumpResult(entry: PendingRequest): DumpResult<unknown> {
    const items = entry.items as DumpResult<unknown>;
    items.interrupted = entry.interrupted;
    return items;
  }

  private release(entry: PendingRequest): void {
    this.pending.delete(entry.seq);
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
  private retry(entry: PendingRequest): void {
    this.release(entry);
    entry.retries--;
    this.dumpRetries++;
    entry.interrupted = false;
    entry.items = [];
    trace('dump %s interrupted, retrying (%d left)', entry.operation, entry.retries);
    this.queue.unshift(entry);
  }

  private failure(entry: PendingRequest, errno: number, detail: string): NetlinkError {
    return new NetlinkError({ errno, operation: entry.operation, detail });
  }

  /** Fails every request that has left: their replies may be lost, so none may wait for them. */
  private failInFlight(errno: number, detail: string, token = 0): void {
    for (const entry of [...this.pending.values()]) {
      if (token === 0 || entry.token === token) this.fail(entry, this.failure(entry, errno, detail));
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
