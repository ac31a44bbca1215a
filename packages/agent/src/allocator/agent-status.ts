// LBNodeAgent .status as the allocator reports it, so `kubectl get lbnodeagent -o yaml` shows which
// nodes each one drives: `activeLeases` (upstream's field: how many live node Leases) and
// `activeNodes` (purelb-ts: their node names, sorted). A node counts for the LBNodeAgent core's
// selectAgent gives it (the one its agent runs with) when its Lease makes it a member of the local
// elections (core's liveMembers, with the nodes standing aside left out: exactly the nodes that can
// win a local address). Written through the status subresource by the single leader, only on change.
import {
  agentForNode,
  type CustomResource,
  type KubeNode,
  type LBNodeAgentConfig,
  type Member,
} from '@purelb-ts/core';
import type { KubeRest } from '../kubernetes/rest.ts';
import { PURELB_API } from '../kubernetes/source.ts';

export interface AgentStatus {
  activeLeases: number;
  activeNodes: string[];
}

const agentKey = (a: { namespace?: string | undefined; name: string }): string =>
  `${a.namespace ?? 'default'}/${a.name}`;

/** Per LBNodeAgent (namespace/name), the live members it selects; every agent is present, with none. */
export function agentStatuses(
  agents: readonly LBNodeAgentConfig[],
  members: readonly Member[],
  nodes: readonly KubeNode[],
): Map<string, AgentStatus> {
  const out = new Map<string, AgentStatus>(
    agents.map((a) => [agentKey(a), { activeLeases: 0, activeNodes: [] }]),
  );
  const byName = new Map(nodes.map((n) => [n.metadata.name, n]));
  for (const m of members) {
    // A member's Node exists (liveMembers was given the Nodes); its labels choose the agent.
    const agent = agentForNode(agents, m.node, byName.get(m.node));
    const status = agent === undefined ? undefined : out.get(agentKey(agent));
    if (status === undefined) continue;
    status.activeLeases++;
    status.activeNodes.push(m.node);
  }
  // members come sorted by node name, so activeNodes is too.
  return out;
}

/** Whether the object's status already says `desired` (fields this writer does not own are ignored). */
function same(object: CustomResource, desired: AgentStatus): boolean {
  const have = (object.status ?? {}) as Record<string, unknown>;
  return (
    have.activeLeases === desired.activeLeases &&
    JSON.stringify(have.activeNodes ?? []) === JSON.stringify(desired.activeNodes)
  );
}

/**
 * Writes the two fields of each LBNodeAgent when they differ from its status. The informer's copy may
 * lag this writer's own last write: a status written from the resourceVersion the cache still shows
 * is not written again (a hand edit, or any other change, brings a new resourceVersion).
 */
export class AgentStatusWriter {
  readonly #rest: KubeRest;
  /** By agent key: what was last written, and the resourceVersion it was written over. */
  readonly #written = new Map<string, { json: string; over: string | undefined }>();

  constructor(rest: KubeRest) {
    this.#rest = rest;
  }

  /** Merge-patches the status subresource unless it already says `desired`; true when written. */
  async write(object: CustomResource, desired: AgentStatus): Promise<boolean> {
    const key = agentKey(object.metadata);
    const json = JSON.stringify(desired);
    const last = this.#written.get(key);
    if (same(object, desired)) return false;
    if (last?.json === json && last.over === object.metadata.resourceVersion) return false;
    const ns = encodeURIComponent(object.metadata.namespace ?? 'default');
    const name = encodeURIComponent(object.metadata.name);
    await this.#rest.patch(`${PURELB_API}/namespaces/${ns}/lbnodeagents/${name}/status`, { status: desired });
    this.#written.set(key, { json, over: object.metadata.resourceVersion });
    return true;
  }

  /** Forgets agents that no longer exist. */
  retain(keys: ReadonlySet<string>): void {
    for (const k of this.#written.keys()) if (!keys.has(k)) this.#written.delete(k);
  }
}

export { agentKey };
