// The batched hot path: an IPv4 address with only the defaults on a link index (see
// isPlainIPv4Address). Such a request is three integers kept on the transport's own record of it
// (a CompactRequest): the link index, the address parsed once, and the prefix length with the
// mode. Its bytes are written when the transport sends it, straight into the batch buffer, and its
// operation text ("address add 10.0.0.1/32 dev #3") is formatted only when an error needs it. So
// per request there is no Buffer, no string and no object beyond the transport's own.
import { plainIPv4Address, plainIPv4AddressSize, writePlainIPv4AddressWords } from '../codec/address.ts';
import type { Connection } from '../transport/connection.ts';
import type { CompactRequest } from '../transport/pending.ts';
import { linkLabel } from './link-ref.ts';

/** What a plain request does: RTM_NEWADDR with CREATE|EXCL or CREATE|REPLACE, or RTM_DELADDR. */
export type PlainMode = 'add' | 'replace' | 'del';

const MODES: readonly PlainMode[] = ['add', 'replace', 'del'];
const modeOf = (c: number): PlainMode => MODES[c >>> 8] as PlainMode;

/**
 * The compact kind of a plain IPv4 request: `a` is the link index, `b` the address as
 * plainIPv4Address gives it, `c` the prefix length plus 256 times the mode's place in MODES.
 */
const PLAIN_IPV4_ADDRESS: CompactRequest = {
  size(_a: number, _b: number, c: number): number {
    return plainIPv4AddressSize(modeOf(c), c & 0xff);
  },
  writeTo(words: Int32Array, word: number, a: number, b: number, c: number): void {
    writePlainIPv4AddressWords(words, word, modeOf(c), a, b, c & 0xff);
  },
  describe(a: number, b: number, c: number): string {
    const address = `${b >>> 24}.${(b >>> 16) & 0xff}.${(b >>> 8) & 0xff}.${b & 0xff}`;
    return `address ${modeOf(c)} ${address}/${c & 0xff} dev ${linkLabel(a)}`;
  },
};

/**
 * Sends the request and returns its promise when it is a plain one (validated now, before anything
 * is sent); undefined when it is not, for the general path to handle.
 */
export function sendPlainIPv4Address(
  conn: Connection,
  mode: PlainMode,
  index: number,
  address: string,
  prefixLength: number | undefined,
): Promise<void> | undefined {
  const bits = plainIPv4Address(index, address, prefixLength);
  if (bits === undefined) return undefined;
  const c = (prefixLength ?? 32) | (MODES.indexOf(mode) << 8);
  return conn.ackCompact(PLAIN_IPV4_ADDRESS, index, bits, c);
}
