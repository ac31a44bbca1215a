// The standalone source: a YAML stream of manifests (several documents, or `kind: List` with items, as
// `kubectl get -o yaml` prints) holding Services, EndpointSlices, ServiceGroups and LBNodeAgents. The
// file is watched: a change is re-read after a short debounce; a file that does not parse keeps the
// previous state and logs where it broke.
//
// The file's directory is watched for ANY change, not only events naming the file: editors write a
// new file and rename it over the old one, and a ConfigMap volume never touches the file's own name
// at all (kubelet writes a new `..<timestamp>` directory and renames a `..data_tmp` symlink over
// `..data`; `manifests.yaml -> ..data/manifests.yaml` stays as it is). Every event re-reads the file
// through its symlinks, and only content that differs from the last loaded text is parsed. A
// periodic re-read backs this up where no event reaches the directory at all (the file a symlink
// into another directory, a watch the kernel dropped).
import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Logger } from '../log.ts';
import { parseManifests } from './parse-manifests.ts';
import { type ClusterState, emptyClusterState, type ObjectSource } from './source.ts';

export { parseManifests };

const DEBOUNCE_MS = 50;

export interface StandaloneOptions {
  /** Re-reads the file this often whether or not an event came (0 = never). Default 30 s. */
  resyncMs?: number;
}

export class StandaloneSource implements ObjectSource {
  readonly #file: string;
  readonly #log: Logger;
  readonly #resyncMs: number;
  #state: ClusterState = emptyClusterState();
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #resync: NodeJS.Timeout | undefined;
  #lastText: string | undefined;

  constructor(file: string, log: Logger, options: StandaloneOptions = {}) {
    this.#file = resolve(file);
    this.#log = log;
    this.#resyncMs = options.resyncMs ?? 30_000;
  }

  /** Loads the file (throws when it cannot be read or parsed: there is no previous state to keep). */
  async start(onChange: () => void): Promise<void> {
    this.#load(true);
    const reload = () => {
      if (this.#load(false)) onChange();
    };
    this.#watcher = watch(dirname(this.#file), () => {
      if (this.#timer !== undefined) clearTimeout(this.#timer);
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        reload();
      }, DEBOUNCE_MS);
    });
    // E.g. the directory itself removed: the periodic re-read still follows the file.
    this.#watcher.on('error', (err) => {
      this.#log.warn("cannot watch the manifest file's directory; relying on the periodic re-read", {
        file: this.#file,
        reason: err.message,
      });
    });
    if (this.#resyncMs > 0) {
      this.#resync = setInterval(reload, this.#resyncMs);
      this.#resync.unref();
    }
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
    clearInterval(this.#resync);
    this.#watcher?.close();
  }
}
