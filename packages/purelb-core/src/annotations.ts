// The purelb.io/* annotations PureLB v2 reads and writes, and the codecs for the two structured ones
// (announcing slots on Services, subnets on node Leases), so a cluster can move between the two.
import { type Cidr, cidrOf, formatCidr, parseCidr } from './net/cidr.ts';
import { formatIP, type IP, parseIP } from './net/ip.ts';

export const PURELB_BRAND = 'PureLB';

/** Every annotation PureLB reads or writes starts with it; the agent's watches keep no other. */
export const ANNOTATION_PREFIX = 'purelb.io/';

export const ANNOTATION_SERVICE_GROUP = 'purelb.io/service-group';
export const ANNOTATION_ADDRESSES = 'purelb.io/addresses';
export const ANNOTATION_ALLOW_SHARED_IP = 'purelb.io/allow-shared-ip';
export const ANNOTATION_ALLOCATED_BY = 'purelb.io/allocated-by';
export const ANNOTATION_ALLOCATED_FROM = 'purelb.io/allocated-from';
export const ANNOTATION_POOL_TYPE = 'purelb.io/pool-type';
export const ANNOTATION_SKIP_IPV6_DAD = 'purelb.io/skip-ipv6-dad';
export const ANNOTATION_ANNOUNCING_IPV4 = 'purelb.io/announcing-IPv4';
export const ANNOTATION_ANNOUNCING_IPV6 = 'purelb.io/announcing-IPv6';
/** Pre-v0.5 single announcing annotation and its "unknown family" sibling: removed on cleanup. */
export const ANNOTATION_ANNOUNCING = 'purelb.io/announcing';
export const ANNOTATION_ANNOUNCING_UNKNOWN = 'purelb.io/announcing-unknown';
/** On node Leases: the node's subnets, comma-joined canonical CIDRs. */
export const ANNOTATION_SUBNETS = 'purelb.io/subnets';
/** On node Leases: the agent pod's UID. */
export const ANNOTATION_INSTANCE = 'purelb.io/instance';
/**
 * On node Leases (purelb-ts only): the node's candidate interfaces without carrier, or whose carrier
 * is not trusted yet. Codec: formatCarrierDown / parseCarrierDown (lease-reports.ts).
 */
export const ANNOTATION_CARRIER_DOWN = 'purelb.io/carrier-down';
/**
 * On node Leases (purelb-ts only): the addresses this node does not place as asked, `ip,code`
 * entries. Codec: formatRefused / parseRefused (lease-reports.ts).
 */
export const ANNOTATION_REFUSED = 'purelb.io/refused';
export const ANNOTATION_NODE_AFFINITY = 'purelb.io/node-affinity';
export const ANNOTATION_ALLOW_LOCAL = 'purelb.io/allow-local';
export const ANNOTATION_MULTI_POOL = 'purelb.io/multi-pool';
/** One-shot: the allocator re-evaluates the Service and deletes the key. */
export const ANNOTATION_RE_EVALUATE = 'purelb.io/re-evaluate';

/** The announcing annotation for an address family. */
export const announcingAnnotation = (family: 4 | 6): string =>
  family === 4 ? ANNOTATION_ANNOUNCING_IPV4 : ANNOTATION_ANNOUNCING_IPV6;

/** One node announcing one address: an entry `node,interface,ip` of purelb.io/announcing-IPv4/6. */
export interface AnnounceSlot {
  node: string;
  interface: string;
  /** Canonical address text. */
  ip: string;
}

/**
 * Parses a v0.17 announcing value (space-separated `node,interface,ip`). A malformed entry is
 * skipped and passed to `onError` (another writer's mistake must not stop ours). The IP is
 * canonicalised so slots compare by address, not by spelling. With `familyIPs` (the Service's
 * ingress addresses of the annotation's family), an older two-field `node,interface` entry (PureLB
 * before v0.17) is read too: that node announces each of them.
 */
export function parseAnnouncing(
  value: string | undefined,
  onError?: (entry: string, message: string) => void,
  familyIPs?: readonly string[],
): AnnounceSlot[] {
  const slots: AnnounceSlot[] = [];
  for (const entry of (value ?? '').split(/\s+/)) {
    if (entry === '') continue;
    const parts = entry.split(',');
    if (parts.length === 2 && familyIPs !== undefined && parts[0] !== '' && parts[1] !== '') {
      for (const ip of familyIPs) slots.push({ node: parts[0] as string, interface: parts[1] as string, ip });
      continue;
    }
    if (parts.length !== 3) {
      onError?.(entry, `announcing entry "${entry}" is not node,interface,ip`);
      continue;
    }
    const [node, iface, ipText] = parts as [string, string, string];
    const ip = parseIP(ipText);
    if (node === '' || iface === '' || ip === undefined) {
      const why =
        ip === undefined ? `"${ipText}" is not an IP address` : 'node and interface must not be empty';
      onError?.(entry, `announcing entry "${entry}": ${why}`);
      continue;
    }
    slots.push({ node, interface: iface, ip: formatIP(ip) });
  }
  return slots;
}

const compareIP = (a: IP, b: IP): number =>
  a.family !== b.family ? a.family - b.family : a.value < b.value ? -1 : a.value > b.value ? 1 : 0;

/** Canonical value: one slot per IP (the last given wins), sorted by address, IPv4 before IPv6. */
export function formatAnnouncing(slots: readonly AnnounceSlot[]): string {
  const byIP = new Map<string, { ip: IP; slot: AnnounceSlot }>();
  for (const slot of slots) {
    const ip = parseIP(slot.ip);
    if (ip === undefined) continue;
    const key = formatIP(ip);
    byIP.set(key, { ip, slot: { ...slot, ip: key } });
  }
  return [...byIP.values()]
    .sort((a, b) => compareIP(a.ip, b.ip))
    .map(({ slot }) => `${slot.node},${slot.interface},${slot.ip}`)
    .join(' ');
}

/** The value with `slot` owning its IP (the winner overwrites whoever announced it before). */
export const setAnnouncingSlot = (value: string | undefined, slot: AnnounceSlot): string =>
  formatAnnouncing([...parseAnnouncing(value), slot]);

/** The value with only the slots whose IP is in `keepIPs` (the Service's current ingress). */
export function removeAnnouncingSlots(value: string | undefined, keepIPs: Iterable<string>): string {
  const keep = new Set<string>();
  for (const text of keepIPs) {
    const ip = parseIP(text);
    if (ip !== undefined) keep.add(formatIP(ip));
  }
  return formatAnnouncing(parseAnnouncing(value).filter((s) => keep.has(s.ip)));
}

/**
 * Parses a Lease's purelb.io/subnets (comma-joined CIDRs). Host bits are cleared rather than refused:
 * the value comes from another node, and its network is what matters. Bad entries are listed.
 */
export function parseSubnetsAnnotation(value: string | undefined): { subnets: Cidr[]; errors: string[] } {
  const subnets: Cidr[] = [];
  const errors: string[] = [];
  for (const raw of (value ?? '').split(',')) {
    const text = raw.trim();
    if (text === '') continue;
    const c = parseCidr(text);
    if (typeof c === 'string') errors.push(c);
    else subnets.push(c);
  }
  return { subnets, errors };
}

/**
 * The value a node writes: canonical networks, deduplicated, sorted as strings (Go's sort.Strings,
 * so upstream nodes and ours write identical values) and comma-joined.
 */
export function formatSubnets(cidrs: readonly Cidr[]): string {
  const texts = new Set(
    cidrs.map((c) => formatCidr(cidrOf({ family: c.family, value: c.network }, c.prefixLength))),
  );
  return [...texts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join(',');
}
