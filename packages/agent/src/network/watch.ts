// Kernel changes that can alter what this node should carry: links, addresses and main-table routes of
// both families. Every event just marks the reconciler dirty (the reconcile re-reads everything, so no
// event is interpreted here); an overrun means events were lost, which a full re-read also covers.
import type { Netlink } from '@purelb-ts/netlink-native';
import type { Logger } from '../log.ts';

export interface NetworkWatch {
  close(): void;
}

export function watchNetwork(nl: Netlink, markDirty: (why: string) => void, log: Logger): NetworkWatch {
  const monitor = nl.monitor({
    groups: ['link', 'ipv4-address', 'ipv6-address', 'ipv4-route', 'ipv6-route'],
  });
  monitor.on('link', () => markDirty('link change'));
  monitor.on('address', () => markDirty('address change'));
  monitor.on('route', () => markDirty('route change'));
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
