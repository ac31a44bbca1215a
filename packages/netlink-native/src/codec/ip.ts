// IP address bytes <-> canonical text. IPv4 is the dotted quad; IPv6 follows RFC 5952 (lowercase,
// no leading zeros, the longest run of two or more zero groups shortened to "::", the first one on
// a tie, and IPv4-mapped addresses as ::ffff:a.b.c.d). Parsing is strict: a bad string throws a
// TypeError naming it, because it comes from a caller, not from the kernel.

import type { Family } from '../types.ts';
import { AF_INET, AF_INET6, AF_UNSPEC } from './constants.ts';
import { DecodeError } from './decode-error.ts';

// A small direct-mapped cache of formatted IPv4 addresses: dumps repeat the same gateways and
// source addresses thousands of times, and every string not built is garbage not collected.
const V4_CACHE_SIZE = 1024;
const v4Keys = new Int32Array(V4_CACHE_SIZE).fill(-1);
const v4Texts: string[] = new Array<string>(V4_CACHE_SIZE).fill('');

/** Formats 4 bytes at `off` as a dotted quad (the hot path of route and address decoding). */
export function formatIPv4(buf: Uint8Array, off: number): string {
  const a = buf[off] as number;
  const b = buf[off + 1] as number;
  const c = buf[off + 2] as number;
  const d = buf[off + 3] as number;
  const key = (a << 24) | (b << 16) | (c << 8) | d;
  const slot = (key ^ (key >>> 10) ^ (key >>> 20)) & (V4_CACHE_SIZE - 1);
  // 255.255.255.255 is -1, the empty-slot marker: never cached, always formatted
  if (v4Keys[slot] === key && key !== -1) return v4Texts[slot] as string;
  const text = `${a}.${b}.${c}.${d}`;
  v4Keys[slot] = key;
  v4Texts[slot] = text;
  return text;
}

/**
 * An address attribute's payload (`length` bytes at `off`) in the message's family (`alen` 4 or 16
 * bytes): its text, or a DecodeError naming the attribute when the size does not match the family.
 */
export function readAddressAttribute(
  buf: Uint8Array,
  off: number,
  length: number,
  alen: 4 | 16,
  what: string,
): string {
  if (length !== alen)
    throw new DecodeError(`${what} of ${length} bytes in an IPv${alen === 4 ? 4 : 6} message`, off);
  return alen === 4 ? formatIPv4(buf, off) : formatIPv6(buf, off);
}

/** Formats 16 bytes at `off` per RFC 5952. */
const groups6 = new Uint16Array(8);

export function formatIPv6(buf: Uint8Array, off: number): string {
  const g = groups6;
  for (let i = 0; i < 8; i++) g[i] = ((buf[off + 2 * i] as number) << 8) | (buf[off + 2 * i + 1] as number);
  // IPv4-mapped ::ffff:a.b.c.d (RFC 5952 section 5)
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${formatIPv4(buf, off + 12)}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestStart = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += '::';
      i += bestLen - 1;
      continue;
    }
    if (out.length > 0 && !out.endsWith(':')) out += ':';
    out += (g[i] as number).toString(16);
  }
  return out;
}

/**
 * Formats an address of `len` bytes at `off`: 4 → IPv4, 16 → IPv6. Other lengths are a decode
 * error (the kernel never sends them for an IP attribute).
 */
export function formatIP(buf: Uint8Array, off: number, len: number): string {
  if (len === 4) return formatIPv4(buf, off);
  if (len === 16) return formatIPv6(buf, off);
  throw new DecodeError(`IP address of ${len} bytes`, off);
}

/** Writes a dotted quad into `out` at `off`; false when `text` is not one. */
function parseIPv4Into(text: string, out: Uint8Array, off: number): boolean {
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46; // a virtual trailing '.'
    if (c === 46) {
      if (digits === 0 || part > 3) return false;
      out[off + part++] = value;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      // no leading zeros ("010" is octal in inet_aton; refuse the ambiguity)
      if (digits > 0 && value === 0) return false;
      value = value * 10 + (c - 48);
      if (value > 255) return false;
      digits++;
    } else {
      return false;
    }
  }
  return part === 4;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * One pass over IPv6 text (RFC 4291 section 2.2 forms, including "::" and an IPv4 tail), writing
 * 16 bytes into `out` at `off` without allocating (except for the rare IPv4 tail). False when the
 * text is not an IPv6 address; `out` may then hold partial bytes.
 */
