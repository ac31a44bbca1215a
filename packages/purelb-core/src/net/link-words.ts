// Link words iproute2 prints, as numbers: the IFF_* flags between <...> (linux/if.h) and the link types
// after "link/" (ARPHRD_*, linux/if_arp.h), for reading `ip addr` / `ip link` output back.

/** IFF_* bits by the word `ip link` prints for them. */
export const IFF: Readonly<Record<string, number>> = {
  UP: 0x1,
  BROADCAST: 0x2,
  DEBUG: 0x4,
  LOOPBACK: 0x8,
  POINTOPOINT: 0x10,
  NOTRAILERS: 0x20,
  RUNNING: 0x40,
  NOARP: 0x80,
  PROMISC: 0x100,
  ALLMULTI: 0x200,
  MASTER: 0x400,
  SLAVE: 0x800,
  MULTICAST: 0x1000,
  PORTSEL: 0x2000,
  AUTOMEDIA: 0x4000,
  DYNAMIC: 0x8000,
  LOWER_UP: 0x10000,
  DORMANT: 0x20000,
  ECHO: 0x40000,
};

/**
 * The ifi_flags of a link from the words `ip` prints between <...>. iproute2 never prints RUNNING: it
 * prints NO-CARRIER for an up link that is not running, so an up link without NO-CARRIER is running.
 * Words it adds of its own (M-DOWN) or does not know are ignored.
 */
export function linkFlagBits(words: readonly string[]): number {
  let bits = 0;
  for (const w of words) bits |= IFF[w] ?? 0;
  if ((bits & IFF.UP!) !== 0 && !words.includes('NO-CARRIER')) bits |= IFF.RUNNING!;
  return bits;
}

/** ARPHRD_* by the name `ip` prints after "link/" (the common ones; others read as ARPHRD_VOID). */
const LINK_TYPES: Readonly<Record<string, number>> = {
  netrom: 0,
  ether: 1,
  infiniband: 32,
  ipip: 768,
  tunnel6: 769,
  sit: 776,
  gre: 778,
  loopback: 772,
  ip6gre: 823,
  'ieee802.11': 801,
  none: 0xfffe,
  void: 0xffff,
};
export const ARPHRD_VOID = 0xffff;

/** The ARPHRD_* number for "ether", "loopback", "none", or "[65534]" as ip prints an unnamed one. */
export function linkTypeNumber(word: string): number {
  const bracketed = /^\[(\d+)\]$/.exec(word);
  if (bracketed) return Number(bracketed[1]);
  return LINK_TYPES[word] ?? ARPHRD_VOID;
}
