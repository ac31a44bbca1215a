// The standalone source: a YAML stream of manifests (several documents, or `kind: List` with items, as
// `kubectl get -o yaml` prints) holding Services, EndpointSlices, ServiceGroups and LBNodeAgents. The
// file is watched: a change is re-read after a short debounce; a file that does not parse keeps the
// previous state and logs where it broke. Watching the directory (not the file) survives editors that
// write a new file and rename it over the old one.
import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Logger } from '../log.ts';
import { parseManifests } from './parse-manifests.ts';
import { type ClusterState, emptyClusterState, type ObjectSource } from './source.ts';

// Where the parser lived before; importers keep this path.
export { parseManifests };

const DEBOUNCE_MS = 50;

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
