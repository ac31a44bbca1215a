// A big `kind: List` (as `kubectl get -o yaml` prints 50k Services) is one YAML document, and the
// YAML library holds a whole document's token tree and syntax tree at once: ~1.5 GB and 13-23 s for
// 50k Services, against ~300 MB and 7-10 s for the same Services as separate documents. So the
// items of a root-level `items:` block sequence are found by lines and parsed a chunk at a time;
// the rest of the stream is parsed with the items' lines cut out (line numbers mapped back).
//
// The line scan only proposes; the library decides. A line that starts an item at the sequence's
// indentation can only be mistaken inside a quoted scalar or a flow collection spanning lines, and
// cutting those leaves an unterminated one in some piece, which the library reports. So any error
// in any piece, a chunk that is not exactly its items, or a document that is not then a `kind: List`
// with an empty `items:` gives up, and the caller parses the whole text as one stream as before
// (which also reports any error exactly as before). A stream with a directive (`%YAML 1.1` changes
// how scalars read, `%TAG` how tags do) is never split.
import { Composer, Parser } from 'yaml';

/**
 * Text of items parsed per Parser/Composer. Measured on 50k Services: 4 KB chunks took 7.1 s, 64 KB
 * 10.6 s and 1 MB 10.9 s (bigger trees live longer and get promoted, so the GC works harder).
 */
const CHUNK_CHARS = 4 * 1024;

/** The lines of one root-level `items:` sequence: [start, end) offsets and where each item begins. */
export interface ItemsRegion {
  /** Where its `items:` line starts: inside its document, whatever is cut. */
  keyStart: number;
  start: number;
  end: number;
  itemStarts: number[];
}

/** The splitter gave up: the caller parses the whole text instead. */
export class NotSplittable extends Error {}

const isBlankOrComment = (line: string): boolean => /^[ \t]*(#.*)?\r?$/.test(line);
const isDocMarker = (line: string): boolean => /^(---|\.\.\.)([ \t\r].*)?$/.test(line);
const indentOf = (line: string): number => line.length - line.trimStart().length;
/** A block sequence entry at exactly `indent`: `-` then a space, a tab or the end of the line. */
const isEntryAt = (line: string, indent: number): boolean =>
  indentOf(line) === indent && line[indent] === '-' && /^-([ \t\r]|$)/.test(line.slice(indent));

/**
 * Every root-level `items:` block sequence of the stream (at most one per document), by lines.
 * Returns [] for a stream with a directive.
 */
export function findItemsRegions(text: string): ItemsRegion[] {
  const regions: ItemsRegion[] = [];
  let state: 'root' | 'after-items' | 'in-items' | 'done' = 'root';
  let indent = 0;
  let keyStart = 0;
  let current: ItemsRegion | undefined;
  for (let start = 0; start < text.length; ) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl + 1;
    const line = text.slice(start, nl === -1 ? text.length : nl);
    if (line.startsWith('%')) return [];
    if (state === 'in-items' && current !== undefined) {
      if (isEntryAt(line, indent)) current.itemStarts.push(start);
      else if (isDocMarker(line) || (!isBlankOrComment(line) && indentOf(line) <= indent)) {
        current.end = start;
        regions.push(current);
        current = undefined;
        state = 'done';
      }
    }
    if (isDocMarker(line)) state = 'root';
    else if (state === 'root' && /^items:[ \t]*(#.*)?\r?$/.test(line)) {
      state = 'after-items';
      keyStart = start;
    } else if (state === 'after-items' && !isBlankOrComment(line)) {
      indent = indentOf(line);
      if (isEntryAt(line, indent)) {
        current = { keyStart, start, end: text.length, itemStarts: [start] };
        state = 'in-items';
      } else state = 'done';
    }
    start = end;
  }
  if (current !== undefined) regions.push(current);
  return regions;
}

/** The values of one chunk of item lines: a block sequence with exactly `count` entries, no error. */
function parseChunk(chunk: string, count: number): unknown[] {
  const composer = new Composer();
  const docs = [...composer.compose(new Parser().parse(chunk)), ...composer.end()];
  const doc = docs[0];
  if (docs.length !== 1 || doc === undefined || doc.errors.length > 0) throw new NotSplittable();
  const value: unknown = doc.toJS();
  if (!Array.isArray(value) || value.length !== count) throw new NotSplittable();
  return value;
}

/** The items of one region, parsed CHUNK_CHARS of text at a time. */
export function parseItems(text: string, region: ItemsRegion): unknown[] {
  const items: unknown[] = [];
  const starts = region.itemStarts;
  for (let i = 0; i < starts.length; ) {
    let j = i + 1;
    while (j < starts.length && (starts[j] as number) - (starts[i] as number) < CHUNK_CHARS) j++;
    const chunk = text.slice(starts[i], j < starts.length ? starts[j] : region.end);
    for (const v of parseChunk(chunk, j - i)) items.push(v);
    i = j;
  }
  return items;
}

/** Where a region was cut out of the text, and how many lines went with it. */
export interface Cut {
  /** Offset in the cut text where the region's lines were. */
  at: number;
  lines: number;
  /** Where its `items:` line starts in the cut text. */
  keyAt: number;
}

/**
 * The text without every region's lines (blanking them instead left a million empty lines for the
 * parser to step over), and the cuts, so that line numbers can be mapped back.
 */
export function cutRegions(text: string, regions: readonly ItemsRegion[]): { text: string; cuts: Cut[] } {
  const parts: string[] = [];
  const cuts: Cut[] = [];
  let from = 0;
  let removed = 0;
  for (const r of regions) {
    parts.push(text.slice(from, r.start));
    let lines = 0;
    for (let i = text.indexOf('\n', r.start); i !== -1 && i < r.end; i = text.indexOf('\n', i + 1)) lines++;
    cuts.push({ at: r.start - removed, lines, keyAt: r.keyStart - removed });
    removed += r.end - r.start;
    from = r.end;
  }
  parts.push(text.slice(from));
  return { text: parts.join(''), cuts };
}

/** The line number in the original text of a line number in the cut text at `offset`. */
export function originalLine(cuts: readonly Cut[], offset: number, line: number): number {
  let out = line;
  for (const c of cuts) if (c.at <= offset) out += c.lines;
  return out;
}
