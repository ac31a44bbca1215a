// The claim probe over the netlink library: an ARP probe (IPv4) or a DAD solicitation (IPv6) for every
// address about to be claimed on an interface, all of one interface in one window. An interface that
// cannot be probed (no Ethernet address: a tunnel, a point-to-point link) is claimed without a probe,
// and the log says so.
import type { Netlink, ProbeResult } from '@purelb-ts/netlink-native';
import type { Logger } from '../log.ts';
import type { ClaimProbe, Claims } from './probe-claims.ts';

const WORDS: Record<string, string> = {
  'arp-reply': 'ARP reply',
  'arp-request': 'ARP request sent from the address',
  'arp-probe': 'another host probing for it',
  'neighbour-advertisement': 'neighbour advertisement',
  'dad-probe': "another host's duplicate address detection",
  'neighbour-solicitation': 'neighbour solicitation sent from the address',
};

/** "ARP reply from 52:54:00:aa:bb:cc on enp1s0" */
const evidenceText = (r: ProbeResult, link: string): string | undefined =>
  r.conflict === undefined
    ? undefined
    : `${WORDS[r.conflict.how] ?? r.conflict.how} from ${r.conflict.mac} on ${link}`;

/**
 * A probe listening `windowMs` in all: two probes, a quarter of the window apart, then listening for the
 * rest. 0 disables probing (every claim is made at once, as upstream PureLB and MetalLB do).
 */
export function claimProbe(nl: Netlink, log: Logger, windowMs: number): ClaimProbe | undefined {
  if (windowMs <= 0) return undefined;
  const options = {
    count: 2,
    intervalMs: Math.floor(windowMs / 4),
    waitMs: windowMs - Math.floor(windowMs / 4),
  };
  const one = async (c: Claims): Promise<[string, string][]> => {
    try {
      const results = await nl.probe(c.link, c.ips, options);
      return results.flatMap((r) => {
        const text = evidenceText(r, c.link);
        return text === undefined ? [] : [[r.address, text] as [string, string]];
      });
    } catch (err) {
      log.warn('cannot probe before claiming: claiming without a probe', {
        interface: c.link,
        ip: c.ips.join(' '),
        reason: err instanceof Error ? err.message : String(err),
      });
      return [];
    }
  };
  return async (claims) => new Map((await Promise.all(claims.map(one))).flat());
}
