// A stand-in for the native NetlinkSocket and the kernel behind it, for the transport and API unit tests.
// It records what the transport hands to send() and lets a test answer with hand-built bytes, laid
// out per the kernel uapi (nlmsghdr, nlmsgerr, NLMSGERR_ATTR_* TLVs), independent of the codec.
import assert from 'node:assert/strict';
import type { NativeSocket, NativeSocketOptions } from '../../src/native/binding.ts';

export const PORT_ID = 4242;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLM_F_REQUEST = 1;
export const NLM_F_MULTI = 2;
export const NLM_F_ACK = 4;
export const NLM_F_DUMP_INTR = 0x10;
export const NLM_F_DUMP = 0x300;
export const NLM_F_CAPPED = 0x100;
export const NLM_F_ACK_TLVS = 0x200;
export const RTM_NEWLINK = 16;
export const RTM_GETLINK = 18;
export const RTM_NEWADDR = 20;

export interface Header {
  len: number;
  type: number;
  flags: number;
  seq: number;
  pid: number;
}

export function header(buf: Buffer, off = 0): Header {
  return {
    len: buf.readUInt32LE(off),
    type: buf.readUInt16LE(off + 4),
    flags: buf.readUInt16LE(off + 6),
    seq: buf.readUInt32LE(off + 8),
    pid: buf.readUInt32LE(off + 12),
  };
}

/** Splits a buffer of whole netlink messages into them. */
export function split(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < buf.length; ) {
    const len = buf.readUInt32LE(off);
    out.push(buf.subarray(off, off + len));
    off += (len + 3) & ~3;
  }
  return out;
}

/** One netlink message, padded to 4 bytes. */
export function message(
  type: number,
  flags: number,
  seq: number,
  payload: Buffer = Buffer.alloc(0),
  pid = PORT_ID,
): Buffer {
  const len = 16 + payload.length;
  const buf = Buffer.alloc((len + 3) & ~3);
  buf.writeUInt32LE(len, 0);
  buf.writeUInt16LE(type, 4);
  buf.writeUInt16LE(flags, 6);
  buf.writeUInt32LE(seq, 8);
  buf.writeUInt32LE(pid, 12);
  payload.copy(buf, 16);
  return buf;
}

function tlv(type: number, value: Buffer): Buffer {
  const buf = Buffer.alloc((4 + value.length + 3) & ~3);
  buf.writeUInt16LE(4 + value.length, 0);
  buf.writeUInt16LE(type, 2);
  value.copy(buf, 4);
  return buf;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

export interface ExtAckSpec {
  message?: string;
  offset?: number;
}

/** NLMSG_ERROR answering `request` with errno (0 = ACK), capped, with ext-ack TLVs. */
export function errorReply(request: Buffer, errno: number, ext?: ExtAckSpec, pid = PORT_ID): Buffer {
  const h = header(request);
  const tlvs: Buffer[] = [];
  if (ext?.message !== undefined) tlvs.push(tlv(1, Buffer.from(`${ext.message}\0`)));
  if (ext?.offset !== undefined) tlvs.push(tlv(2, u32(ext.offset)));
  const body = Buffer.alloc(20);
  body.writeInt32LE(-errno, 0);
  request.copy(body, 4, 0, 16);
  const flags = NLM_F_CAPPED | (tlvs.length ? NLM_F_ACK_TLVS : 0);
  return message(NLMSG_ERROR, flags, h.seq, Buffer.concat([body, ...tlvs]), pid);
}

export const ack = (request: Buffer, pid = PORT_ID): Buffer => errorReply(request, 0, undefined, pid);

export function done(seq: number, flags = NLM_F_MULTI, errno = 0): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeInt32LE(-errno);
  return message(NLMSG_DONE, flags, seq, payload);
}

/** A request as an API layer would hand it over: seq and pid zero, written by the transport. */
export function request(
  type = RTM_NEWADDR,
  flags = NLM_F_REQUEST | NLM_F_ACK,
  payload = Buffer.alloc(8),
): Buffer {
  return message(type, flags, 0, payload, 0);
}

/** An RTM_NEWLINK dump entry (NLM_F_MULTI): ifinfomsg with the index, IFLA_IFNAME and (unless 0) IFLA_MASTER. */
function linkDumpEntry(seq: number, index: number, name: string, master = 0): Buffer {
  const ifinfomsg = Buffer.alloc(16);
  ifinfomsg.writeInt32LE(index, 4);
  const attrs = [tlv(3, Buffer.from(`${name}\0`))];
  if (master) attrs.push(tlv(10, u32(master)));
  return message(RTM_NEWLINK, NLM_F_MULTI, seq, Buffer.concat([ifinfomsg, ...attrs]));
}

