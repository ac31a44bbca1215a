// Who announces a Service's addresses, as its purelb.io/announcing-IPv4/-IPv6 annotations say. Both
// formats PureLB v2 clusters carry are read: v0.17's `node,interface,ip` slots and the older two-field
// `node,interface` entries (one per node, for every address of the family), so a cluster moving node
// by node from an older PureLB hands addresses over as it should.
import { type AnnounceSlot, announcingAnnotation, parseAnnouncing } from '../annotations.ts';
import type { NodeService } from '../kube.ts';
import type { Family } from '../net/ip.ts';
import { ingressIPs } from './ingress.ts';

/** The slots of `svc` for `family`, the older entries expanded over its ingress addresses of that family. */
export function serviceSlots(
  svc: NodeService,
  family: Family,
  onError?: (entry: string, message: string) => void,
): AnnounceSlot[] {
  const value = svc.metadata.annotations?.[announcingAnnotation(family)];
  if (value === undefined || value === '') return [];
  const ips = ingressIPs(svc)
    .ips.filter((i) => i.parsed.family === family)
    .map((i) => i.ip);
  return parseAnnouncing(value, onError, ips);
}
