// Whether a Service may take an address other Services already hold: only when every holder uses
// the same purelb.io/allow-shared-ip key and no {port, protocol} appears twice.
import { serviceKeyOrder } from './order.ts';

export interface Holder {
  /** The address's sharing key (all holders share it; a lone holder's own key, possibly none). */
  sharingKey: string | undefined;
  /** "namespace/name" → its "port/PROTOCOL" list. */
  users: ReadonlyMap<string, readonly string[]>;
}

export type SharingVerdict =
  | { ok: true }
  | { ok: false; reason: 'address-in-use' | 'sharing-conflict'; message: string };

export function canShare(
  ip: string,
  holder: Holder | undefined,
  service: string,
  sharingKey: string | undefined,
  ports: readonly string[],
): SharingVerdict {
  if (holder === undefined) return { ok: true };
  const others = [...holder.users.keys()].filter((k) => k !== service).sort(serviceKeyOrder);
  const first = others[0];
  if (first === undefined) return { ok: true };
  if (sharingKey === undefined || holder.sharingKey === undefined) {
    return {
      ok: false,
      reason: 'address-in-use',
      message: `address ${ip} is already used by ${first}${sharingKey === undefined ? ' (set purelb.io/allow-shared-ip on both to share it)' : ', which does not allow sharing'}`,
    };
  }
  if (holder.sharingKey !== sharingKey) {
    return {
      ok: false,
      reason: 'sharing-conflict',
      message: `address ${ip} is shared under key "${holder.sharingKey}" by ${first}, not "${sharingKey}"`,
    };
  }
  const wanted = new Set(ports);
  for (const other of others) {
    for (const port of holder.users.get(other) ?? []) {
      if (wanted.has(port)) {
        return {
          ok: false,
          reason: 'sharing-conflict',
          message: `port ${port} is already used by ${other} on ${ip}`,
        };
      }
    }
  }
  return { ok: true };
}
