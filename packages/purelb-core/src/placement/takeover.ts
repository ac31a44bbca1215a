// A local address this node is about to claim that another PureLB node announces right now (by the
// Services' purelb.io/announcing-IPv4/-IPv6 annotations) is a takeover, not a first claim. Its
// previous holder still answers for it when its agent died without withdrawing (SIGKILL, OOM kill,
// node agent crash-looping): asking the segment first would find that holder and hold the address
// back, and once the old agent restarts and withdraws, nobody would carry it until the probe's
// backoff ended. A takeover is announced instead (gratuitous ARP / unsolicited NA, when configured),
// as upstream PureLB and MetalLB do; a first claim, of an address no PureLB node announces, is probed.

import { type NodeService, serviceKey } from '../kube.ts';
import type { Placement } from '../model.ts';
import { serviceSlots } from '../services/announcing-slots.ts';

/**
 * For each of `placements` that another node announces (by the annotations of the Services that want
 * it), that node's name, by IP. A malformed annotation entry counts for nothing.
 */
export function takeovers(
  placements: readonly Placement[],
  services: readonly NodeService[],
  node: string,
): Map<string, string> {
  const byKey = new Map(services.map((s) => [serviceKey(s), s]));
  const out = new Map<string, string>();
  for (const p of placements) {
    for (const key of p.services) {
      const svc = byKey.get(key);
      if (svc === undefined) continue;
      const other = serviceSlots(svc, p.family).find((slot) => slot.ip === p.ip && slot.node !== node);
      if (other === undefined) continue;
      out.set(p.ip, other.node);
      break;
    }
  }
  return out;
}
