// A continuous claim watch: one listening AF_PACKET socket on a link, in the handle's namespace,
// that reports every frame showing ANOTHER host using (or about to use) one of a set of
// addresses, as soon as the frame arrives. The rules are the probe's (probe-evidence.ts): ARP
// from a watched address (requests, replies, gratuitous ARP), another host's ARP probe for one,
// neighbour advertisements for a watched target, DAD solicitations for one, and solicitations
// sent from one. Frames from the link's own MAC, and frames the host sends, never count. It sends
// nothing.
//
// The kernel filter (claim-watch-filter.ts) keeps only ARP and neighbour discovery about the
// watched addresses, so the I/O thread sleeps through other traffic; the rules are applied in full
// here. setAddresses swaps that filter (the kernel replaces it atomically), the Set matched here
// and, for IPv6, the memberships of the solicited-node groups (another host's DAD goes to that
// group, which the device may otherwise filter out).
import { endianness } from 'node:os';
import createDebug from 'debug';
import { canonicalIP } from '../codec/ip.ts';
import type { NativeBinding, NativePacketSocket, NetnsTarget } from '../native/binding.ts';
import { claimWatchFilter } from './claim-watch-filter.ts';
import { mac6 } from './ethernet.ts';
import { checkLinkRef, type LinkRef } from './link-ref.ts';
import type { Links } from './links.ts';
import { parseAddressOnly } from './prefix.ts';
import { ethernetMac } from './probe.ts';
import { type ConflictEvidence, conflictEvidence } from './probe-evidence.ts';
import { ipv6MulticastMac, solicitedNode } from './probe-frames.ts';

const trace = createDebug('netlink:claim-watch');
const ENOBUFS = 105;
const ENETDOWN = 100;
const DEFAULT_RCVBUF = 1 << 20;

/** A frame that shows another host using (or claiming) a watched address. */
export interface ClaimEvidence {
  /** The watched address, canonical text (as setAddresses would print it). */
  address: string;
  /** Which kind of frame it was (an ARP reply, a gratuitous ARP, an NA, a DAD probe, …). */
  how: ConflictEvidence;
  /** The other host's MAC (ARP sender, NA target link-layer option, else the Ethernet source). */
  mac: string;
  /** Date.now() when the frame reached JS (within a few ms of its arrival on the link). */
  at: number;
}

/** Options of `nl.watchClaims(link, options)`. */
export interface WatchClaimsOptions {
  /** The addresses to watch from the start (default none; see setAddresses). */
  addresses?: readonly string[];
  /** Called once per frame that shows another host using a watched address. */
  onEvidence(evidence: ClaimEvidence): void;
  /**
   * The watch is degraded but still running: ENOBUFS (the kernel dropped frames because the
   * receive queue was full, so evidence may have been missed), a receive failure, or an
   * exception onEvidence threw (`code` ECALLBACK, `cause` the thrown value).
   */
  onError(error: Error & { code?: string; errno?: number; cause?: unknown }): void;
  /** Receive buffer in bytes (default 1 MiB; SO_RCVBUFFORCE when privileged). */
  rcvbuf?: number;
}

/** A running claim watch on one link, from `nl.watchClaims`. */
export interface ClaimWatch {
  /** The watched link: ifindex, name, and the MAC whose frames never count. */
  readonly link: {
    /** The ifindex. */
    index: number;
    /** The link's name when the watch opened. */
    name: string;
    /** The link's own MAC, read once at open. */
    mac: string;
  };
  /** The watched set, canonical texts. */
  readonly addresses: readonly string[];
  /**
   * Replaces the watched set. Bad input throws (TypeError naming the address) and leaves the old
   * set. Frames already handed over are matched against the new set.
   */
  setAddresses(addresses: readonly string[]): void;
  /** Frames the kernel filter let through, and the reads that got them (for tests and tuning). */
  readonly stats: {
    /** Frames handed to JS. */
    framesReceived: number;
    /** Socket reads that returned them. */
    receiveCalls: number;
  };
  /** True once `close()` ran (or the handle was closed). */
  readonly closed: boolean;
  /** Idempotent. Closes the socket; no callback runs afterwards, even for frames already queued. */
  close(): void;
  /** An open watch keeps the process alive, like a socket; unref() lets it exit, ref() undoes it. */
  ref(): void;
  /** Lets the process exit while the watch is open. */
  unref(): void;
}

