// IP addresses as numbers: parsing, canonical text (RFC 5952 for IPv6) and arithmetic. Pure and
// self-contained, because purelb-core imports nothing from the netlink library.

export type Family = 4 | 6;

export interface IP {
  family: Family;
  /** The address as an unsigned integer (32 or 128 bits). */
  value: bigint;
}

export const familyBits = (family: Family): number => (family === 4 ? 32 : 128);

/**
 * Dotted quad, each part 0-255 without leading zeros ("01" is refused, as inet_pton does). A loop
 * over char codes rather than a regex and split: it runs for every address of every reconcile.
 */
function parseV4Number(text: string): number | undefined {
  if (text.length < 7 || text.length > 15) return undefined;
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return undefined;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return undefined;
      part = part * 10 + (c - 48);
      digits++;
      if (part > 255) return undefined;
    } else return undefined;
  }
  if (dots !== 3 || digits === 0) return undefined;
  // A double holds 32 bits exactly.
  return value * 256 + part;
}

/** An IPv4 address's value as a number, or undefined when the text is not one: nothing allocated. */
export const ipv4Value = (text: string): number | undefined => parseV4Number(text);

function parseV4(text: string): bigint | undefined {
  const n = parseV4Number(text);
  return n === undefined ? undefined : BigInt(n);
}

function parseV6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.length > 45) return undefined;
  let head = text;
  let tailV4: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    tailV4 = parseV4(text.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): string[] | undefined => {
    if (s === '') return [];
    const g = s.split(':');
    return g.every((x) => /^[0-9a-fA-F]{1,4}$/.test(x)) ? g : undefined;
  };
  const left = groups(halves[0] ?? '');
  const right = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (left === undefined || right === undefined) return undefined;
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  let v = 0n;
  for (const g of [...left, ...Array<string>(missing).fill('0'), ...right]) v = (v << 16n) | BigInt(`0x${g}`);
  if (tailV4 !== undefined) v = (v & ~0xffffffffn) | tailV4;
  return v;
}

/** Parses an IPv4 or IPv6 address (no zone, no prefix); undefined when it is not one. */
export function parseIP(text: string): IP | undefined {
  const v4 = parseV4(text);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = text.includes(':') ? parseV6(text) : undefined;
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

function formatV6(value: bigint): string {
  // RFC 5952 section 5 (and the netlink codec, whose strings we compare): IPv4-mapped as ::ffff:a.b.c.d.
  if (value >> 32n === 0xffffn) return `::ffff:${formatIP({ family: 4, value: value & 0xffffffffn })}`;
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952: compress the longest run (leftmost on ties) of two or more zero groups.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Canonical text: dotted quad, or RFC 5952 for IPv6. */
export function formatIP(ip: IP): string {
  if (ip.family === 4) {
    const v = Number(ip.value);
    return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
  return formatV6(ip.value);
}

/**
 * The family of an address text, or undefined when it is not an address: parseIP's verdict without
 * building the number (checks of every placement in every plan call it).
 */
export function ipFamilyOf(text: string): Family | undefined {
  if (parseV4Number(text) !== undefined) return 4;
  return text.includes(':') && parseV6(text) !== undefined ? 6 : undefined;
}

/**
 * The canonical form of an address text, or undefined when it is not an address. IPv4 text that
 * parses is already canonical (parseV4 takes only the dotted quad without leading zeros): returned as
 * it came, as the netlink codec's and every dump's addresses are, without building a new string.
 */
export function canonicalIP(text: string): string | undefined {
  if (parseV4Number(text) !== undefined) return text;
  const ip = parseIP(text);
  return ip === undefined ? undefined : formatIP(ip);
}

export const ipEquals = (a: IP, b: IP): boolean => a.family === b.family && a.value === b.value;
