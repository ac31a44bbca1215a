// Label and field selectors as the API server parses them from the query string. Label selectors:
// k=v, k==v, k!=v, k, !k, k in (a,b), k notin (a,b). Field selectors: metadata.name and
// metadata.namespace with =, == and != (the only fields every resource supports).
export type Matcher = (obj: Record<string, unknown>) => boolean;

export class SelectorError extends Error {}

function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) parts.push(cur);
  return parts.map((p) => p.trim()).filter(Boolean);
}

const labelsOf = (obj: Record<string, unknown>): Record<string, string> =>
  ((obj.metadata as { labels?: Record<string, string> } | undefined)?.labels ?? {}) as Record<string, string>;

export function parseLabelSelector(s: string | null): Matcher {
  if (!s) return () => true;
  const reqs: Matcher[] = splitTopLevel(s).map((term) => {
    let m = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (m) {
      const [, key, op, list] = m;
      const values = list!.split(',').map((v) => v.trim());
      return op === 'in'
        ? (o) => values.includes(labelsOf(o)[key!] as string)
        : (o) => !values.includes(labelsOf(o)[key!] as string);
    }
    m = /^([^\s!=]+)\s*(==|=|!=)\s*([^\s]*)$/.exec(term);
    if (m) {
      const [, key, op, value] = m;
      return op === '!=' ? (o) => labelsOf(o)[key!] !== value : (o) => labelsOf(o)[key!] === value;
    }
    m = /^(!?)([A-Za-z0-9][-A-Za-z0-9_./]*)$/.exec(term);
    if (m) {
      const [, not, key] = m;
      return not ? (o) => !(key! in labelsOf(o)) : (o) => key! in labelsOf(o);
    }
    throw new SelectorError(`unable to parse requirement: ${JSON.stringify(term)}`);
  });
  return (o) => reqs.every((r) => r(o));
}

export function parseFieldSelector(s: string | null): Matcher {
  if (!s) return () => true;
  const reqs: Matcher[] = splitTopLevel(s).map((term) => {
    const m = /^([a-zA-Z.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw new SelectorError(`invalid selector: ${JSON.stringify(term)}; can't understand it`);
    const [, field, op, value] = m;
    if (field !== 'metadata.name' && field !== 'metadata.namespace')
      throw new SelectorError(`field label not supported: ${field}`);
    const key = field.slice('metadata.'.length);
    const read = (o: Record<string, unknown>) => (o.metadata as Record<string, unknown>)[key] ?? '';
    return op === '!=' ? (o) => read(o) !== value : (o) => read(o) === value;
  });
  return (o) => reqs.every((r) => r(o));
}
