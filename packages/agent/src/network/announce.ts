// Gratuitous ARP / unsolicited NA when this node takes a local address over, so neighbours (the
// router) update their caches at once instead of waiting for theirs to expire. Only when the
// LBNodeAgent configures it (garpConfig), as upstream.
import type { GarpConfig, Placement } from '@purelb-ts/core';
import type { Netlink } from '@purelb-ts/netlink-native';
import type { Logger } from '../log.ts';

export type Announce = (placement: Placement, garp: GarpConfig) => Promise<void>;

export function announcer(nl: Netlink, log: Logger): Announce {
  return async (p, garp) => {
    const fields = { service: p.services.join(' '), ip: p.ip, interface: p.link };
    try {
      if (garp.initialDelayMs > 0) await new Promise((r) => setTimeout(r, garp.initialDelayMs));
      if (garp.verifyBeforeSend) {
        const held = (await nl.addresses.list({ link: p.link })).some((a) => a.address === p.ip);
        if (!held) {
          log.info('announcement skipped: the address is no longer on the interface', fields);
          return;
        }
      }
      await nl.announce(p.link, p.ip, { count: garp.count, intervalMs: garp.intervalMs });
      log.info(p.family === 4 ? 'gratuitous ARP sent' : 'unsolicited neighbour advertisement sent', {
        ...fields,
        count: garp.count,
      });
    } catch (err) {
      log.error('announcement failed', {
        ...fields,
        reason: err instanceof Error ? err.message : String(err),
      });
    }
  };
}
