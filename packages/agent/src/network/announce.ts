// Gratuitous ARP / unsolicited NA when this node takes a local address over, so neighbours (the
// router) update their caches at once instead of waiting for theirs to expire. Only when the
// LBNodeAgent configures it (garpConfig), as upstream. Never for an address the node does not hold
// yet: an IPv6 address is announced only once duplicate address detection has passed (announcing a
// tentative address with the override flag takes the address from its real owner if DAD then fails).
import type { GarpConfig, Placement } from '@purelb-ts/core';
import type { Address, Netlink } from '@purelb-ts/netlink-native';
import type { Logger } from '../log.ts';
import { tentative } from './dad.ts';

export type Announce = (placement: Placement, garp: GarpConfig) => Promise<void>;

/** How long an address may stay tentative (DAD: 1 probe, 1 s retransmit by default) before giving up. */
const DAD_WAIT_MS = 5000;
const POLL_MS = 100;

/** The address once it is usable; undefined when it went away or its DAD failed. */
async function usable(nl: Netlink, p: Placement): Promise<Address | undefined> {
  const deadline = performance.now() + DAD_WAIT_MS;
  for (;;) {
    const held = (await nl.addresses.list({ link: p.link })).find((a) => a.address === p.ip);
    if (held === undefined || !tentative(held)) {
      return held !== undefined && (held.flags & 0x08) === 0 ? held : undefined;
    }
    if (performance.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

export function announcer(nl: Netlink, log: Logger): Announce {
  return async (p, garp) => {
    const fields = { service: p.services.join(' '), ip: p.ip, interface: p.link };
    try {
      if (garp.initialDelayMs > 0) await new Promise((r) => setTimeout(r, garp.initialDelayMs));
      // IPv6 always waits for DAD; IPv4 has none, and verifyBeforeSend checks it is still there.
      if (p.family === 6 || garp.verifyBeforeSend) {
        if ((await usable(nl, p)) === undefined) {
          log.info('announcement skipped: the address is not (or no longer) usable on the interface', {
            ...fields,
            reason: 'gone, or its duplicate address detection failed or did not finish',
          });
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
