// `purelb services`: every LoadBalancer Service, each address on its own row: its pool, who announces
// it (the announcing slots), who should (address.ts) and why, or why PureLB announces none of it
// (core's notAnnounceableReason: another class, no address yet, not PureLB's allocation...).
import { ingressIPs, notAnnounceableReason, type Service, serviceKey } from '@purelb-ts/core';
import { alignColumns } from '../diagnose/render-table.ts';
import { type AddressAnswer, answerFor } from './address.ts';
import { type ClusterView, json, VIEW_SCHEMA } from './view.ts';

export interface ServiceView {
  service: string;
  /** Why PureLB announces none of its addresses; null when it is announceable. */
  notAnnounced: string | null;
  addresses: AddressAnswer[];
  /** Ingress entries that are not IP addresses. */
  invalid: string[];
}

export interface ServicesReport {
  schema: typeof VIEW_SCHEMA;
  kind: 'services';
  source: string;
  services: ServiceView[];
}

function serviceView(view: ClusterView, svc: Service): ServiceView {
  const reason = notAnnounceableReason(svc) ?? null;
  const { ips, invalid } = ingressIPs(svc);
  return {
    service: serviceKey(svc),
    notAnnounced: reason,
    addresses: reason === null ? ips.map((ip) => answerFor(view, svc, ip)) : [],
    invalid: invalid.map((i) => i.message),
  };
}

export function servicesReport(view: ClusterView): ServicesReport {
  const services = view.state.services
    .filter((s) => s.spec?.type === 'LoadBalancer')
    .map((s) => serviceView(view, s))
    .sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
  return { schema: VIEW_SCHEMA, kind: 'services', source: view.from, services };
}

const DASH = '—';

/** Who the slots name, and who should when that differs. */
export function announcedText(a: AddressAnswer): string {
  const said = [...new Set(a.announcedBy.map((s) => `${s.node} dev ${s.interface}`))];
  const named = new Set(a.announcedBy.map((s) => s.node));
  const missing = a.expected.filter((n) => !named.has(n));
  let text = said.length === 0 ? 'nobody' : said.join(', ');
  // A remote address is carried by every node but its slot names one: only a local winner is missing.
  if (a.pool?.type === 'local' && missing.length > 0) text += ` (expected ${missing.join(', ')})`;
  return text;
}

function rows(s: ServiceView): string[][] {
  if (s.notAnnounced !== null) return [[s.service, DASH, DASH, 'nobody', `not announced: ${s.notAnnounced}`]];
  return s.addresses.map((a) => [
    s.service,
    a.ip,
    a.pool === null ? DASH : `${a.pool.group} (${a.pool.type})`,
    announcedText(a),
    a.why,
  ]);
}

export function renderServices(r: ServicesReport, output: 'table' | 'json'): string {
  if (output === 'json') return json(r);
  const out = [`cluster ${r.source}`, ''];
  if (r.services.length === 0) out.push('no LoadBalancer Service');
  else
    out.push(
      ...alignColumns([['SERVICE', 'ADDRESS', 'POOL', 'ANNOUNCED BY', 'WHY'], ...r.services.flatMap(rows)]),
    );
  for (const s of r.services) for (const i of s.invalid) out.push('', `${s.service}: ${i}`);
  return `${out.join('\n')}\n`;
}