type Binding = Pick<NativeBinding, 'PacketSocket'>;

function checkAddresses(addresses: readonly string[]): Set<string> {
  if (!Array.isArray(addresses)) {
    throw new TypeError(`addresses must be an array of IP address strings, got ${typeof addresses}`);
  }
  return new Set(
    addresses.map((a) => {
      parseAddressOnly(a, 'address to watch');
      return canonicalIP(a);
    }),
  );
}

/** The solicited-node group MACs (hex → bytes) the IPv6 addresses of the set need. */
function groupsOf(set: ReadonlySet<string>): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const address of set) {
    if (!address.includes(':')) continue;
    const group = Buffer.from(ipv6MulticastMac(solicitedNode(address)));
    out.set(group.toString('hex'), group);
  }
  return out;
}

class Watch implements ClaimWatch {
  readonly link: { index: number; name: string; mac: string };
  #set: Set<string> = new Set();
  #groups = new Map<string, Buffer>();
  #socket: NativePacketSocket | undefined;
  #closed = false;
  readonly #own: Uint8Array;
  readonly #options: WatchClaimsOptions;
  readonly #onClose: () => void;
  readonly #le = endianness() === 'LE';

  constructor(
    link: { index: number; name: string; mac: string },
    options: WatchClaimsOptions,
    onClose: () => void,
  ) {
    this.link = link;
    this.#own = mac6(link.mac);
    this.#options = options;
    this.#onClose = onClose;
  }

