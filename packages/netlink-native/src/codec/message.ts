// nlmsghdr framing: split a receive buffer into messages, and frame a payload into one message.
//   struct nlmsghdr { u32 len; u16 type; u16 flags; u32 seq; u32 pid; }  (host order: little endian)
import { DecodeError } from './decode-error.ts';

export const NLMSG_HDRLEN = 16;
export const NLMSG_ALIGNTO = 4;

export const align4 = (n: number): number => (n + 3) & ~3;

export interface NetlinkMessage {
  type: number;
  flags: number;
  seq: number;
  pid: number;
  /** The bytes after the 16-byte header, up to nlmsg_len (a view, not a copy). */
  payload: Buffer;
}

/**
 * Splits a buffer holding one or more whole netlink messages. Strict: a length below the header
 * size, past the end of the buffer, or trailing bytes that are not a message throw DecodeError.
 * The padding after the last message may be missing (the kernel always includes it).
 */
export function parseMessages(buf: Buffer): NetlinkMessage[] {
  const out: NetlinkMessage[] = [];
  const end = buf.length;
  let off = 0;
  while (off < end) {
    if (end - off < NLMSG_HDRLEN)
      throw new DecodeError(`${end - off} trailing bytes, less than a header`, off);
    const len = buf.readUInt32LE(off);
    if (len < NLMSG_HDRLEN) throw new DecodeError(`nlmsg_len ${len} < ${NLMSG_HDRLEN}`, off);
    if (len > end - off) throw new DecodeError(`nlmsg_len ${len} exceeds the ${end - off} bytes left`, off);
    out.push({
      type: buf.readUInt16LE(off + 4),
      flags: buf.readUInt16LE(off + 6),
      seq: buf.readUInt32LE(off + 8),
      pid: buf.readUInt32LE(off + 12),
      payload: buf.subarray(off + NLMSG_HDRLEN, off + len),
    });
    off += align4(len);
  }
  return out;
}

/** Frames `payload` as one message with seq 0 and pid 0 (the transport stamps seq with setSequence). */
export function encodeMessage(type: number, flags: number, payload: Uint8Array): Buffer {
  const len = NLMSG_HDRLEN + payload.length;
  const buf = Buffer.alloc(align4(len));
  buf.writeUInt32LE(len, 0);
  buf.writeUInt16LE(type, 4);
  buf.writeUInt16LE(flags, 6);
  buf.set(payload, NLMSG_HDRLEN);
  return buf;
}

/** Writes nlmsg_seq of the message starting at `offset` (default 0). */
export function setSequence(buf: Buffer, seq: number, offset = 0): void {
  buf.writeUInt32LE(seq >>> 0, offset + 8);
}

/** Writes nlmsg_pid of the message starting at `offset` (default 0). */
export function setPortId(buf: Buffer, pid: number, offset = 0): void {
  buf.writeUInt32LE(pid >>> 0, offset + 12);
}

/** Reads nlmsg_seq of the message starting at `offset`. */
export function getSequence(buf: Buffer, offset = 0): number {
  return buf.readUInt32LE(offset + 8);
}

/**
 * The family byte that starts every rtnetlink payload (ifinfomsg, ifaddrmsg, rtmsg...), or -1 for
 * an empty payload. An AF_UNSPEC dump can return families other than AF_INET/AF_INET6 (MPLS,
 * IPMR: 128, IP6MR: 129); decodeRoute/decodeAddress reject those, so callers skip them first.
 */
export function payloadFamily(msg: NetlinkMessage): number {
  return msg.payload.length > 0 ? (msg.payload[0] as number) : -1;
}
