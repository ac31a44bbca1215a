// The standalone source: a YAML stream of manifests (several documents, or `kind: List` with items, as
// `kubectl get -o yaml` prints) holding Services, EndpointSlices, ServiceGroups and LBNodeAgents. The
// file is watched: a change is re-read after a short debounce; a file that does not parse keeps the
// previous state and logs where it broke. Watching the directory (not the file) survives editors that
// write a new file and rename it over the old one.
import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { CustomResource, EndpointSlice, Service } from '@purelb-ts/core';
import { parseAllDocuments } from 'yaml';
import type { Logger } from '../log.ts';
import { type ClusterState, emptyClusterState, type ObjectSource } from './source.ts';

const DEBOUNCE_MS = 50;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses the file's text; throws an Error naming the file and line of the first problem. */
export function parseManifests(text: string, file: string, log: Logger): ClusterState {
  const state = emptyClusterState();
  const docs = parseAllDocuments(text, { prettyErrors: true });
  if (!Array.isArray(docs)) throw new Error(`${file}: not a YAML stream`);
  const objects: { obj: unknown; where: string }[] = [];
  docs.forEach((doc, i) => {
    const err = doc.errors[0];
    if (err !== undefined) {
      const line = err.linePos?.[0].line;
      throw new Error(
        `${file}${line === undefined ? '' : `:${line}`}: invalid YAML in document ${i + 1}: ${err.message.split('\n')[0]}`,
      );
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    const line = doc.contents?.range ? lineOf(text, doc.contents.range[0]) : undefined;
    const where = `${file}${line === undefined ? '' : `:${line}`} (document ${i + 1})`;
    if (isRecord(value) && value.kind === 'List' && Array.isArray(value.items)) {
      value.items.forEach((item, j) => {
        objects.push({ obj: item, where: `${where} items[${j}]` });
      });
    } else {
      objects.push({ obj: value, where });
    }
  });
  for (const { obj, where } of objects) {
    if (!isRecord(obj) || typeof obj.kind !== 'string')
      throw new Error(`${where}: not a Kubernetes object (no kind)`);
    const meta = obj.metadata;
    if (!isRecord(meta) || typeof meta.name !== 'string' || meta.name === '') {
      throw new Error(`${where}: ${obj.kind} has no metadata.name`);
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
        log.debug(
          `ignoring a ${obj.kind}: the standalone agent reads Service, EndpointSlice, ServiceGroup and LBNodeAgent`,
          {
            reason: where,
          },
        );
    }
  }
  return state;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export class StandaloneSource implements ObjectSource {
  readonly #file: string;
  readonly #log: Logger;
  #state: ClusterState = emptyClusterState();
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastText: string | undefined;

  constructor(file: string, log: Logger) {
    this.#file = resolve(file);
    this.#log = log;
  }

  /** Loads the file (throws when it cannot be read or parsed: there is no previous state to keep). */
  async start(onChange: () => void): Promise<void> {
    this.#load(true);
    this.#watcher = watch(dirname(this.#file), (_event, name) => {
      if (name !== null && name !== basename(this.#file)) return;
      if (this.#timer !== undefined) clearTimeout(this.#timer);
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        if (this.#load(false)) onChange();
      }, DEBOUNCE_MS);
    });
  }

  /** Re-reads the file; true when the state changed. */
  #load(first: boolean): boolean {
    let text: string;
    try {
      text = readFileSync(this.#file, 'utf8');
    } catch (err) {
      if (first) throw new Error(`cannot read ${this.#file}: ${(err as Error).message}`);
      // Mid-rename by an editor, or deleted: keep the previous state until the file is back.
      this.#log.warn('cannot read the manifest file; keeping the previous state', {
        reason: (err as Error).message,
      });
      return false;
    }
    if (text === this.#lastText) return false;
    try {
      this.#state = parseManifests(text, this.#file, this.#log);
      this.#lastText = text;
      this.#log.info('manifests loaded', {
        file: this.#file,
        services: this.#state.services.length,
        endpointSlices: this.#state.endpointSlices.length,
        serviceGroups: this.#state.serviceGroups.length,
        lbNodeAgents: this.#state.lbNodeAgents.length,
      });
      return true;
    } catch (err) {
      if (first) throw err;
      this.#log.error('the manifest file is invalid; keeping the previous state', {
        reason: (err as Error).message,
      });
      return false;
    }
  }

  snapshot(): ClusterState {
    return this.#state;
  }

  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#watcher?.close();
  }
}
