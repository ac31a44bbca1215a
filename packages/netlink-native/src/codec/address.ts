// RTM_*ADDR: struct ifaddrmsg { u8 family; u8 prefixlen; u8 flags; u8 scope; u32 index; }
// followed by IFA_* attributes. Request attribute order follows iproute2 6.1 (`ip address add`):
// IFA_LOCAL, IFA_RT_PRIORITY, explicit IFA_BROADCAST, IFA_LABEL, IFA_FLAGS, IFA_ADDRESS, derived
// IFA_BROADCAST ("brd +"), IFA_CACHEINFO, then IFA_PROTO (which iproute2 6.1 cannot send).

import type { Address, AddressSpec, Family } from '../types.ts';
import { attributeLength, attributeType, readString, readU32, sharedWriter } from './attributes.ts';
import {
  AF_INET,
  AF_INET6,
  IFA_ADDRESS,
  IFA_ANYCAST,
  IFA_BROADCAST,
  IFA_CACHEINFO,
  IFA_FLAGS,
  IFA_LABEL,
  IFA_LOCAL,
  IFA_PROTO,
  IFA_RT_PRIORITY,
  IFADDRMSG_LEN,
  INFINITY_LIFE_TIME,
  NLM_F_ACK,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_EXCL,
  NLM_F_REPLACE,
  NLM_F_REQUEST,
  RT_SCOPE_HOST,
  RTM_DELADDR,
  RTM_GETADDR,
  RTM_NEWADDR,
} from './constants.ts';
import { DecodeError } from './decode-error.ts';
import { familyByte, formatIP, parseIPInto, readAddressAttribute } from './ip.ts';
import { align4, type NetlinkMessage } from './message.ts';

const lifetime = (v: number): number => (v === INFINITY_LIFE_TIME ? Number.POSITIVE_INFINITY : v);

/** Decodes an RTM_NEWADDR / RTM_DELADDR message. */
export function decodeAddress(msg: NetlinkMessage): Address {
  if (msg.type !== RTM_NEWADDR && msg.type !== RTM_DELADDR) {
    throw new DecodeError(`message type ${msg.type} is not an address message`, 0);
  }
  return decodeAddressAt(msg.payload, 0, msg.payload.length);
}

/**
 * Decodes the ifaddrmsg payload in `p[start, end)` without a Buffer view of it (see
 * decodeRouteAt). DecodeError offsets are positions in `p`.
 */
export function decodeAddressAt(p: Buffer, start: number, end: number): Address {
  if (start < 0 || end > p.length || start > end) {
    throw new DecodeError(`address range ${start}..${end} outside ${p.length} bytes`, start);
  }
  if (end - start < IFADDRMSG_LEN)
    throw new DecodeError(`ifaddrmsg needs 8 bytes, got ${end - start}`, start);
  const fam = p[start] as number;
  let family: Family;
  let alen: 4 | 16;
  if (fam === AF_INET) {
    family = 4;
    alen = 4;
  } else if (fam === AF_INET6) {
    family = 6;
    alen = 16;
  } else {
    throw new DecodeError(`address family ${fam} is neither AF_INET nor AF_INET6`, start);
  }
  let local: string | undefined;
  let address: string | undefined;
  const a: Address = {
    family,
    index: p.readUInt32LE(start + 4),
    address: '',
    prefixLength: p[start + 1] as number,
    peer: undefined,
    broadcast: undefined,
    anycast: undefined,
    label: undefined,
    flags: p[start + 2] as number,
    scope: p[start + 3] as number,
    validLifetime: Number.POSITIVE_INFINITY,
    preferredLifetime: Number.POSITIVE_INFINITY,
    created: undefined,
    updated: undefined,
    protocol: undefined,
    routePriority: undefined,
  };
  let off = start + IFADDRMSG_LEN;
  while (end - off >= 4) {
    const len = attributeLength(p, off, end);
    const type = attributeType(p, off);
    const d = off + 4;
    const dl = len - 4;
    switch (type) {
      case IFA_ADDRESS:
      case IFA_LOCAL:
      case IFA_BROADCAST:
      case IFA_ANYCAST: {
        const text = readAddressAttribute(p, d, dl, alen, `address attribute ${type}`);
        if (type === IFA_ADDRESS) address = text;
        else if (type === IFA_LOCAL) local = text;
        else if (type === IFA_BROADCAST) a.broadcast = text;
        else a.anycast = text;
        break;
      }
      case IFA_LABEL:
        a.label = readString(p, d, dl);
        break;
      case IFA_FLAGS:
        a.flags = readU32(p, d, dl);
        break;
      case IFA_CACHEINFO:
        if (dl < 16) throw new DecodeError(`IFA_CACHEINFO of ${dl} bytes < 16`, d);
        a.preferredLifetime = lifetime(readU32(p, d, 4));
        a.validLifetime = lifetime(readU32(p, d + 4, 4));
        a.created = readU32(p, d + 8, 4);
        a.updated = readU32(p, d + 12, 4);
        break;
      case IFA_PROTO:
        if (dl < 1) throw new DecodeError('IFA_PROTO of 0 bytes', d);
        a.protocol = p[d] as number;
        break;
      case IFA_RT_PRIORITY:
        a.routePriority = readU32(p, d, dl);
        break;
    }
    off += align4(len);
  }
  if (local !== undefined) {
    a.address = local;
    if (address !== undefined && address !== local) a.peer = address;
  } else if (address !== undefined) {
    a.address = address;
  } else {
    throw new DecodeError('address message without IFA_LOCAL or IFA_ADDRESS', start + IFADDRMSG_LEN);
  }
  return a;
}

