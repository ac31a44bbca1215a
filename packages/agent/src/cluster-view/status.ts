// `purelb status`: one row per node. Its election Lease (live, or why not: core's liveMembers), the
// subnets it advertises (the Lease's purelb.io/subnets, core's codec), the interfaces it reports
// without carrier and the addresses it refuses (its purelb.io/carrier-down and purelb.io/refused,
// core's leaseReports), the LBNodeAgent that selects it, and the addresses the Services' announcing
// slots say it announces. What a Lease reports is shown as written, even when the Lease is not live.
import {
  ANNOTATION_SUBNETS,
  formatCidr,
  type Lease,
  leaseReports,
  parseSubnetsAnnotation,
  type RefusalCode,
  refusalSentence,
} from '@purelb-ts/core';
import { alignColumns } from '../diagnose/render-table.ts';
import { agentName, agentOf, type ClusterView, json, VIEW_SCHEMA } from './view.ts';

export interface NodeStatus {
  node: string;
  /** Whether a Node object of that name exists (a Lease may outlive its Node). */
  nodeExists: boolean;
  lease: { live: boolean; reason: string | null; renewTime: string | null; durationSeconds: number | null };
  subnets: string[];
  /** Entries of purelb.io/subnets that are not CIDRs. */
  subnetErrors: string[];
  agent: string | null;
  addresses: { ip: string; interface: string; services: string[] }[];
  /** Its Lease's purelb.io/carrier-down: candidate interfaces without (trusted) carrier. */
  carrierDown: string[];
  /** Its Lease's purelb.io/refused, each with the operator's sentence (core's refusalSentence). */
  refused: { ip: string; code: RefusalCode; message: string }[];
  /** Refusals the node left out of its Lease to keep it small (the value's final +N). */
  refusedOmitted: number;
  /** Entries of carrier-down or refused that could not be read, each with why. */
  reportErrors: string[];
}

export interface StatusReport {
  schema: typeof VIEW_SCHEMA;
  kind: 'status';
  source: string;
  nodes: NodeStatus[];
}

function leaseOf(view: ClusterView, node: string): Lease | undefined {
  return view.state.leases.find((l) => l.metadata.name === `purelb-node-${node}`);
}

function leaseStatus(view: ClusterView, node: string, lease: Lease | undefined): NodeStatus['lease'] {
  const renewTime = lease?.spec?.renewTime ?? null;
  const durationSeconds = lease?.spec?.leaseDurationSeconds ?? null;
  if (view.live.has(node)) return { live: true, reason: null, renewTime, durationSeconds };
  const ignored = view.membership.ignored.find((i) => i.lease === `purelb-node-${node}`);
  const reason = lease === undefined ? `no Lease purelb-node-${node}` : (ignored?.reason ?? 'not a member');
  return { live: false, reason, renewTime, durationSeconds };
}

function addressesOf(view: ClusterView, node: string): NodeStatus['addresses'] {
  const out: NodeStatus['addresses'] = [];
  for (const [ip, slots] of view.slots) {
    const here = slots.filter((s) => s.slot.node === node);
    if (here.length === 0) continue;
    out.push({
      ip,
      interface: here[0]!.slot.interface,
      services: [...new Set(here.map((s) => s.service))].sort(),
    });
  }
  return out;
}

/** What the node's Lease reports that only it can see; unreadable entries listed, not fatal. */
function reportsOf(node: string, lease: Lease | undefined) {
  const reportErrors: string[] = [];
  const r = leaseReports(lease ?? { metadata: { name: '' } }, (_entry, message) =>
    reportErrors.push(message),
  );
  return {
    carrierDown: r.carrierDown,
    refused: r.refused.refusals.map((x) => ({ ...x, message: refusalSentence(node, x) })),
    refusedOmitted: r.refused.omitted,
    reportErrors,
  };
}

export function statusReport(view: ClusterView): StatusReport {
  const nodes = view.nodeNames.map((node): NodeStatus => {
    const lease = leaseOf(view, node);
    const subnets = parseSubnetsAnnotation(lease?.metadata.annotations?.[ANNOTATION_SUBNETS]);
    return {
      node,
      nodeExists: view.nodesByName.has(node),
      lease: leaseStatus(view, node, lease),
      subnets: subnets.subnets.map(formatCidr),
      subnetErrors: subnets.errors,
      agent: agentName(agentOf(view, node)),
      addresses: addressesOf(view, node),
      ...reportsOf(node, lease),
    };
  });
  return { schema: VIEW_SCHEMA, kind: 'status', source: view.from, nodes };
}

const DASH = '—';

/** `ip (code)` per refusal, then `+N more` for those the node left out of its Lease. */
function refusedCell(n: NodeStatus): string {
  const cells = n.refused.map((r) => `${r.ip} (${r.code})`);
  if (n.refusedOmitted > 0) cells.push(`+${n.refusedOmitted} more`);
  return cells.length === 0 ? DASH : cells.join(', ');
}

function statusCells(n: NodeStatus): string[] {
  const lease = n.lease.live ? 'live' : `not live: ${n.lease.reason}`;
  const addresses = n.addresses.map((a) => `${a.ip} dev ${a.interface}`).join(', ');
  return [
    n.nodeExists ? n.node : `${n.node} (no Node)`,
    n.subnets.length === 0 ? DASH : n.subnets.join(','),
    n.carrierDown.length === 0 ? DASH : n.carrierDown.join(','),
    n.agent ?? `${DASH} (announces nothing)`,
    addresses === '' ? DASH : addresses,
    refusedCell(n),
    lease,
  ];
}

export function renderStatus(r: StatusReport, output: 'table' | 'json'): string {
  if (output === 'json') return json(r);
  const out = [`cluster ${r.source}`, ''];
  if (r.nodes.length === 0) out.push('no Node and no PureLB Lease');
  else
    out.push(
      ...alignColumns([
        ['NODE', 'SUBNETS', 'NO-CARRIER', 'LBNODEAGENT', 'ANNOUNCES', 'REFUSED', 'LEASE'],
        ...r.nodes.map(statusCells),
      ]),
    );
  // What to do about each refusal: one sentence each, after the table.
  const refusals = r.nodes.flatMap((n) => n.refused.map((x) => x.message));
  if (refusals.length > 0) out.push('', ...refusals);
  return `${out.join('\n')}\n`;
}
