// One address of one Service, cluster-wide: core's answerFor (who should announce it and why, or why
// nobody does), asked with the cluster view's objects. The allocator asks the same rule with its own
// caches (allocator/service-conditions.ts), so `purelb services` and the Services' conditions agree.
import {
  type AddressAnswer,
  type AnnounceContext,
  answerFor as coreAnswerFor,
  type IngressIP,
  nodeAddresses,
  type Service,
} from '@purelb-ts/core';
import { agentOf, type ClusterView } from './view.ts';

export type { AddressAnswer, PoolRef } from '@purelb-ts/core';

/** The view as core's rule reads it; built once per view. */
const contexts = new WeakMap<ClusterView, AnnounceContext>();

export function announceContext(view: ClusterView): AnnounceContext {
  let ctx = contexts.get(view);
  if (ctx === undefined) {
    ctx = {
      nodeAddresses: nodeAddresses(view.state.nodes),
      groups: view.groups,
      live: view.live,
      nodeNames: view.nodeNames,
      selected: (node) => agentOf(view, node) !== undefined,
      slots: (ip) => view.slots.get(ip) ?? [],
      slices: (service) => view.slicesByService.get(service) ?? [],
    };
    contexts.set(view, ctx);
  }
  return ctx;
}

/** Who should announce `ip` of `svc` and why, or why nobody does; `drain`: as if that node were gone. */
export const answerFor = (view: ClusterView, svc: Service, ip: IngressIP, drain?: string): AddressAnswer =>
  coreAnswerFor(announceContext(view), svc, ip, drain);
