// Address-conflict probes: before a host first claims an address on a LAN, it asks whether anyone
// else uses it (RFC 5227 ARP probes for IPv4, duplicate address detection solicitations for IPv6)
// and listens for an answer. Any number of addresses share one AF_PACKET socket and one listening
// window, opened in the handle's namespace by the addon, off the JS thread.
import createDebug from 'debug';
import { ARPHRD_ETHER } from '../codec/constants.ts';
import { canonicalIP } from '../codec/ip.ts';
import type { ExchangeFramesOptions, NativeBinding, NetnsTarget } from '../native/binding.ts';
import type { Link } from '../types.ts';
import { mac6 } from './ethernet.ts';
import { checkLinkRef, type LinkRef, linkLabel } from './link-ref.ts';
import type { Links } from './links.ts';
import { parseAddressOnly } from './prefix.ts';
import { type ConflictEvidence, conflictEvidence, type Evidence } from './probe-evidence.ts';
import { arpProbe, dadSolicitation, ipv6MulticastMac, probeFilter, solicitedNode } from './probe-frames.ts';

const trace = createDebug('netlink:probe');

/** How `nl.probe` probes: how many probes, how far apart, how long it listens. */
export interface ProbeOptions {
  /** Probes sent per address (default 2). */
  count?: number;
  /** Milliseconds between rounds of probes (default 100). */
  intervalMs?: number;
  /** Milliseconds to listen after the last round (default 200). */
  waitMs?: number;
}

/** Another host that answered for a probed address. */
export interface ProbeConflict {
  /** The MAC of the host that uses (or is claiming) the address. */
  mac: string;
  /** Which kind of frame showed it. */
  how: ConflictEvidence;
}

/** The outcome of probing one address. */
export interface ProbeResult {
  /** The address as the caller gave it. */
  address: string;
  /** Undefined: nobody answered for it within the window. */
  conflict: ProbeConflict | undefined;
}

const RCVBUF = 4 * 1024 * 1024;

function checkCount(name: string, v: number | undefined, fallback: number, min: number, max: number): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < min || v > max)
    throw new RangeError(`${name} must be ${min}..${max}, got ${v}`);
  return v;
}

/** The caller's addresses, each checked, and their canonical texts (a set: duplicates probe once). */
function checkAddresses(addresses: readonly string[]): string[] {
  if (!Array.isArray(addresses)) {
    throw new TypeError(`addresses must be an array of IP address strings, got ${typeof addresses}`);
  }
  return addresses.map((a) => {
    parseAddressOnly(a, 'address to probe');
    return canonicalIP(a);
  });
}

/** The link's MAC, when it is an Ethernet link that has one: probes are Ethernet frames. */
export function ethernetMac(link: Link, ref: LinkRef): string {
  if (link.type !== ARPHRD_ETHER || link.mac === undefined || /^(00:){5}00$/.test(link.mac)) {
    throw new TypeError(
      `link ${linkLabel(ref)} has no Ethernet address to probe from (type ${link.type}, address ${link.mac ?? 'none'})`,
    );
  }
  return link.mac;
}

function buildExchange(
  mac: string,
  unique: readonly string[],
): Pick<ExchangeFramesOptions, 'frames' | 'multicast'> {
  const frames: Buffer[] = [];
  const groups = new Map<string, Uint8Array>();
  for (const address of unique) {
    if (address.includes(':')) {
      frames.push(dadSolicitation(mac, address));
      // Another host's DAD goes to the solicited-node group, which the device may filter out.
      const group = ipv6MulticastMac(solicitedNode(address));
      groups.set(Buffer.from(group).toString('hex'), group);
    } else {
      frames.push(arpProbe(mac, address));
    }
  }
  return { frames, multicast: [...groups.values()].map((g) => Buffer.from(g)) };
}

export async function probe(
  // The handle's links only: the handle itself delegates to this module.
  nl: { links: Pick<Links, 'find'> },
  binding: Pick<NativeBinding, 'exchangeFrames'>,
  netns: NetnsTarget | undefined,
  ref: LinkRef,
  addresses: readonly string[],
  options: ProbeOptions,
): Promise<ProbeResult[]> {
  checkLinkRef(ref);
  const canonical = checkAddresses(addresses);
  const rounds = checkCount('count', options.count, 2, 1, 1000);
  const intervalMs = checkCount('intervalMs', options.intervalMs, 100, 0, 3_600_000);
  const waitMs = checkCount('waitMs', options.waitMs, 200, 0, 3_600_000);
  if (canonical.length === 0) return [];
  const link = await nl.links.find(ref);
  if (link === undefined)
    throw new RangeError(`unknown link ${JSON.stringify(ref)}: no such interface in this namespace`);
  const mac = ethernetMac(link, ref);
  const unique = [...new Set(canonical)];
  const started = performance.now();
  const { frames: received, dropped } = await binding.exchangeFrames({
    netns,
    ifindex: link.index,
    ...buildExchange(mac, unique),
    rounds,
    intervalMs,
    waitMs,
    filter: probeFilter(),
    rcvbuf: RCVBUF,
  });
  if (dropped > 0) {
    const error = new Error(
      `probe on ${link.name}: ${dropped} received frames were dropped (receive queue full), so a conflict may have been missed; probe again`,
    );
    throw Object.assign(error, { code: 'ENOBUFS' });
  }
  const conflicts = findConflicts(received, mac, unique);
  trace(
    'probed %d addresses on %s: %d frames heard, %d conflicts, %d ms',
    unique.length,
    link.name,
    received.length,
    conflicts.size,
    Math.round(performance.now() - started),
  );
  return addresses.map((address, i) => {
    const found = conflicts.get(canonical[i] as string);
    return { address, conflict: found && { mac: found.mac, how: found.how } };
  });
}

/** The first evidence heard for each probed address. */
function findConflicts(
  frames: readonly Buffer[],
  mac: string,
  unique: readonly string[],
): Map<string, Evidence> {
  const own = mac6(mac);
  const probed = new Set(unique);
  const out = new Map<string, Evidence>();
  for (const frame of frames) {
    const e = conflictEvidence(frame, own, probed);
    if (e !== undefined && !out.has(e.address)) out.set(e.address, e);
  }
  return out;
}