// ---- request encoders ----

export interface GetAddressOptions {
  family?: Family;
  /** Only this link's addresses (kernel-side filter with strict checking). */
  index?: number;
}

/** RTM_GETADDR dump (`ip address show [dev X]`, `ip -4/-6 address show`). */
export function encodeGetAddress(opts: GetAddressOptions = {}): Buffer {
  const w = sharedWriter;
  w.begin(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP);
  const at = w.zeros(IFADDRMSG_LEN);
  w.buf[at] = familyByte(opts.family);
  if (opts.index !== undefined) w.buf.writeUInt32LE(opts.index >>> 0, at + 4);
  return w.finish();
}

function checkLifetime(name: string, v: number): number {
  if (v === Number.POSITIVE_INFINITY) return INFINITY_LIFE_TIME;
  if (!Number.isInteger(v) || v < 0 || v > INFINITY_LIFE_TIME) {
    throw new TypeError(`${name} must be seconds (0..0xffffffff) or Infinity, got ${v}`);
  }
  return v;
}

/** Shared body of add/replace/delete; `isDelete` drops the attributes a delete does not need. */
function encodeAddressRequest(type: number, flags: number, spec: AddressSpec, isDelete: boolean): Buffer {
  const { index, prefixLength } = spec;
  if (!Number.isInteger(index) || index <= 0 || index > 0xffffffff) {
    throw new TypeError(`address index must be a positive integer, got ${index}`);
  }
  const w = sharedWriter;
  w.begin(type, flags);
  const hdr = w.zeros(IFADDRMSG_LEN);
  // IFA_LOCAL: the interface's own address (spec.local when point-to-point).
  const localText = spec.local ?? spec.address;
  const localAt = w.pos;
  w.ip(IFA_LOCAL, localText);
  const alen = (w.buf.readUInt16LE(localAt) - 4) as 4 | 16;
  const family: Family = alen === 4 ? 4 : 6;
  const max = alen * 8;
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > max) {
    throw new TypeError(`prefixLength must be 0..${max}, got ${prefixLength}`);
  }
  const ifaFlags = spec.flags ?? 0;
  if (!Number.isInteger(ifaFlags) || ifaFlags < 0 || ifaFlags > 0xffffffff) {
    throw new TypeError(`flags must be a u32, got ${ifaFlags}`);
  }
  const b = w.buf;
  b[hdr] = family === 4 ? AF_INET : AF_INET6;
  b[hdr + 1] = prefixLength;
  b[hdr + 2] = ifaFlags <= 0xff ? ifaFlags : 0;
  let scope = spec.scope;
  // iproute2: loopback IPv4 addresses default to host scope.
  if (scope === undefined && !isDelete && family === 4 && b[localAt + 4] === 127) scope = RT_SCOPE_HOST;
  b[hdr + 3] = scope ?? 0;
  b.writeUInt32LE(index, hdr + 4);

  if (spec.routePriority !== undefined && !isDelete) w.u32(IFA_RT_PRIORITY, spec.routePriority);
  const brd = spec.broadcast;
  if (typeof brd === 'string' && brd !== 'auto') {
    if (family !== 4) throw new TypeError('broadcast is IPv4 only');
    w.ip(IFA_BROADCAST, brd, 4);
  }
  if (spec.label !== undefined) {
    if (family !== 4) throw new TypeError('label is IPv4 only');
    if (Buffer.byteLength(spec.label) > 15) throw new TypeError(`label longer than 15 bytes: ${spec.label}`);
    w.string(IFA_LABEL, spec.label);
  }
  if (ifaFlags > 0xff) w.u32(IFA_FLAGS, ifaFlags);
  // usually the same address as IFA_LOCAL: copy its bytes rather than parse the text again
  if (spec.local === undefined) w.repeat(IFA_ADDRESS, localAt + 4, alen);
  else w.ip(IFA_ADDRESS, spec.address, family);
  if (brd === 'auto' && family === 4 && prefixLength < 31) {
    // broadcast = address with the host bits set
    const addrAt = w.pos - 4;
    const at = w.pos;
    w.u32(IFA_BROADCAST, 0);
    const hostBits = 32 - prefixLength;
    const addr = w.buf.readUInt32BE(addrAt);
    const mask = hostBits === 32 ? 0xffffffff : ((1 << hostBits) - 1) >>> 0;
    w.buf.writeUInt32BE((addr | mask) >>> 0, at + 4);
  }
  if (!isDelete && (spec.validLifetime !== undefined || spec.preferredLifetime !== undefined)) {
    const valid = checkLifetime('validLifetime', spec.validLifetime ?? Number.POSITIVE_INFINITY);
    // Only a valid lifetime given: the address stays preferred until it expires.
    const preferred = checkLifetime(
      'preferredLifetime',
      spec.preferredLifetime ?? spec.validLifetime ?? valid,
    );
    if (preferred > valid) throw new TypeError('preferredLifetime must not exceed validLifetime');
    const at = w.zeros(20);
    w.buf.writeUInt16LE(20, at);
    w.buf.writeUInt16LE(IFA_CACHEINFO, at + 2);
    w.buf.writeUInt32LE(preferred, at + 4);
    w.buf.writeUInt32LE(valid, at + 8);
  }
  if (spec.protocol !== undefined && !isDelete) w.u8(IFA_PROTO, spec.protocol);
  return w.finish();
}

