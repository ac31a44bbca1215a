// Netlink attributes (struct rtattr / nlattr: u16 len, u16 type, payload, padded to 4 bytes).
// The writer builds whole request messages in one reusable scratch buffer and copies the result
// out once, so an address request costs one small allocation. The readers check every length
// against the enclosing bounds before reading and throw only DecodeError.

import type { Family } from '../types.ts';
import { NLA_TYPE_MASK } from './constants.ts';
import { DecodeError } from './decode-error.ts';
import { parseIPInto } from './ip.ts';
import { align4, NLMSG_HDRLEN } from './message.ts';

export const NLA_HDRLEN = 4;

/**
 * Builds one netlink message: begin() writes the header, fixed structs and attributes follow,
 * finish() patches nlmsg_len and returns a right-sized copy. Not re-entrant across begin/finish,
 * which is fine because encoders run synchronously to completion.
 */
export class AttrWriter {
  buf: Buffer;
  pos = 0;

  constructor(initialSize = 512) {
    this.buf = Buffer.alloc(initialSize);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.pos + n + 64));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Starts a message: nlmsghdr with seq 0 and pid 0. */
  begin(type: number, flags: number): this {
    this.pos = 0;
    this.ensure(NLMSG_HDRLEN);
    this.buf.fill(0, 0, NLMSG_HDRLEN);
    this.buf.writeUInt16LE(type, 4);
    this.buf.writeUInt16LE(flags, 6);
    this.pos = NLMSG_HDRLEN;
    return this;
  }

  /** Ends the message and returns its bytes (a fresh Buffer the caller owns). */
  finish(): Buffer {
    this.buf.writeUInt32LE(this.pos, 0);
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }

  /** Reserves `n` zero bytes (a fixed struct) and returns their offset for the caller to fill. */
  zeros(n: number): number {
    this.ensure(n);
    const at = this.pos;
    this.buf.fill(0, at, at + n);
    this.pos += n;
    return at;
  }

  /** Writes an attribute header; may replace this.buf (growth), so callers read this.buf after. */
  private header(type: number, payloadLen: number): number {
    const total = align4(NLA_HDRLEN + payloadLen);
    this.ensure(total);
    const at = this.pos;
    this.buf.writeUInt16LE(NLA_HDRLEN + payloadLen, at);
    this.buf.writeUInt16LE(type, at + 2);
    // zero the padding so output bytes are deterministic
    if (total > NLA_HDRLEN + payloadLen) this.buf.fill(0, at + NLA_HDRLEN + payloadLen, at + total);
    this.pos += total;
    return at + NLA_HDRLEN;
  }

  u8(type: number, v: number): this {
    const at = this.header(type, 1);
    this.buf[at] = v;
    return this;
  }

  u16(type: number, v: number): this {
    const at = this.header(type, 2);
    this.buf.writeUInt16LE(v, at);
    return this;
  }

  u32(type: number, v: number): this {
    const at = this.header(type, 4);
    this.buf.writeUInt32LE(v >>> 0, at);
    return this;
  }

  s32(type: number, v: number): this {
    const at = this.header(type, 4);
    this.buf.writeInt32LE(v, at);
    return this;
  }

  u64(type: number, v: bigint): this {
    const at = this.header(type, 8);
    this.buf.writeBigUInt64LE(v, at);
    return this;
  }

  /** u16 in network byte order (ports). */
  be16(type: number, v: number): this {
    const at = this.header(type, 2);
    this.buf.writeUInt16BE(v, at);
    return this;
  }

  /** NUL-terminated string. */
  string(type: number, s: string): this {
    const n = Buffer.byteLength(s);
    const at = this.header(type, n + 1);
    this.buf.write(s, at);
    this.buf[at + n] = 0;
    return this;
  }

  /** A string without the terminating NUL (IFLA_INFO_KIND is sent this way by iproute2). */
  chars(type: number, s: string): this {
    const n = Buffer.byteLength(s);
    const at = this.header(type, n);
    this.buf.write(s, at);
    return this;
  }

  bytes(type: number, b: Uint8Array): this {
    const at = this.header(type, b.length);
    this.buf.set(b, at);
    return this;
  }

  /** An IP address attribute parsed straight from text; throws TypeError on bad text. */
  ip(type: number, text: string, family?: Family): this {
    this.ensure(NLA_HDRLEN + 16);
    const at = this.pos;
    const n = parseIPInto(text, this.buf, at + NLA_HDRLEN, family);
    if (n === 0) {
      throw new TypeError(
        `not an IP${family === undefined ? '' : `v${family}`} address: ${JSON.stringify(text)}`,
      );
    }
    this.buf.writeUInt16LE(NLA_HDRLEN + n, at);
    this.buf.writeUInt16LE(type, at + 2);
    this.pos += NLA_HDRLEN + n;
    return this;
  }

  /** Repeats `len` payload bytes already written at `from` as a new attribute (same address twice). */
  repeat(type: number, from: number, len: number): this {
    const at = this.header(type, len);
    this.buf.copyWithin(at, from, from + len);
    return this;
  }

  /** Opens a nested attribute; pass the returned offset to nestEnd. */
  nestStart(type: number): number {
    this.ensure(NLA_HDRLEN);
    const at = this.pos;
    this.buf.writeUInt16LE(type, at + 2);
    this.pos += NLA_HDRLEN;
    return at;
  }

  nestEnd(start: number): this {
    this.buf.writeUInt16LE(this.pos - start, start);
    return this;
  }
}

/** The writer all request encoders share (they run synchronously, one message at a time). */
export const sharedWriter = new AttrWriter();

/**
 * Encodes a list of attributes on their own (no message header), e.g. for tests or for nests
 * built by callers. Values: number → u32, string → NUL-terminated, Uint8Array → raw bytes,
 * array → nested list.
 */
