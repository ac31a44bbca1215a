// A YAML stream of manifests (several documents, or `kind: List` with items, as `kubectl get -o yaml`
// prints) read into a ClusterState. Linear in the size of the text: line numbers come from the
// parser's own newline index (a binary search per lookup; scanning the text from its start for
// each document made 50k documents take minutes), and the documents are composed one at a time,
// so only one document's syntax tree is alive at once (holding all of them took ~750 MB at 50k).
// A big List's items are parsed a chunk at a time too (see list-items.ts).
import type { CustomResource, EndpointSlice, Service } from '@purelb-ts/core';
import { Composer, type Document, LineCounter, Parser } from 'yaml';
import type { Logger } from '../log.ts';
import {
  type Cut,
  cutRegions,
  findItemsRegions,
  NotSplittable,
  originalLine,
  parseItems,
} from './list-items.ts';
import { type ClusterState, emptyClusterState } from './source.ts';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** One object of the stream and where it came from (formatted only when an error names it). */
interface Found {
  obj: unknown;
  /** 1-based document number. */
  doc: number;
  /** Line of the document's content, when known. */
  line: number | undefined;
  /** Index in the List's items, for a List item. */
  item: number | undefined;
}

const whereOf = (file: string, f: Found): string =>
  `${file}${f.line === undefined ? '' : `:${f.line}`} (document ${f.doc})` +
  (f.item === undefined ? '' : ` items[${f.item}]`);

/** Throws the document's first syntax error, named by file, line and column. */
function throwIfInvalid(doc: Document.Parsed, n: number, file: string, lines: LineCounter): void {
  const err = doc.errors[0];
  if (err === undefined) return;
  const at = err.pos[0] === -1 ? undefined : lines.linePos(err.pos[0]);
  const message = err.message.split('\n')[0] as string;
  throw new Error(
    at === undefined
      ? `${file}: invalid YAML in document ${n}: ${message}`
      : `${file}:${at.line}: invalid YAML in document ${n}: ${message} at line ${at.line}, column ${at.col}`,
  );
}

/** Items parsed apart, for the documents whose `items:` lines were cut out (see list-items.ts). */
interface Grafts {
  cuts: Cut[];
  items: unknown[][];
}

/** Puts a cut region's items back into its document's value; throws NotSplittable on any doubt. */
function graft(doc: Document.Parsed, value: unknown, grafts: Grafts, used: Set<number>): void {
  const [from, , to] = doc.range;
  const r = grafts.cuts.findIndex((c) => c.keyAt >= from && c.keyAt <= to);
  if (r === -1) return;
  // The lines were a root-level `items:` of a List only if cutting them left exactly that.
  if (used.has(r) || !isRecord(value) || value.kind !== 'List' || value.items !== null)
    throw new NotSplittable();
  value.items = grafts.items[r];
  used.add(r);
}

/** The objects of the stream, in order; throws at the first document that is not valid YAML. */
function readDocuments(text: string, file: string, grafts?: Grafts): Found[] {
  const lines = new LineCounter();
  const composer = new Composer({ prettyErrors: true });
  const found: Found[] = [];
  const used = new Set<number>();
  let n = 0;
  const take = (doc: Document.Parsed): void => {
    n++;
    throwIfInvalid(doc, n, file, lines);
    const value: unknown = doc.toJS();
    if (grafts !== undefined) graft(doc, value, grafts, used);
    if (value === null || value === undefined) return;
    const at = doc.contents?.range[0];
    const line =
      at === undefined
        ? undefined
        : grafts === undefined
          ? lines.linePos(at).line
          : originalLine(grafts.cuts, at, lines.linePos(at).line);
    if (isRecord(value) && value.kind === 'List' && Array.isArray(value.items)) {
      value.items.forEach((obj: unknown, item) => {
        found.push({ obj, doc: n, line, item });
      });
    } else {
      found.push({ obj: value, doc: n, line, item: undefined });
    }
  };
  for (const doc of composer.compose(new Parser(lines.addNewLine).parse(text))) take(doc);
  for (const doc of composer.end()) take(doc);
  if (grafts !== undefined && used.size !== grafts.cuts.length) throw new NotSplittable();
  return found;
}

/** Texts at least this long have their big Lists parsed item by item (below, it gains nothing). */
const SPLIT_FROM_CHARS = 1024 * 1024;

/** The objects of a big stream with its Lists split, or undefined where splitting gave up. */
function readSplit(text: string, file: string, splitFrom: number): Found[] | undefined {
  if (text.length < splitFrom) return undefined;
  const regions = findItemsRegions(text);
  if (regions.length === 0) return undefined;
  try {
    const items = regions.map((r) => parseItems(text, r));
    const cut = cutRegions(text, regions);
    return readDocuments(cut.text, file, { cuts: cut.cuts, items });
  } catch {
    // NotSplittable, or a YAML error in some piece: the whole-stream parse decides, and reports
    // any error exactly as it always has.
    return undefined;
  }
}

/** Parses the file's text; throws an Error naming the file and line of the first problem. */
export function parseManifests(
  text: string,
  file: string,
  log: Logger,
  /** Texts at least this long have their big Lists parsed item by item (tests move it). */
  splitFrom = SPLIT_FROM_CHARS,
): ClusterState {
  const state = emptyClusterState();
  // Every document is syntax-checked before any object is: a broken document further down is the
  // error reported, as it was when the whole stream was parsed first.
  for (const f of readSplit(text, file, splitFrom) ?? readDocuments(text, file)) {
    const obj = f.obj;
    if (!isRecord(obj) || typeof obj.kind !== 'string')
      throw new Error(`${whereOf(file, f)}: not a Kubernetes object (no kind)`);
    const meta = obj.metadata;
    if (!isRecord(meta) || typeof meta.name !== 'string' || meta.name === '') {
      throw new Error(`${whereOf(file, f)}: ${obj.kind} has no metadata.name`);
    }
    if (meta.namespace === undefined && obj.kind !== 'Node') meta.namespace = 'default';
    switch (obj.kind) {
      case 'Service':
        state.services.push(obj as unknown as Service);
        break;
      case 'EndpointSlice':
        state.endpointSlices.push(obj as unknown as EndpointSlice);
        break;
      case 'ServiceGroup':
        state.serviceGroups.push(obj as unknown as CustomResource);
        break;
      case 'LBNodeAgent':
        state.lbNodeAgents.push(obj as unknown as CustomResource);
        break;
      default:
        // Reported as a warning with each reconcile's findings (a misspelt kind is a silent typo).
        state.ignored ??= [];
        state.ignored.push({
          kind: obj.kind,
          name: `${String(meta.namespace ?? '')}/${meta.name}`,
          where: whereOf(file, f),
        });
        log.debug(
          `ignoring a ${obj.kind}: the standalone agent reads Service, EndpointSlice, ServiceGroup and LBNodeAgent`,
          { reason: whereOf(file, f) },
        );
    }
  }
  return state;
}