/** RTM_NEWADDR: 'add' = CREATE|EXCL (fails with EEXIST), 'replace' = CREATE|REPLACE. */
export function encodeNewAddress(spec: AddressSpec, mode: 'add' | 'replace' = 'add'): Buffer {
  const flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | (mode === 'replace' ? NLM_F_REPLACE : NLM_F_EXCL);
  return encodeAddressRequest(RTM_NEWADDR, flags, spec, false);
}

/** RTM_DELADDR (`ip address del ADDR/LEN dev X`). */
export function encodeDelAddress(spec: AddressSpec): Buffer {
  return encodeAddressRequest(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, spec, true);
}

const ipv4Scratch = new Uint8Array(4);
const PLAIN_ADD_FLAGS = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
const PLAIN_REPLACE_FLAGS = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE;

/**
 * The common request has its own fast path: an IPv4 address on a link index with only the
 * defaults, i.e. what encodeNewAddress / encodeDelAddress write for { index, address,
 * prefixLength } with 'auto' broadcast on add. `mode` 'del' is RTM_DELADDR.
 * isPlainIPv4Address says whether a request is one (IPv4 text without "/LEN", a length 0-32 or
 * undefined for 32, an index 1..2^31-1); anything else goes down the general path, whose errors
 * stay its errors.
 */
export function isPlainIPv4Address(index: number, text: string, prefixLength: number | undefined): boolean {
  const len = prefixLength === undefined ? 32 : prefixLength;
  return (
    Number.isInteger(len) &&
    len >= 0 &&
    len <= 32 &&
    Number.isInteger(index) &&
    index > 0 &&
    index <= 0x7fffffff &&
    parseIPInto(text, ipv4Scratch, 0, 4) === 4
  );
}

/** The bytes a plain IPv4 request takes: header, ifaddrmsg, IFA_LOCAL, IFA_ADDRESS[, IFA_BROADCAST]. */
export function plainIPv4AddressSize(mode: 'add' | 'replace' | 'del', prefixLength: number): number {
  return mode !== 'del' && prefixLength < 31 ? 48 : 40;
}

/**
 * The address of a plain IPv4 request (see isPlainIPv4Address) as one 32-bit integer, first octet
 * in the top byte (`| 0`, so it is a small integer to V8, negative from 128.0.0.0 up), or
 * undefined when the request is not a plain one.
 */
