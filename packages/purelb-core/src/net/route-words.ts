// The route words iproute2 prints (rtnetlink's numbers in `ip route`'s vocabulary), defined here because
// purelb-core imports nothing from the netlink library. Values: linux/rtnetlink.h and iproute2's
// rt_protos / rt_scopes tables.

export const RT_TABLE_MAIN = 254;

/** rtm_type values. */
export const RTN = {
  unicast: 1,
  local: 2,
  broadcast: 3,
  anycast: 4,
  multicast: 5,
  blackhole: 6,
  unreachable: 7,
  prohibit: 8,
  throw: 9,
  nat: 10,
} as const;

const TYPE_WORDS: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(RTN).map(([word, value]) => [value, word]),
);

/** `ip route` prints the type before the destination unless it is unicast. */
export const routeTypeWord = (type: number): string | undefined =>
  type === RTN.unicast ? undefined : (TYPE_WORDS[type] ?? String(type));

export const RTPROT_BOOT = 3;
const PROTOCOL_WORDS: Readonly<Record<number, string>> = {
  1: 'redirect',
  2: 'kernel',
  3: 'boot',
  4: 'static',
  8: 'gated',
  9: 'ra',
  10: 'mrt',
  11: 'zebra',
  12: 'bird',
  13: 'dnrouted',
  14: 'xorp',
  15: 'ntk',
  16: 'dhcp',
  17: 'mrouted',
  18: 'keepalived',
  42: 'babel',
  99: 'openr',
  186: 'bgp',
  187: 'isis',
  188: 'ospf',
  189: 'rip',
  192: 'eigrp',
};
export const protocolWord = (protocol: number): string => PROTOCOL_WORDS[protocol] ?? String(protocol);

export const RT_SCOPE_UNIVERSE = 0;
const SCOPE_WORDS: Readonly<Record<number, string>> = {
  0: 'global',
  200: 'site',
  253: 'link',
  254: 'host',
  255: 'nowhere',
};
export const scopeWord = (scope: number): string => SCOPE_WORDS[scope] ?? String(scope);

/** RTNH_F_* bits as iproute2 names them after the metric, in its order. */
const NEXTHOP_FLAG_WORDS: readonly [number, string][] = [
  [1, 'dead'],
  [2, 'pervasive'],
  [4, 'onlink'],
  [8, 'offload'],
  [16, 'linkdown'],
  [32, 'unresolved'],
  [64, 'trap'],
];
export const RTNH_F_ONLINK = 4;
/** rtm_flags of a route the kernel answers a route get with. */
export const RTM_F_CLONED = 0x200;
export const nexthopFlagWords = (flags: number): string[] =>
  NEXTHOP_FLAG_WORDS.filter(([bit]) => (flags & bit) !== 0).map(([, word]) => word);

/** RTA_PREF (RFC 4191 router preference): medium 0, high 1, low 3; 2 is reserved. */
export const ROUTER_PREF = { medium: 0, high: 1, low: 3 } as const;
const PREF_WORDS: Readonly<Record<number, string>> = { 0: 'medium', 1: 'high', 3: 'low' };
export const prefWord = (pref: number): string => PREF_WORDS[pref] ?? String(pref);
/** Higher ranks first: high > medium > low (a reserved value ranks as medium, as the kernel treats it). */
export const prefRank = (pref: number | undefined): number =>
  pref === ROUTER_PREF.high ? 2 : pref === ROUTER_PREF.low ? 0 : 1;

/**
 * The number a word of `ip route` stands for in one of the tables above ("dhcp" is 16, "link" 253), or a
 * number written as such ("0x6c", "42"); undefined when it is neither.
 */
function numberFor(words: Readonly<Record<number, string>>, word: string): number | undefined {
  if (/^(0x[0-9a-f]+|\d+)$/i.test(word)) return Number(word);
  const hit = Object.entries(words).find(([, w]) => w === word);
  return hit === undefined ? undefined : Number(hit[0]);
}
export const protocolNumber = (word: string): number | undefined => numberFor(PROTOCOL_WORDS, word);
export const scopeNumber = (word: string): number | undefined => numberFor(SCOPE_WORDS, word);
export const routeTypeNumber = (word: string): number | undefined => numberFor(TYPE_WORDS, word);
export const prefNumber = (word: string): number | undefined => numberFor(PREF_WORDS, word);
export const TABLE_WORDS: Readonly<Record<number, string>> = { 253: 'default', 254: 'main', 255: 'local' };
export const tableNumber = (word: string): number | undefined => numberFor(TABLE_WORDS, word);
/** The RTNH_F_* bit of a flag word ("onlink" 4), or undefined. */
export const nexthopFlagBit = (word: string): number | undefined =>
  NEXTHOP_FLAG_WORDS.find(([, w]) => w === word)?.[0];
