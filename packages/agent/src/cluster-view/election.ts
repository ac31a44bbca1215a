// `purelb election IP [--drain NODE]`: the election for one Service address as every agent computes it
// (core's electWinner over the live Leases' subnets, narrowed to nodes with a ready endpoint under
// externalTrafficPolicy Local), every node's standing in it, and the same election without NODE.
import { formatCidr, formatIP, type IngressIP, parseIP, type Service, serviceKey } from '@purelb-ts/core';
import { alignColumns } from '../diagnose/render-table.ts';
import { type AddressAnswer, answerFor } from './address.ts';
import { CannotLook, NotInCluster } from './options.ts';
import { announcedText } from './services.ts';
import { type ClusterView, json, VIEW_SCHEMA } from './view.ts';

export interface Standing {
  node: string;
  /** 1 for the winner; null when not a candidate. */
  rank: number | null;
  /** Why not a candidate; null for a candidate. */
  excluded: string | null;
}

export interface ElectionReport {
  schema: typeof VIEW_SCHEMA;
  kind: 'election';
  source: string;
  services: string[];
  address: AddressAnswer;
  nodes: Standing[];
  /** With --drain: the same address were that node gone. */
  drain: { node: string; address: AddressAnswer; nodes: Standing[] } | null;
}

/** The Services holding `ip` (any LoadBalancer Service whose ingress lists it), by key. */
function holders(view: ClusterView, ip: string): Service[] {
  return view.state.services.filter(
    (s) =>
      s.spec?.type === 'LoadBalancer' &&
      (s.status?.loadBalancer?.ingress ?? []).some((i) => sameIP(i.ip, ip)),
  );
}

function sameIP(text: string | undefined, canonical: string): boolean {
  const p = text === undefined ? undefined : parseIP(text);
  return p !== undefined && formatIP(p) === canonical;
}

function standing(view: ClusterView, a: AddressAnswer, node: string, drained?: string): Standing {
  const i = a.candidates.indexOf(node);
  if (i >= 0) return { node, rank: i + 1, excluded: null };
  let excluded: string;
  const member = view.live.get(node);
  if (node === drained) excluded = 'drained';
  else if (a.pool?.type !== 'local') excluded = 'no election: not a local pool';
  else if (member === undefined) excluded = 'its Lease is not live';
  else if (a.endpointNodes !== null && !a.endpointNodes.includes(node)) excluded = 'no ready endpoint here';
  else {
    const subnets = member.subnets.map(formatCidr).join(',') || 'none';
    excluded = `its subnets (${subnets}) do not hold ${a.ip}`;
  }
  return { node, rank: null, excluded };
}

function askedIP(view: ClusterView, text: string): { ip: IngressIP; svc: Service; services: string[] } {
  const parsed = parseIP(text);
  if (parsed === undefined) throw new CannotLook(`${JSON.stringify(text)} is not an IP address`);
  const ip = { ip: formatIP(parsed), parsed };
  const found = holders(view, ip.ip);
  const sorted = found.map(serviceKey).sort();
  const first = found.find((s) => serviceKey(s) === sorted[0]);
  if (first === undefined) {
    const pool = view.groups.match(parsed);
    const where =
      pool === undefined
        ? 'and it lies in no ServiceGroup pool'
        : `(ServiceGroup ${pool.group.name} has it free)`;
    throw new NotInCluster(`unknown IP ${ip.ip}: no LoadBalancer Service holds it ${where}`);
  }
  return { ip, svc: first, services: sorted };
}

export function electionReport(view: ClusterView, text: string, drain?: string): ElectionReport {
  const { ip, svc, services } = askedIP(view, text);
  if (drain !== undefined && !view.nodeNames.includes(drain)) {
    throw new NotInCluster(
      `no such node ${drain}: neither a Node nor a PureLB Lease names it (nodes: ${view.nodeNames.join(', ') || 'none'})`,
    );
  }
  const address = answerFor(view, svc, ip);
  const nodes = view.nodeNames.map((n) => standing(view, address, n));
  let drained: ElectionReport['drain'] = null;
  if (drain !== undefined) {
    const a = answerFor(view, svc, ip, drain);
    drained = { node: drain, address: a, nodes: view.nodeNames.map((n) => standing(view, a, n, drain)) };
  }
  return {
    schema: VIEW_SCHEMA,
    kind: 'election',
    source: view.from,
    services,
    address,
    nodes,
    drain: drained,
  };
}

function standingLines(nodes: Standing[]): string[] {
  const ranked = [...nodes].sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity));
  return alignColumns([
    ['RANK', 'NODE', 'STANDING'],
    ...ranked.map((s) => [
      s.rank === null ? '—' : String(s.rank),
      s.node,
      s.excluded ?? (s.rank === 1 ? 'winner' : 'candidate'),
    ]),
  ]).map((l) => `  ${l}`);
}

const winnerText = (a: AddressAnswer): string =>
  a.winner ??
  (a.pool?.type === 'remote' && a.expected.length > 0
    ? `none: announced by ${a.expected.join(', ')}`
    : 'nobody');

export function renderElection(r: ElectionReport, output: 'table' | 'json'): string {
  if (output === 'json') return json(r);
  const a = r.address;
  const out = [`cluster ${r.source}`, ''];
  out.push(`address ${a.ip} of ${r.services.join(', ')}`);
  out.push(`pool ${a.pool === null ? '—' : `${a.pool.group} (${a.pool.type}) ${a.pool.range}`}`);
  if (a.endpointNodes !== null)
    out.push(`ready endpoints on ${a.endpointNodes.join(', ') || 'no node'} (externalTrafficPolicy Local)`);
  out.push(
    `winner ${winnerText(a)}`,
    `announced by ${announcedText(a)}`,
    `why ${a.why}`,
    '',
    ...standingLines(r.nodes),
  );
  if (r.drain !== null) {
    const d = r.drain.address;
    const change = d.winner === a.winner ? 'unchanged' : `${a.winner ?? 'nobody'} → ${d.winner ?? 'nobody'}`;
    out.push(
      '',
      `with ${r.drain.node} drained: winner ${winnerText(d)} (${change})`,
      `why ${d.why}`,
      '',
      ...standingLines(r.drain.nodes),
    );
  }
  return `${out.join('\n')}\n`;
}
