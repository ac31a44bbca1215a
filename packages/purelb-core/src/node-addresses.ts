// The addresses the cluster's Nodes report (status.addresses): a node's own address is never a
// Service's. Handed out, it would be added to another node's interface and answer for that node;
// so the allocator never gives one and no node agent places one.
import type { KubeNode } from './kube.ts';
import { formatIP, parseIP } from './net/ip.ts';

export interface NodeAddress {
  node: string;
  /** InternalIP, ExternalIP, ... as the kubelet reports it. */
  type: string;
  /** Canonical text. */
  ip: string;
}

/** Every IP any Node reports, by canonical text (Hostname entries and unparseable values left out). */
export function nodeAddresses(nodes: readonly KubeNode[]): Map<string, NodeAddress> {
  const out = new Map<string, NodeAddress>();
  for (const node of nodes) {
    // Read defensively: one malformed Node must not hide the others' addresses.
    const list: unknown = node?.status?.addresses;
    if (!Array.isArray(list)) continue;
    for (const a of list as { type?: unknown; address?: unknown }[]) {
      const parsed = typeof a?.address === 'string' ? parseIP(a.address) : undefined;
      if (parsed === undefined) continue;
      const ip = formatIP(parsed);
      if (!out.has(ip)) out.set(ip, { node: String(node.metadata?.name), type: String(a.type), ip });
    }
  }
  return out;
}

/** "node node-b's InternalIP 172.30.250.102" */
export const nodeAddressText = (a: NodeAddress): string => `node ${a.node}'s ${a.type} ${a.ip}`;
