// Kernel changes that can alter what this node should carry: links, addresses and main-table routes of
// both families. Every event just marks the reconciler dirty (the reconcile re-reads everything), except
// a route in another table (the rules read only the main one: adding an address puts its route in the
// local table) and an address notification that merely echoes the agent's own last apply. An overrun
// means events were lost, which a full re-read also covers.
import type { Action, Address, Netlink } from '@purelb-ts/netlink-native';
import type { Logger } from '../log.ts';

const RT_TABLE_MAIN = 254;

export interface NetworkWatch {
  close(): void;
}

export interface NetworkWatchOptions {
  /** True for a notification the agent's own apply caused (see OwnEchoes). */
  isOwnEcho?: (action: Action, address: Address) => boolean;
}

export function watchNetwork(
  nl: Netlink,
  markDirty: (why: string) => void,
  log: Logger,
  options: NetworkWatchOptions = {},
): NetworkWatch {
  const monitor = nl.monitor({
    groups: ['link', 'ipv4-address', 'ipv6-address', 'ipv4-route', 'ipv6-route'],
  });
  monitor.on('link', () => markDirty('link change'));
  monitor.on('address', (e) => {
    if (options.isOwnEcho?.(e.action, e.address) !== true) markDirty('address change');
  });
  monitor.on('route', (e) => {
    if (e.route.table === RT_TABLE_MAIN) markDirty('route change');
  });
  monitor.on('overrun', () => {
    log.warn('netlink monitor overrun: notifications were lost, re-reading the whole network', {
      reason: 'ENOBUFS',
    });
    markDirty('monitor overrun');
  });
  monitor.on('error', (err: unknown) => {
    log.warn('netlink monitor could not decode a notification; re-reading', { reason: String(err) });
    markDirty('monitor error');
  });
  monitor.unref();
  return { close: () => monitor.close() };
}