  /** Opens the socket; the initial set is applied right after, before any frame can be read. */
  open(binding: Binding, netns: NetnsTarget | undefined, rcvbuf: number, initial: Set<string>): void {
    this.#socket = new binding.PacketSocket({
      netns,
      ifindex: this.link.index,
      filter: claimWatchFilter(initial),
      rcvbuf,
      onData: (chunk) => this.#onData(chunk),
      onError: (errno, code, _token, cause) => this.#onNativeError(errno, code, cause),
    });
    try {
      this.#apply(initial, false);
    } catch (err) {
      this.#socket.close();
      this.#socket = undefined;
      throw err;
    }
    trace(
      'watching %d addresses on %s (ignores outgoing: %s)',
      initial.size,
      this.link.name,
      this.#socket.ignoresOutgoing,
    );
  }

  get addresses(): readonly string[] {
    return [...this.#set];
  }

  get stats(): { framesReceived: number; receiveCalls: number } {
    return this.#socket?.stats ?? { framesReceived: 0, receiveCalls: 0 };
  }

  get closed(): boolean {
    return this.#closed;
  }

  setAddresses(addresses: readonly string[]): void {
    if (this.#closed)
      throw Object.assign(new Error('setAddresses: the claim watch is closed'), {
        code: 'ERR_SOCKET_CLOSED',
      });
    const next = checkAddresses(addresses);
    this.#apply(next, true);
    trace('watching %d addresses on %s', next.size, this.link.name);
  }

  /**
   * Joins the groups the new set needs, swaps the kernel filter for the new set's, then leaves the
   * groups it does not need; all or nothing. Frames the old filter already let through are matched
   * against the new set.
   */
  #apply(next: Set<string>, filter: boolean): void {
    const socket = this.#socket as NativePacketSocket;
    const groups = groupsOf(next);
    const joined: Buffer[] = [];
    try {
      for (const [key, group] of groups) {
        if (this.#groups.has(key)) continue;
        socket.addMembership(group);
        joined.push(group);
      }
      if (filter) socket.setFilter(claimWatchFilter(next));
    } catch (err) {
      for (const group of joined) socket.dropMembership(group);
      throw err;
    }
    for (const [key, group] of this.#groups) if (!groups.has(key)) socket.dropMembership(group);
    this.#groups = groups;
    this.#set = next;
  }

  #onData(chunk: Buffer): void {
    const at = Date.now();
    for (let off = 0; off + 4 <= chunk.length && !this.#closed; ) {
      const len = this.#le ? chunk.readUInt32LE(off) : chunk.readUInt32BE(off);
      const frame = chunk.subarray(off + 4, off + 4 + len);
      off += 4 + ((len + 3) & ~3);
      const e = conflictEvidence(frame, this.#own, this.#set);
      if (e === undefined) continue;
      trace('%s: %s for %s from %s', this.link.name, e.how, e.address, e.mac);
      try {
        this.#options.onEvidence({ address: e.address, how: e.how, mac: e.mac, at });
      } catch (cause) {
        this.#report(
          Object.assign(new Error(`claim watch on ${this.link.name}: onEvidence threw`), {
            code: 'ECALLBACK',
            cause,
          }),
        );
      }
    }
  }

  #onNativeError(errno: number, code: string, cause: unknown): void {
    const message =
      errno === ENOBUFS
        ? `claim watch on ${this.link.name}: the kernel dropped frames (receive queue full), so evidence may have been missed`
        : errno === ENETDOWN
          ? // The kernel unhooks the socket while the link is down and hooks it again when it is up.
            `claim watch on ${this.link.name}: ${this.link.name} went down; nothing is heard until it is up again`
          : `claim watch on ${this.link.name}: ${code}`;
    this.#report(
      Object.assign(new Error(message), { code, errno, ...(cause === undefined ? {} : { cause }) }),
    );
  }

  #report(error: Error & { code?: string; errno?: number; cause?: unknown }): void {
    if (this.#closed) return;
    trace('%s', error.message);
    try {
      this.#options.onError(error);
    } catch (err) {
      // Nobody is left to tell: say so rather than let it escape into the addon's callback.
      process.emitWarning(`claim watch on ${this.link.name}: onError threw: ${String(err)}`);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket?.close();
    this.#onClose();
    trace('closed the watch on %s', this.link.name);
  }

  ref(): void {
    if (!this.#closed) this.#socket?.ref();
  }

  unref(): void {
    if (!this.#closed) this.#socket?.unref();
  }
}

export async function watchClaims(
  // The handle's links only: the handle itself delegates to this module.
  nl: { links: Pick<Links, 'find'> },
  binding: Partial<Binding>,
  netns: NetnsTarget | undefined,
  ref: LinkRef,
  options: WatchClaimsOptions,
  onClose: (w: ClaimWatch) => void,
): Promise<ClaimWatch> {
  checkLinkRef(ref);
  if (options === null || typeof options !== 'object')
    throw new TypeError('watchClaims needs an options object');
  if (typeof options.onEvidence !== 'function') throw new TypeError('options.onEvidence must be a function');
  if (typeof options.onError !== 'function') throw new TypeError('options.onError must be a function');
  const rcvbuf = options.rcvbuf ?? DEFAULT_RCVBUF;
  if (!Number.isInteger(rcvbuf) || rcvbuf < 4096 || rcvbuf > 0x3fffffff)
    throw new RangeError(`rcvbuf must be 4096..2^30-1 bytes, got ${rcvbuf}`);
  const initial = checkAddresses(options.addresses ?? []);
  if (binding.PacketSocket === undefined)
    throw new TypeError('the binding this handle was opened with has no PacketSocket');
  const link = await nl.links.find(ref);
  if (link === undefined)
    throw new RangeError(`unknown link ${JSON.stringify(ref)}: no such interface in this namespace`);
  const watch: Watch = new Watch(
    { index: link.index, name: link.name, mac: ethernetMac(link, ref) },
    options,
    () => onClose(watch),
  );
  watch.open({ PacketSocket: binding.PacketSocket }, netns, rcvbuf, initial);
  return watch;
}
