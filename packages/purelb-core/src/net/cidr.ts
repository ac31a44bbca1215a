// Networks (address/prefix): parsing with clear errors, containment, canonical text.
import { type Family, familyBits, formatIP, type IP, parseIP } from './ip.ts';

export interface Cidr {
  family: Family;
  /** The network address (host bits cleared). */
  network: bigint;
  prefixLength: number;
}

const computeMask = (family: Family, prefixLength: number): bigint => {
  const bits = BigInt(familyBits(family));
  return ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(prefixLength))) - 1n);
};

/**
 * Every mask, made once: containment checks run per address per subnet, and building the mask
 * allocated four BigInts each time. Index = prefix length; bigints are immutable, so sharing is safe.
 */
const MASKS: Record<Family, readonly bigint[]> = {
  4: Array.from({ length: 33 }, (_, n) => computeMask(4, n)),
  6: Array.from({ length: 129 }, (_, n) => computeMask(6, n)),
};

/** The netmask of a prefix length (0..32 or 0..128) as a number. */
export const maskOf = (family: Family, prefixLength: number): bigint =>
  MASKS[family]?.[prefixLength] ?? computeMask(family, prefixLength);

/**
 * Parses "a.b.c.d/n" or "x::/n". With `strict`, host bits must be zero (a pool or subnet written
 * as 192.168.1.7/24 is a typo worth reporting). Returns an error message instead of throwing.
 */
export function parseCidr(text: string, strict = false): Cidr | string {
  const slash = text.indexOf('/');
  if (slash < 0) return `"${text}" is not a CIDR (expected address/prefix-length)`;
  const ip = parseIP(text.slice(0, slash));
  if (ip === undefined) return `"${text}" is not a CIDR: "${text.slice(0, slash)}" is not an IP address`;
  const lenText = text.slice(slash + 1);
  const max = familyBits(ip.family);
  if (!/^\d{1,3}$/.test(lenText) || Number(lenText) > max) {
    return `"${text}" is not a CIDR: prefix length must be 0..${max}`;
  }
  const prefixLength = Number(lenText);
  const network = ip.value & maskOf(ip.family, prefixLength);
  if (strict && network !== ip.value) {
    return `"${text}" has host bits set (did you mean ${formatCidr({ family: ip.family, network, prefixLength })}?)`;
  }
  return { family: ip.family, network, prefixLength };
}

export const formatCidr = (c: Cidr): string =>
  `${formatIP({ family: c.family, value: c.network })}/${c.prefixLength}`;

export const cidrContains = (c: Cidr, ip: IP): boolean =>
  c.family === ip.family && (ip.value & maskOf(c.family, c.prefixLength)) === c.network;

/** The network of `ip` at `prefixLength`. */
export const cidrOf = (ip: IP, prefixLength: number): Cidr => ({
  family: ip.family,
  network: ip.value & maskOf(ip.family, prefixLength),
  prefixLength,
});

/** First and last address of the network. */
export function cidrBounds(c: Cidr): { first: bigint; last: bigint } {
  const hostMask = (1n << BigInt(familyBits(c.family) - c.prefixLength)) - 1n;
  return { first: c.network, last: c.network | hostMask };
}
