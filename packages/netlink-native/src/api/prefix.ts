// "ADDR/LEN" or a bare address plus a separate length, checked the way a caller needs: a bad
// address is a TypeError quoting it, an impossible length a RangeError quoting it.
import { ipFamily } from '../codec/ip.ts';
import type { Family } from '../types.ts';

export interface Prefix {
  address: string;
  family: Family;
  prefixLength: number;
}

export function parsePrefix(text: string, prefixLength?: number, what = 'address'): Prefix {
  if (typeof text !== 'string')
    throw new TypeError(`${what} must be a string like "10.0.0.1/24", got ${typeof text}`);
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const family = ipFamily(address);
  if (family === undefined) throw new TypeError(`invalid IP ${what} ${JSON.stringify(text)}`);
  const max = family === 4 ? 32 : 128;
  let length = max;
  if (slash >= 0) {
    const digits = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(digits))
      throw new TypeError(`invalid prefix length in ${what} ${JSON.stringify(text)}`);
    length = Number(digits);
    if (prefixLength !== undefined && prefixLength !== length) {
      throw new TypeError(`${what} ${JSON.stringify(text)} disagrees with prefixLength ${prefixLength}`);
    }
  } else if (prefixLength !== undefined) {
    if (!Number.isInteger(prefixLength))
      throw new TypeError(`prefixLength must be an integer, got ${prefixLength}`);
    length = prefixLength;
  }
  if (length < 0 || length > max) {
    throw new RangeError(
      `prefix length ${length} out of range for IPv${family} (0-${max}) in ${what} ${JSON.stringify(slash < 0 ? `${text}/${length}` : text)}`,
    );
  }
  return { address, family, prefixLength: length };
}

/** A plain address (no prefix) of either family, or of `family` when given. */
export function parseAddressOnly(text: string, what: string, family?: Family): Family {
  const f = typeof text === 'string' ? ipFamily(text) : undefined;
  if (f === undefined) throw new TypeError(`invalid IP ${what} ${JSON.stringify(text)}`);
  if (family !== undefined && f !== family) {
    throw new TypeError(`${what} ${JSON.stringify(text)} is IPv${f}, expected IPv${family}`);
  }
  return f;
}
