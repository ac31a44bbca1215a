// `purelb pools`: size, used and free per ServiceGroup and address family. The counting is the
// allocator's own (core's Allocator rebuilt from the Services it branded, then usage()), so the numbers
// are those the allocator writes to each ServiceGroup's status: reserved addresses (network, broadcast)
// are in no pool's size, and a shared address counts once.
import { Allocator, type Orphan } from '@purelb-ts/core';
import { alignColumns } from '../diagnose/render-table.ts';
import { type ClusterView, json, VIEW_SCHEMA } from './view.ts';

export interface PoolRow {
  group: string;
  type: 'local' | 'remote';
  family: 4 | 6;
  /** Decimal text: an IPv6 pool exceeds what a JSON number holds exactly. */
  size: string;
  used: number;
  free: string;
  ranges: { range: string; size: string; used: number }[];
}

export interface PoolsReport {
  schema: typeof VIEW_SCHEMA;
  kind: 'pools';
  source: string;
  pools: PoolRow[];
  /** ServiceGroups that do not parse: their addresses count nowhere until fixed. */
  invalid: { group: string; reason: string }[];
  /** Addresses Services hold outside every pool of their group. */
  outside: Orphan[];
}

export function poolsReport(view: ClusterView): PoolsReport {
  // defaultAnnouncer only orders the rebuild (our class first); the agent's own default is true.
  const allocator = new Allocator(view.config.groups, { defaultAnnouncer: true });
  const rebuilt = allocator.rebuild(view.state.services);
  const types = new Map(view.config.groups.map((g) => [g.name, g.type]));
  const pools = allocator.usage().map(
    (u): PoolRow => ({
      group: u.group,
      type: types.get(u.group) ?? 'local',
      family: u.family,
      size: u.sizeText,
      used: u.inUse,
      free: u.availableText,
      ranges: u.pools.map((p) => ({ range: p.pool, size: p.size.toString(), used: p.inUse })),
    }),
  );
  const invalid = view.config.invalid
    .filter((i) => i.kind === 'ServiceGroup')
    .map((i) => ({ group: i.name, reason: i.reason }));
  return { schema: VIEW_SCHEMA, kind: 'pools', source: view.from, pools, invalid, outside: rebuilt.orphans };
}

export function renderPools(r: PoolsReport, output: 'table' | 'json'): string {
  if (output === 'json') return json(r);
  const out = [`cluster ${r.source}`, ''];
  if (r.pools.length === 0) out.push('no valid ServiceGroup');
  else
    out.push(
      ...alignColumns([
        ['SERVICEGROUP', 'TYPE', 'FAMILY', 'SIZE', 'USED', 'FREE', 'RANGES'],
        ...r.pools.map((p) => [
          p.group,
          p.type,
          `IPv${p.family}`,
          p.size,
          String(p.used),
          p.free,
          p.ranges.map((x) => x.range).join(', '),
        ]),
      ]),
    );
  for (const i of r.invalid)
    out.push('', `ServiceGroup ${i.group} is invalid, its pools are not counted: ${i.reason}`);
  for (const o of r.outside) {
    out.push(
      '',
      `${o.service} holds ${o.ip}, outside every pool of ServiceGroup ${o.group}${o.reserved ? ` (${o.reserved})` : ''}`,
    );
  }
  return `${out.join('\n')}\n`;
}
