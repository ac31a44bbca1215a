// The operations a reconcile plan is made of. Each is complete: an executor needs nothing else to
// carry it out (the add/replace ops carry the ownership tag to write).
import type { Placement } from '../model.ts';
import type { AddressTag } from './ownership.ts';

export type PlanOp =
  /**
   * Create the dummy interface (it comes up down: a link-up follows) and mark it with `alias`
   * (IFLA_IFALIAS), by which it is later known as PureLB's own.
   */
  | { op: 'create-dummy'; name: string; alias: string }
  | { op: 'link-up'; name: string }
  /** Add the placement's address (RTM_NEWADDR with NLM_F_CREATE | NLM_F_EXCL), tagged as ours. */
  | { op: 'add-address'; placement: Placement; tag: AddressTag }
  /**
   * Make the address PureLB already holds at (placement.link, placement.ip) match the placement.
   * - refresh-lifetime: only the lifetimes differ (the valid lifetime fell below half, or the wanted
   *   lifetimes changed): NLM_F_REPLACE renews them in place, for either family.
   * - change-attributes: broadcast, settable flags or lifetimes differ. The kernel's NLM_F_REPLACE rewrites
   *   lifetimes (and for IPv6 the flags) but not an IPv4 address's flags or broadcast, so an executor
   *   delete-then-adds the IPv4 case.
   * - change-prefix: IPv6 only. The kernel keeps one IPv6 address per (link, IP) whatever the prefix, so
   *   the new prefix cannot be added beside the old one: the executor deletes ours, then adds.
   */
  | {
      op: 'replace-address';
      placement: Placement;
      tag: AddressTag;
      why: 'refresh-lifetime' | 'change-attributes' | 'change-prefix';
    }
  /** Remove an address PureLB provably owns. `reason` says why nobody wants it (for the log). */
  | { op: 'delete-address'; link: string; ip: string; prefixLength: number; reason: string };

export type PlanOpKind = PlanOp['op'];