function parseIPv6Into(text: string, out: Uint8Array, off: number): boolean {
  const n = text.length;
  if (n < 2 || n > 45) return false;
  let groups = 0;
  let dbl = -1; // group index where "::" stands
  let i = 0;
  if (text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return false;
    dbl = 0;
    i = 2;
  }
  while (i < n) {
    if (groups >= 8) return false;
    let v = 0;
    let digits = 0;
    let j = i;
    while (j < n) {
      const h = hexValue(text.charCodeAt(j));
      if (h < 0) break;
      if (++digits > 4) return false;
      v = (v << 4) | h;
      j++;
    }
    if (j < n && text.charCodeAt(j) === 46) {
      // IPv4 tail: the rest is a dotted quad filling two groups
      if (groups > 6 || !parseIPv4Into(text.slice(i), out, off + 2 * groups)) return false;
      groups += 2;
      break;
    }
    if (digits === 0) return false;
    out[off + 2 * groups] = v >> 8;
    out[off + 2 * groups + 1] = v & 0xff;
    groups++;
    if (j === n) break;
    if (text.charCodeAt(j) !== 58) return false;
    if (j + 1 < n && text.charCodeAt(j + 1) === 58) {
      if (dbl >= 0) return false;
      dbl = groups;
      i = j + 2;
    } else {
      i = j + 1;
      if (i === n) return false; // a trailing single ':'
    }
  }
  if (dbl < 0) return groups === 8;
  if (groups > 7) return false;
  // move the groups after "::" to the end and zero the gap
  const tailBytes = 2 * (groups - dbl);
  for (let k = tailBytes - 1; k >= 0; k--) out[off + 16 - tailBytes + k] = out[off + 2 * dbl + k] as number;
  for (let k = 2 * dbl; k < 16 - tailBytes; k++) out[off + k] = 0;
  return true;
}

/** 4 for a dotted quad, 6 for an IPv6 address, undefined for anything else. */
const scratch = new Uint8Array(16);

export function ipFamily(text: string): Family | undefined {
  if (typeof text !== 'string') return undefined;
  if (parseIPv4Into(text, scratch, 0)) return 4;
  if (text.includes(':') && parseIPv6Into(text, scratch, 0)) return 6;
  return undefined;
}

export function isIPv4(text: string): boolean {
  return ipFamily(text) === 4;
}

export function isIPv6(text: string): boolean {
  return ipFamily(text) === 6;
}

/**
 * Parses an IP address into bytes (4 or 16). With `family` given, the text must be of that family.
 * Throws TypeError on bad input.
 */
export function parseIP(text: string, family?: Family): Uint8Array {
  if (typeof text !== 'string') throw new TypeError(`IP address must be a string, got ${typeof text}`);
  if (family !== 6) {
    const v4 = new Uint8Array(4);
    if (parseIPv4Into(text, v4, 0)) return v4;
    if (family === 4) throw new TypeError(`not an IPv4 address: ${JSON.stringify(text)}`);
  }
  const v6 = new Uint8Array(16);
  if (text.includes(':') && parseIPv6Into(text, v6, 0)) return v6;
  throw new TypeError(`not an IP${family === 6 ? 'v6' : ''} address: ${JSON.stringify(text)}`);
}

/** Canonical text of an address string (e.g. "2001:DB8:0::1" → "2001:db8::1"). */
export function canonicalIP(text: string): string {
  const b = parseIP(text);
  return formatIP(b, 0, b.length);
}

/** Parses "addr/len" (or a bare address, meaning a host prefix). */
export function parseCIDR(text: string): { address: string; family: Family; prefixLength: number } {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const bytes = parseIP(addr);
  const family: Family = bytes.length === 4 ? 4 : 6;
  const max = family === 4 ? 32 : 128;
  let prefixLength = max;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > max)
      throw new TypeError(`bad prefix length in ${JSON.stringify(text)}`);
    prefixLength = Number(p);
  }
  return { address: formatIP(bytes, 0, bytes.length), family, prefixLength };
}

/** Formats a link-layer address as lowercase colon-separated hex (aa:bb:cc:dd:ee:ff). */
export function formatMac(buf: Uint8Array, off: number, len: number): string {
  let out = '';
  for (let i = 0; i < len; i++) {
    const b = buf[off + i] as number;
    if (i > 0) out += ':';
    out += (b < 16 ? '0' : '') + b.toString(16);
  }
  return out;
}

/** Parses colon-separated hex (any length, e.g. 6 bytes for Ethernet). Throws TypeError on bad input. */
export function parseMac(text: string): Uint8Array {
  if (typeof text !== 'string' || !/^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2})*$/.test(text)) {
    throw new TypeError(`not a link-layer address: ${JSON.stringify(text)}`);
  }
  return Uint8Array.from(text.split(':'), (h) => Number.parseInt(h, 16));
}

/**
 * Parses an address straight into `out` at `off` (no allocation for IPv4, the hot path of address
 * encoding). Returns the byte count written (4 or 16), or 0 when `text` is not an address of the
 * requested family.
 */
export function parseIPInto(text: string, out: Uint8Array, off: number, family?: Family): 0 | 4 | 16 {
  if (typeof text !== 'string') return 0;
  if (family !== 6 && parseIPv4Into(text, out, off)) return 4;
  if (family !== 4 && text.includes(':') && parseIPv6Into(text, out, off)) return 16;
  return 0;
}

/** The AF_* byte of a family for a request header; AF_UNSPEC (both) when none is given. */
export function familyByte(family: Family | undefined): number {
  if (family === undefined) return AF_UNSPEC;
  if (family === 4) return AF_INET;
  if (family === 6) return AF_INET6;
  throw new TypeError(`family must be 4 or 6, got ${family}`);
}

/** An ifindex a caller gave: an integer 1..2^31-1, else a TypeError naming the argument. */
export function checkIfindex(name: string, v: number): number {
  if (!Number.isInteger(v) || v <= 0 || v > 0x7fffffff) {
    throw new TypeError(`${name} must be an ifindex (1..2^31-1), got ${v}`);
  }
  return v;
}