export type AttrValue = number | string | Uint8Array | AttrList;
export type AttrList = ReadonlyArray<readonly [type: number, value: AttrValue]>;

export function encodeAttributes(list: AttrList): Buffer {
  const w = new AttrWriter(256);
  writeList(w, list);
  return Buffer.from(w.buf.subarray(0, w.pos));
}

function writeList(w: AttrWriter, list: AttrList): void {
  for (const [type, value] of list) {
    if (typeof value === 'number') w.u32(type, value);
    else if (typeof value === 'string') w.string(type, value);
    else if (value instanceof Uint8Array) w.bytes(type, value);
    else {
      const at = w.nestStart(type);
      writeList(w, value);
      w.nestEnd(at);
    }
  }
}

/** One attribute found by the reader: its type (flags masked off), flag bits and payload bounds. */
export interface RawAttribute {
  type: number;
  /** NLA_F_NESTED / NLA_F_NET_BYTEORDER bits from the type field. */
  typeFlags: number;
  /** Payload start and length within the buffer that was read. */
  offset: number;
  length: number;
}

/**
 * The length of the attribute at `off` (header included), checked: at least the header and no
 * further than `end`. The hand-unrolled decoders (address, link, route) and forEachAttribute all
 * walk with this and attributeType, so every walker rejects the same malformed bytes.
 */
export function attributeLength(buf: Uint8Array, off: number, end: number): number {
  const len = (buf[off] as number) | ((buf[off + 1] as number) << 8);
  if (len < NLA_HDRLEN) throw new DecodeError(`attribute length ${len} < ${NLA_HDRLEN}`, off);
  if (len > end - off)
    throw new DecodeError(`attribute length ${len} exceeds the ${end - off} bytes left`, off);
  return len;
}

/** The type of the attribute at `off`, NLA_F_NESTED / NLA_F_NET_BYTEORDER masked off. */
export const attributeType = (buf: Uint8Array, off: number): number =>
  ((buf[off + 2] as number) | ((buf[off + 3] as number) << 8)) & NLA_TYPE_MASK;

/**
 * Walks the attributes in buf[start, end) and calls `visit` for each. Throws DecodeError when an
 * attribute length is below 4 or runs past `end`. Up to 3 trailing bytes (a missing final
 * padding) are tolerated, as the kernel does.
 */
export function forEachAttribute(
  buf: Uint8Array,
  start: number,
  end: number,
  visit: (type: number, offset: number, length: number, typeFlags: number) => void,
): void {
  if (start < 0 || end > buf.length || start > end) {
    throw new DecodeError(`attribute range ${start}..${end} outside ${buf.length} bytes`, start);
  }
  let off = start;
  while (end - off >= NLA_HDRLEN) {
    const len = attributeLength(buf, off, end);
    const rawType = (buf[off + 2] as number) | ((buf[off + 3] as number) << 8);
    visit(rawType & NLA_TYPE_MASK, off + NLA_HDRLEN, len - NLA_HDRLEN, rawType & ~NLA_TYPE_MASK);
    off += align4(len);
  }
}

/** Lists the attributes in buf[start, end) (defaults: the whole buffer). */
export function listAttributes(buf: Uint8Array, start = 0, end = buf.length): RawAttribute[] {
  const out: RawAttribute[] = [];
  forEachAttribute(buf, start, end, (type, offset, length, typeFlags) => {
    out.push({ type, typeFlags, offset, length });
  });
  return out;
}

/**
 * Attributes by type (the last one wins on duplicates, like the kernel's nla_parse), payloads as
 * views into `buf`. Convenient for rare paths; the hot decoders switch over types instead.
 */
export function parseAttributes(buf: Buffer, start = 0, end = buf.length): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  forEachAttribute(buf, start, end, (type, offset, length) => {
    out.set(type, buf.subarray(offset, offset + length));
  });
  return out;
}

// Typed payload readers with the length check the kernel's policy would do.

export function readU8(buf: Uint8Array, offset: number, length: number): number {
  if (length < 1) throw new DecodeError(`u8 attribute of ${length} bytes`, offset);
  return buf[offset] as number;
}

export function readU16(buf: Uint8Array, offset: number, length: number): number {
  if (length < 2) throw new DecodeError(`u16 attribute of ${length} bytes`, offset);
  return (buf[offset] as number) | ((buf[offset + 1] as number) << 8);
}

export function readU32(buf: Uint8Array, offset: number, length: number): number {
  if (length < 4) throw new DecodeError(`u32 attribute of ${length} bytes`, offset);
  return (
    ((buf[offset] as number) |
      ((buf[offset + 1] as number) << 8) |
      ((buf[offset + 2] as number) << 16) |
      ((buf[offset + 3] as number) << 24)) >>>
    0
  );
}

export function readS32(buf: Uint8Array, offset: number, length: number): number {
  return readU32(buf, offset, length) | 0;
}

export function readU64(buf: Uint8Array, offset: number, length: number): bigint {
  if (length < 8) throw new DecodeError(`u64 attribute of ${length} bytes`, offset);
  return BigInt(readU32(buf, offset, 4)) | (BigInt(readU32(buf, offset + 4, 4)) << 32n);
}

export function readS64(buf: Uint8Array, offset: number, length: number): bigint {
  return BigInt.asIntN(64, readU64(buf, offset, length));
}

/** A string attribute: up to the first NUL (or the whole payload when there is none). */
export function readString(buf: Buffer, offset: number, length: number): string {
  let end = offset;
  const stop = offset + length;
  while (end < stop && buf[end] !== 0) end++;
  return buf.toString('utf8', offset, end);
}