/** An RTM_NEWLINK-shaped request carrying IFLA_IFNAME then IFLA_LINKINFO { IFLA_INFO_KIND "dummy" }. */
export function newLinkRequest(): Buffer {
  const ifinfomsg = Buffer.alloc(16);
  const name = tlv(3, Buffer.from('d0\0'));
  const kind = tlv(1, Buffer.from('dummy\0'));
  const linkinfo = tlv(18, kind);
  return message(
    RTM_NEWLINK,
    NLM_F_REQUEST | NLM_F_ACK | 0x400 | 0x200,
    0,
    Buffer.concat([ifinfomsg, name, linkinfo]),
    0,
  );
}

export interface SendCall {
  bytes: Buffer;
  token: number;
  messages: Buffer[];
}

export class FakeKernel {
  options!: NativeSocketOptions;
  readonly sends: SendCall[] = [];
  /** Every program given to setFilter (undefined: removed), in order. */
  readonly filters: (Buffer | undefined)[] = [];
  /** When set, setFilter throws it (as the addon does when the kernel refuses a program). */
  refuseFilter: Error | undefined;
  closed = false;
  /** What the socket reports for NETLINK_GET_STRICT_CHK (the API filters dumps itself without it). */
  strictCheck = true;
  /** When set, every request sent is answered by this (on a later macrotask, as the I/O thread would). */
  responder: ((request: Buffer) => Buffer | Buffer[] | undefined) | undefined;

  readonly rcvbuf: number;

  constructor(rcvbuf = 8 * 1024 * 1024) {
    this.rcvbuf = rcvbuf;
  }

  readonly open = (options: NativeSocketOptions): NativeSocket => {
    this.options = options;
    const kernel = this;
    return {
      portId: PORT_ID,
      strictCheck: this.strictCheck,
      extAck: true,
      capAck: true,
      rcvbuf: this.rcvbuf,
      send(bytes: Buffer, token: number) {
        // Copy: the transport may reuse a request buffer (dump retries rewrite its seq).
        const copy = Buffer.from(bytes);
        const call = { bytes: copy, token, messages: split(copy) };
        kernel.sends.push(call);
        if (kernel.responder) {
          const replies = call.messages.flatMap((m) => kernel.responder?.(m) ?? []);
          if (replies.length) setImmediate(() => kernel.deliver(Buffer.concat(replies)));
        }
      },
      addMembership() {},
      dropMembership() {},
      setFilter(program: Buffer | undefined) {
        if (kernel.refuseFilter) throw kernel.refuseFilter;
        kernel.filters.push(program);
      },
      close() {
        kernel.closed = true;
      },
    };
  };

  /** Hands a chunk of reply bytes to the transport, as the I/O thread would. */
  deliver(...chunks: Buffer[]): void {
    this.options.onData(Buffer.concat(chunks));
  }

  fail(errno: number, code: string, token = 0): void {
    this.options.onError(errno, code, token);
  }

  /** Every request message sent so far, in order. */
  get requests(): Buffer[] {
    return this.sends.flatMap((s) => s.messages);
  }
}

/** A link in a fake link dump: its index, name and (unless 0 or left out) master's index. */
export type FakeLink = [index: number, name: string, master?: number];

/** The one other dump a {@link dumpingKernel} answers: its request type, and its entries' type and payloads. */
export interface FakeDump {
  request: number;
  reply: number;
  /** Each entry after its nlmsghdr (an encoder's output without the first 16 bytes). */
  payloads: Buffer[];
}

/**
 * A fake kernel, strict checking on or off, that answers every RTM_GETLINK dump with `links` and
 * every other request (which must be a `dump.request`) with `dump`'s entries, each dump ended by
 * NLMSG_DONE: what an API that filters dumps itself without strict checking needs.
 */
export function dumpingKernel(strictCheck: boolean, links: FakeLink[], dump: FakeDump): FakeKernel {
  const kernel = new FakeKernel();
  kernel.strictCheck = strictCheck;
  kernel.responder = (request) => {
    const { type, seq } = header(request);
    if (type === RTM_GETLINK)
      return [...links.map(([index, name, master]) => linkDumpEntry(seq, index, name, master)), done(seq)];
    assert.equal(type, dump.request);
    return [...dump.payloads.map((p) => message(dump.reply, NLM_F_MULTI, seq, p)), done(seq)];
  };
  return kernel;
}

/** Lets queued microtasks (the transport's flush) run. */
export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
