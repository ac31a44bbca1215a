// What the diagnosis reports: one actionable problem per finding.
import type { PlacementSkip } from '../model.ts';

export type Severity = 'error' | 'warning' | 'info';

export type FindingCode =
  /** Two or more default routes tie at the lowest metric (or a multipath default): the seed's case. */
  | 'ambiguous-default-route'
  /** A family some address needed has no default route. */
  | 'no-default-route'
  | 'dummy-missing'
  | 'dummy-down'
  /** A desired address is not on this node. */
  | 'address-missing'
  /** An address PureLB owns that nobody wants. */
  | 'address-stale'
  /** An address PureLB owns sits on another interface than the one it should be on. */
  | 'wrong-interface'
  /** An address PureLB owns has another prefix length than the one it should have. */
  | 'wrong-prefix'
  /** An address PureLB owns has the right place but other flags, broadcast or lifetimes. */
  | 'wrong-attributes'
  /** This node holds an address that another node wins. */
  | 'not-winner-but-present'
  /** An address PureLB did not tag carries a wanted IP: PureLB leaves it alone. */
  | 'foreign-address-conflict'
  /** A Service's announcing annotation names a node other than the election winner of a local address. */
  | 'announced-by-non-winner'
  /** This node has no live election Lease, so it wins no local address. */
  | 'lease-not-live'
  /** Two ServiceGroups' pools overlap. */
  | 'overlapping-groups'
  /** Two Services that do not share an address both have it in their status. */
  | 'shared-ip-without-sharing'
  /** An LBNodeAgent's spec.local.interfaces names an interface this node does not have. */
  | 'unknown-interface'
  /** A manifest file holds an object of a kind the agent does not read (a misspelled kind?). */
  | 'unknown-kind'
  /** An object read from the API or a file is malformed: it is left out, the rest is placed. */
  | 'invalid-object'
  /** An address PureLB did not add lies in a ServiceGroup's pool: someone else holds a pool address here. */
  | 'pool-address-in-use'
  /** The kernel reaches a gateway or a subnet of the node through the virtual interface. */
  | 'route-via-virtual'
  /** An IPv6 address PureLB added failed duplicate address detection (IFA_F_DADFAILED). */
  | 'dad-failed'
  /** The error skips the desired state reports (no-group, invalid-config, ...). */
  | PlacementSkip['code'];

export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** One line, in iproute2's terms (dev, brd, scope, metric...). */
  message: string;
  /** The Service(s) involved ("namespace/name", comma-joined when shared). */
  service?: string;
  ip?: string;
  link?: string;
  expected?: string;
  actual?: string;
  /** What an operator can do about it. */
  fix: string;
}

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

/** Findings must stay one line each: a reason that came with a newline is folded. */
export const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();
