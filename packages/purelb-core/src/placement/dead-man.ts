// The kernel as the dead-man switch for local addresses. A local address answers ARP / NDP for the
// whole segment, so only one node may hold it; an agent that is killed (its node still up) or frozen
// keeps serving it and, once its Lease lapses, another node takes it too. In Kubernetes mode a local
// address is therefore added with a valid lifetime shorter than the Lease and renewed while the agent
// runs (every third of it), so the kernel itself drops it within the Lease of the agent's last breath.
// Virtual (dummy) addresses keep their configured lifetimes: every eligible node holds them at once
// and routing, not ARP, announces them, so a dead agent's copy is no second holder.
import type { LifetimeConfig, LocalAgentConfig } from '../config/types.ts';

/**
 * The valid lifetime (seconds) of a local address under a Lease of `leaseSeconds`: a second less than
 * the Lease (the kernel checks lifetimes on whole seconds and may drop the address up to a second late),
 * never under 2 s (a refresh every third of it must still fit between two event-loop stalls).
 */
export function deadManLifetime(leaseSeconds: number): number {
  if (!Number.isInteger(leaseSeconds) || leaseSeconds < 1) {
    throw new RangeError(`leaseSeconds must be a whole number >= 1, got ${leaseSeconds}`);
  }
  return Math.max(2, leaseSeconds - 1);
}

function capLifetimes(l: LifetimeConfig, seconds: number): LifetimeConfig {
  return {
    ...l,
    validLifetime: Math.min(l.validLifetime, seconds),
    preferredLifetime: Math.min(l.preferredLifetime, seconds),
  };
}

/**
 * The LBNodeAgent's local section with its local-interface lifetimes capped at `seconds` (the
 * configured ones, forever included, are upper bounds); the dummy's lifetimes are left as configured.
 * IPv6 local addresses keep their preferred lifetime of 0 (deprecated at once, see placeLocal).
 */
export function withDeadManLifetime(local: LocalAgentConfig, seconds: number): LocalAgentConfig {
  const { localInterface } = local.addressConfig;
  return {
    ...local,
    addressConfig: { ...local.addressConfig, localInterface: capLifetimes(localInterface, seconds) },
  };
}