export function plainIPv4Address(
  index: number,
  text: string,
  prefixLength: number | undefined,
): number | undefined {
  if (!isPlainIPv4Address(index, text, prefixLength)) return undefined;
  const b = ipv4Scratch;
  return ((b[0] as number) << 24) | ((b[1] as number) << 16) | ((b[2] as number) << 8) | (b[3] as number);
}

/** `v`'s four bytes in the opposite order: network-order bytes read as a host (little-endian) word. */
const swap32 = (v: number): number =>
  ((v & 0xff) << 24) | (((v >>> 8) & 0xff) << 16) | (((v >>> 16) & 0xff) << 8) | (v >>> 24);

/**
 * Writes every word of a plain IPv4 request (seq and pid 0) from `words[word]` on: the batch
 * buffer seen as 32-bit host-order (little-endian) words, since every field of this message falls
 * on a word. `bits` is the address as plainIPv4Address gives it; the request must have passed
 * isPlainIPv4Address. Twelve word stores rather than forty-eight byte stores: less to run, and
 * less for V8 to compile into every caller it is inlined in.
 */
export function writePlainIPv4AddressWords(
  words: Int32Array,
  word: number,
  mode: 'add' | 'replace' | 'del',
  index: number,
  bits: number,
  prefixLength: number,
): void {
  const isDelete = mode === 'del';
  const size = plainIPv4AddressSize(mode, prefixLength);
  const flags = isDelete ? NLM_F_REQUEST | NLM_F_ACK : mode === 'add' ? PLAIN_ADD_FLAGS : PLAIN_REPLACE_FLAGS;
  // iproute2 gives loopback IPv4 addresses host scope
  const scope = !isDelete && bits >>> 24 === 127 ? RT_SCOPE_HOST : 0;
  const address = swap32(bits);
  // nlmsghdr: len, type | flags << 16, seq 0, pid 0
  words[word] = size;
  words[word + 1] = (isDelete ? RTM_DELADDR : RTM_NEWADDR) | (flags << 16);
  words[word + 2] = 0;
  words[word + 3] = 0;
  // ifaddrmsg: family, prefixlen, flags 0, scope; index
  words[word + 4] = AF_INET | (prefixLength << 8) | (scope << 24);
  words[word + 5] = index;
  // IFA_LOCAL then IFA_ADDRESS, the same 4 bytes (rta_len 8 | rta_type << 16)
  words[word + 6] = 8 | (IFA_LOCAL << 16);
  words[word + 7] = address;
  words[word + 8] = 8 | (IFA_ADDRESS << 16);
  words[word + 9] = address;
  if (size > 40) {
    // IFA_BROADCAST = address with the host bits set ("brd +"); prefixLength < 31 here, and a
    // shift by 32 is a shift by 0 in JS, hence /0 on its own
    const hostBits = prefixLength === 0 ? -1 : (1 << (32 - prefixLength)) - 1;
    words[word + 10] = 8 | (IFA_BROADCAST << 16);
    words[word + 11] = swap32(bits | hostBits);
  }
}

/** A plain IPv4 request as its own Buffer, or undefined when it is not one (isPlainIPv4Address). */
export function encodePlainIPv4Address(
  mode: 'add' | 'replace' | 'del',
  index: number,
  text: string,
  prefixLength: number | undefined,
): Buffer | undefined {
  if (!isPlainIPv4Address(index, text, prefixLength)) return undefined;
  const len = prefixLength ?? 32;
  const b = Buffer.alloc(plainIPv4AddressSize(mode, len));
  const words = new Int32Array(b.buffer, b.byteOffset, b.length >> 2);
  writePlainIPv4AddressWords(words, 0, mode, index, plainIPv4Address(index, text, len) as number, len);
  return b;
}

/** IPv4 broadcast derived from address/prefix, as `brd +` does (undefined for /31 and /32). */
export function deriveBroadcast(address: string, prefixLength: number): string | undefined {
  const b = new Uint8Array(4);
  if (parseIPInto(address, b, 0, 4) !== 4 || prefixLength >= 31) return undefined;
  const hostBits = 32 - prefixLength;
  const v = ((b[0] as number) << 24) | ((b[1] as number) << 16) | ((b[2] as number) << 8) | (b[3] as number);
  const mask = hostBits === 32 ? 0xffffffff : (1 << hostBits) - 1;
  const r = (v | mask) >>> 0;
  const out = new Uint8Array([r >>> 24, (r >>> 16) & 0xff, (r >>> 8) & 0xff, r & 0xff]);
  return formatIP(out, 0, 4);
}
