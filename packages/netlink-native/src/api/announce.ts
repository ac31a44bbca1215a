// Sends the announcement frames for an address on a link, from that link's MAC (and, for IPv6, its
// link-local address), through the addon's AF_PACKET sender in the handle's namespace.
import createDebug from 'debug';
import { IFA_F_TENTATIVE, RT_SCOPE_LINK } from '../codec/constants.ts';
import type { NativeBinding, NetnsTarget } from '../native/binding.ts';
import type { Addresses } from './addresses.ts';
import { ETHERTYPE_ARP, ETHERTYPE_IPV6, gratuitousArp, unsolicitedNa } from './announce-frames.ts';
import { type LinkRef, linkLabel } from './link-ref.ts';
import type { Links } from './links.ts';
import { parseAddressOnly } from './prefix.ts';

const trace = createDebug('netlink:announce');

/** How `nl.announce` repeats its gratuitous ARP / unsolicited neighbour advertisement. */
export interface AnnounceOptions {
  /** How many rounds to send (default 1). IPv4 sends a request and a reply per round. */
  count?: number;
  /** Milliseconds between frames (default 0 when count is 1, else 100). */
  intervalMs?: number;
}

export async function announce(
  // The handle's links and addresses only: the handle itself delegates to this module.
  nl: { links: Pick<Links, 'get'>; addresses: Pick<Addresses, 'list'> },
  binding: Pick<NativeBinding, 'sendFrames'>,
  netns: NetnsTarget | undefined,
  ref: LinkRef,
  address: string,
  options: AnnounceOptions,
): Promise<void> {
  const family = parseAddressOnly(address, 'address to announce');
  const count = options.count ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > 1000)
    throw new RangeError(`count must be 1..1000, got ${count}`);
  const intervalMs = options.intervalMs ?? (count === 1 ? 0 : 100);
  if (!Number.isInteger(intervalMs) || intervalMs < 0)
    throw new RangeError(`intervalMs must be >= 0, got ${intervalMs}`);
  const link = await nl.links.get(ref);
  if (link.mac === undefined || link.mac.split(':').length !== 6) {
    throw new TypeError(`link ${linkLabel(ref)} has no Ethernet address to announce from`);
  }
  let frames: Buffer[];
  let protocol: number;
  if (family === 4) {
    protocol = ETHERTYPE_ARP;
    const round = [gratuitousArp(link.mac, address, 1), gratuitousArp(link.mac, address, 2)];
    frames = Array.from({ length: count }, () => round).flat();
  } else {
    protocol = ETHERTYPE_IPV6;
    const addrs = await nl.addresses.list({ family: 6, link: link.index });
    const ll = addrs.find((a) => a.scope === RT_SCOPE_LINK && !(a.flags & IFA_F_TENTATIVE));
    if (ll === undefined) {
      throw new Error(
        `link ${linkLabel(ref)} has no usable IPv6 link-local address to send the advertisement from`,
      );
    }
    const na = unsolicitedNa(link.mac, ll.address, address);
    frames = Array.from({ length: count }, () => na);
  }
  trace('announce %s on %s: %d frames', address, link.name, frames.length);
  await binding.sendFrames({ netns, ifindex: link.index, protocol, frames, intervalMs });
}
