// Carries out the core's PlanOp[] with the netlink library. Link operations run first and in order
// (an address cannot go on a dummy that does not exist yet); then every delete, then every add and
// replace, each group issued together so the library batches them into few sendmsg calls. A failed
// op is logged with service/ip/interface/reason and does not stop the others.
import type { NodeNetwork, PlanOp } from '@purelb-ts/core';
import { type Netlink, NetlinkError } from '@purelb-ts/netlink-native';
import type { Logger } from '../log.ts';

export interface OpResult {
  op: PlanOp;
  ok: boolean;
  /** Set when ok is false: what went wrong, in words. */
  error?: string;
  /** The errno name when the kernel refused (EEXIST, EADDRNOTAVAIL...). */
  errno?: string;
  /** create-dummy only: the kind actually created ('ifb' where the kernel has no dummy driver). */
  kind?: 'dummy' | 'ifb';
}

type AddressOp = Extract<PlanOp, { op: 'add-address' | 'replace-address' }>;

const describeOp = (op: PlanOp): string => {
  switch (op.op) {
    case 'create-dummy':
    case 'link-up':
      return `${op.op} ${op.name}`;
    case 'delete-address':
      return `delete ${op.ip}/${op.prefixLength} dev ${op.link}`;
    case 'add-address':
      return `add ${op.placement.ip}/${op.placement.prefixLength} dev ${op.placement.link}`;
    case 'replace-address':
      return `replace (${op.why}) ${op.placement.ip}/${op.placement.prefixLength} dev ${op.placement.link}`;
  }
};

export const opSummary = describeOp;

function fieldsOf(op: PlanOp): Record<string, unknown> {
  switch (op.op) {
    case 'create-dummy':
    case 'link-up':
      return { interface: op.name };
    case 'delete-address':
      return { ip: op.ip, prefixLength: op.prefixLength, interface: op.link, reason: op.reason };
    default:
      return {
        service: op.placement.services.join(' '),
        ip: op.placement.ip,
        prefixLength: op.placement.prefixLength,
        interface: op.placement.link,
        reason: op.placement.reason,
      };
  }
}

export const opFields = fieldsOf;

function addOptions(op: AddressOp) {
  const p = op.placement;
  return {
    link: p.link,
    address: p.ip,
    prefixLength: p.prefixLength,
    broadcast: p.broadcast ?? null,
    flags: p.flags,
    validLifetime: p.validLifetime,
    preferredLifetime: p.preferredLifetime,
    protocol: op.tag.protocol,
    ...(p.family === 4 && op.tag.label !== undefined ? { label: op.tag.label } : {}),
  };
}

/** The prefix length our copy at (link, ip) has now: a delete must name it (the kernel matches on it). */
function heldPrefix(network: NodeNetwork, link: string, ip: string): number | undefined {
  const index = network.links.find((l) => l.name === link)?.index;
  return network.addresses.find((a) => a.index === index && a.address === ip)?.prefixLength;
}

/** A dummy interface, or an ifb where the kernel has no dummy driver. */
async function createVirtual(nl: Netlink, name: string, log: Logger): Promise<'dummy' | 'ifb'> {
  try {
    await nl.links.create({ name, kind: 'dummy' });
    return 'dummy';
  } catch (err) {
    if (!(err instanceof NetlinkError) || err.code !== 'EOPNOTSUPP') throw err;
    log.warn('the kernel has no dummy driver; creating the virtual interface as ifb instead', {
      interface: name,
      reason: err.message,
    });
    await nl.links.create({ name, kind: 'ifb' });
    return 'ifb';
  }
}

async function applyOne(nl: Netlink, op: PlanOp, network: NodeNetwork, log: Logger): Promise<OpResult> {
  switch (op.op) {
    case 'create-dummy': {
      const kind = await createVirtual(nl, op.name, log);
      // The alias is how a later run (or a restarted agent) knows the interface as PureLB's own.
      await nl.links.set(op.name, { alias: op.alias });
      return { op, ok: true, kind };
    }
    case 'link-up':
      await nl.links.setUp(op.name);
      return { op, ok: true };
    case 'delete-address':
      await nl.addresses.delete({ link: op.link, address: op.ip, prefixLength: op.prefixLength });
      return { op, ok: true };
    case 'add-address':
      await nl.addresses.add(addOptions(op));
      return { op, ok: true };
    case 'replace-address': {
      const p = op.placement;
      // NLM_F_REPLACE rewrites lifetimes (and IPv6 flags) in place; an IPv4 flag/broadcast change and an
      // IPv6 prefix change cannot be done in place, so ours is deleted and the new one added.
      const inPlace = op.why === 'refresh-lifetime' || (op.why === 'change-attributes' && p.family === 6);
      if (inPlace) {
        await nl.addresses.replace(addOptions(op));
      } else {
        const old = heldPrefix(network, p.link, p.ip) ?? p.prefixLength;
        await nl.addresses.delete({ link: p.link, address: p.ip, prefixLength: old });
        await nl.addresses.add(addOptions(op));
      }
      return { op, ok: true };
    }
  }
}

async function guarded(nl: Netlink, op: PlanOp, network: NodeNetwork, log: Logger): Promise<OpResult> {
  try {
    return await applyOne(nl, op, network, log);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const errno = err instanceof NetlinkError ? err.code : undefined;
    log.error(`failed: ${describeOp(op)}`, { ...fieldsOf(op), reason: message, errno });
    return { op, ok: false, error: message, ...(errno === undefined ? {} : { errno }) };
  }
}

/** Applies the plan; one result per op, in the plan's order. */
export async function applyPlan(
  nl: Netlink,
  plan: readonly PlanOp[],
  network: NodeNetwork,
  log: Logger,
): Promise<OpResult[]> {
  const results = new Map<PlanOp, OpResult>();
  for (const op of plan) {
    if (op.op === 'create-dummy' || op.op === 'link-up') results.set(op, await guarded(nl, op, network, log));
  }
  const deletes = plan.filter((op) => op.op === 'delete-address');
  for (const r of await Promise.all(deletes.map((op) => guarded(nl, op, network, log)))) results.set(r.op, r);
  const adds = plan.filter((op) => op.op === 'add-address' || op.op === 'replace-address');
  for (const r of await Promise.all(adds.map((op) => guarded(nl, op, network, log)))) results.set(r.op, r);
  return plan.map((op) => results.get(op) as OpResult);
}

/**
 * Lifetime refreshes (replace-address, refresh-lifetime), issued together so the library batches them,
 * each on its link's index from `network` (by name, each would first cost a link lookup).
 */
export async function applyRefreshes(
  nl: Netlink,
  ops: readonly PlanOp[],
  network: NodeNetwork,
  log: Logger,
): Promise<OpResult[]> {
  const index = new Map(network.links.map((l) => [l.name, l.index]));
  const refreshes = ops.filter((op): op is AddressOp => op.op === 'replace-address');
  return Promise.all(
    refreshes.map(async (op): Promise<OpResult> => {
      try {
        await nl.addresses.replace({
          ...addOptions(op),
          link: index.get(op.placement.link) ?? op.placement.link,
        });
        return { op, ok: true };
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const errno = err instanceof NetlinkError ? err.code : undefined;
        log.warn(`failed: ${describeOp(op)}`, { ...fieldsOf(op), reason: message, errno });
        return { op, ok: false, error: message, ...(errno === undefined ? {} : { errno }) };
      }
    }),
  );
}
