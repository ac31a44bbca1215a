// The table: written for people who read `ip addr` and `ip route` every day: the same words (dev, brd,
// metric, default via), aligned columns, one address per row, then each finding with its fix.

import type { Report, ReportFinding } from './report.ts';
import type { FamilyRoutes } from './routes.ts';
import type { AddressRow } from './rows.ts';
import { notHereText } from './rows.ts';

const DASH = '—';

/** Left-aligned columns, two spaces apart; the last column is not padded. */
export function alignColumns(lines: readonly string[][]): string[] {
  const widths: number[] = [];
  for (const cells of lines) {
    cells.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...c].length);
    });
  }
  return lines.map((cells) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - [...c].length)))
      .join('  ')
      .trimEnd(),
  );
}

function routeLines(name: string, r: FamilyRoutes): string[] {
  const out = [`${name} default routes (main table):`];
  if (r.defaults.length === 0) out.push('    none');
  for (const d of r.defaults) out.push(`    ${d}`);
  const local =
    r.election === 'elected'
      ? `dev ${r.interface}`
      : r.election === 'ambiguous'
        ? `ambiguous between dev ${r.candidates.join(', dev ')}`
        : 'none';
  out.push(`    local interface: ${local}${r.used ? '' : ' (no address of this family needs it)'}`);
  return out;
}

function winnerText(r: AddressRow, node: string): string {
  // A virtual address has no winner: every eligible node carries it. A local one fallen back to the
  // dummy (an error skip) has none either, and "every node" would hide the problem.
  const virtual = r.expected?.kind === 'virtual' && r.errors.length === 0;
  let text = r.winner === null ? (virtual ? 'every node' : DASH) : r.winner === node ? 'this node' : r.winner;
  const others = r.announcedBy.filter((n) => n !== r.winner);
  if (others.length > 0) text += ` (annotation: ${others.join(',')})`;
  return text;
}

function rowCells(r: AddressRow, node: string): string[] {
  const expected = r.expected === null ? `${DASH} (${notHereText(r)})` : r.expected.text;
  const actual =
    r.actual.length === 0
      ? 'absent'
      : r.actual.map((a) => (a.owned ? a.text : `${a.text} (not PureLB's)`)).join(', ');
  return [
    r.services.length === 0 ? DASH : r.services.join(','),
    r.ip,
    expected,
    actual,
    winnerText(r, node),
    r.verdict,
  ];
}

function findingLines(f: ReportFinding): string[] {
  const about = [f.service, f.ip, f.link === null ? null : `dev ${f.link}`]
    .filter((x) => x !== null)
    .join(' ');
  const out = [`${f.severity} ${f.code}${about === '' ? '' : `  ${about}`}`, `    ${f.message}`];
  if (f.expected !== null) out.push(`    expected: ${f.expected}`);
  if (f.actual !== null) out.push(`    actual:   ${f.actual}`);
  out.push(`    fix: ${f.fix}`);
  return out;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function renderTable(report: Report): string {
  const out: string[] = [];
  const where = report.netns === null ? '' : `, netns ${report.netns}`;
  out.push(`node ${report.node}${where}: ${report.source}`);
  out.push(
    `LBNodeAgent ${report.agent ?? `${DASH} (none selects this node: it announces nothing)`}, dummy dev ${report.dummyInterface}`,
  );
  out.push('');
  out.push(...routeLines('IPv4', report.routes.ipv4), ...routeLines('IPv6', report.routes.ipv6));
  out.push('');
  if (report.rows.length === 0) {
    out.push('no PureLB address is wanted on or held by this node');
  } else {
    const header = ['SERVICE', 'IP', 'EXPECTED', 'ACTUAL', 'WINNER', 'VERDICT'];
    out.push(...alignColumns([header, ...report.rows.map((r) => rowCells(r, report.node))]));
  }
  out.push('');
  const c = report.counts;
  if (report.findings.length === 0) {
    out.push('no findings');
  } else {
    out.push(
      `${plural(report.findings.length, 'finding')} (${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${c.info} info):`,
    );
    for (const f of report.findings) out.push(...findingLines(f));
  }
  out.push('');
  out.push(`verdict: ${report.verdict}`);
  return `${out.join('\n')}\n`;
}
