// Links are named by the caller either by index (used as is: no extra round trip) or by name
// (looked up with one RTM_GETLINK). An unknown name is the caller's mistake, so it becomes a
// RangeError naming it, before the request that needed the link is sent.
import { decodeLink, encodeGetLink } from '../codec/link.ts';
import { NetlinkError } from '../errors.ts';
import type { Connection } from '../transport/connection.ts';
import type { Link } from '../types.ts';

/** A link by ifindex (number) or by name (string). */
export type LinkRef = number | string;

export function checkLinkRef(ref: LinkRef, what = 'link'): void {
  if (typeof ref === 'number') {
    if (!Number.isInteger(ref) || ref <= 0 || ref > 0x7fffffff) {
      throw new RangeError(`${what} index must be a positive integer, got ${ref}`);
    }
    return;
  }
  if (typeof ref !== 'string' || ref === '' || Buffer.byteLength(ref) > 15 || /[\s/\0:]/.test(ref)) {
    throw new TypeError(
      `${what} must be an ifindex or an interface name (1-15 bytes, no spaces, '/' or ':'), got ${JSON.stringify(ref)}`,
    );
  }
}

/** How a link appears in operation descriptions: its name, or #index. */
export const linkLabel = (ref: LinkRef): string => (typeof ref === 'number' ? `#${ref}` : ref);

/** Fetches one link; ENODEV stays a NetlinkError (the caller asked about this link). */
export function getLink(conn: Connection, ref: LinkRef): Promise<Link> {
  checkLinkRef(ref);
  const request = typeof ref === 'number' ? encodeGetLink({ index: ref }) : encodeGetLink({ name: ref });
  return conn.single(request, `link get ${linkLabel(ref)}`, decodeLink);
}

/** The ifindex of a link; an unknown name or index is a RangeError naming it. */
export async function resolveIndex(conn: Connection, ref: LinkRef, what = 'link'): Promise<number> {
  checkLinkRef(ref, what);
  if (typeof ref === 'number') return ref;
  try {
    return (await getLink(conn, ref)).index;
  } catch (err) {
    if (err instanceof NetlinkError && err.code === 'ENODEV') {
      throw new RangeError(`unknown ${what} ${JSON.stringify(ref)}: no such interface in this namespace`);
    }
    throw err;
  }
}
