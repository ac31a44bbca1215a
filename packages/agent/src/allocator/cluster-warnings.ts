// What the allocator tells the objects concerned about the cluster around its pools: a ServiceGroup
// whose pools hold Nodes' own addresses (never handed out), and two Services that showed one address
// without sharing it (the older keeps it, the other gets another).
import type {
  Allocator,
  CustomResource,
  NodeAddressesInGroup,
  RebuildConflict,
  Service,
} from '@purelb-ts/core';
import { nodeAddressText, serviceKey } from '@purelb-ts/core';
import type { EventRecorder } from '../kubernetes/events.ts';
import type { Logger } from '../log.ts';

export const NODE_ADDRESSES_EXCLUDED = 'NodeAddressesExcluded';
export const ADDRESS_COLLISION = 'AddressCollision';

/** A Warning on each ServiceGroup whose pools hold Nodes' addresses, naming them; forgotten once none does. */
export async function warnNodeAddresses(
  allocator: Allocator,
  groups: readonly CustomResource[],
  recorder: EventRecorder,
  logger: Logger,
): Promise<void> {
  const found = new Map<string, NodeAddressesInGroup>(
    allocator.nodeAddressesInGroups().map((f) => [f.group, f]),
  );
  for (const object of groups) {
    const target = { apiVersion: 'purelb.io/v2', kind: 'ServiceGroup', metadata: object.metadata };
    const hit = found.get(object.metadata.name);
    if (hit === undefined) {
      recorder.forgetReason(target, NODE_ADDRESSES_EXCLUDED);
      continue;
    }
    const list = hit.addresses.map(nodeAddressText).join(', ');
    for (const a of hit.addresses) {
      logger.warn('pool holds a node address: never handed out', {
        servicegroup: hit.group,
        ip: a.ip,
        node: a.node,
        reason: `${nodeAddressText(a)} is in a pool of ServiceGroup ${hit.group}`,
      });
    }
    await recorder.record(target, {
      type: 'Warning',
      reason: NODE_ADDRESSES_EXCLUDED,
      action: 'Validate',
      note: `pools of ServiceGroup ${hit.group} hold node addresses, which are never handed out: ${list}; take them out of the pools`,
      fields: { servicegroup: hit.group, ip: hit.addresses.map((a) => a.ip).join(',') },
    });
  }
}

/** A Warning on both Services of each conflict a rebuild found, naming the other and who keeps the address. */
export async function recordCollisions(
  conflicts: readonly RebuildConflict[],
  services: readonly Service[],
  recorder: EventRecorder,
): Promise<void> {
  const byKey = new Map(services.map((s) => [serviceKey(s), s]));
  for (const c of conflicts) {
    const note = `${c.ip} was in the status of both ${c.keptBy} and ${c.service}, which do not share it (${c.reason}): ${c.keptBy} keeps it, ${c.service} is given another`;
    for (const key of [c.service, c.keptBy]) {
      const svc = byKey.get(key);
      if (svc === undefined) continue;
      await recorder.record(
        { apiVersion: 'v1', kind: 'Service', metadata: svc.metadata },
        {
          type: 'Warning',
          reason: ADDRESS_COLLISION,
          action: 'Allocate',
          note,
          fields: { service: key, ip: c.ip, reason: c.reason },
        },
      );
    }
  }
}
