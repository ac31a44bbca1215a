// A ConfigMap volume laid out as kubelet's atomic writer makes it, in a temp directory:
//   ..2026_12_06_20_51_00.123456789/manifests.yaml   the payload, in a timestamped directory
//   ..data -> ..2026_12_06_20_51_00.123456789         the current payload
//   manifests.yaml -> ..data/manifests.yaml           what the pod reads; never changes
// An update writes a new timestamped directory, points a new `..data_tmp` symlink at it, renames
// that over `..data` (atomic) and removes the old directory, so the file's own name gets no event.
import { mkdtempSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/** kubelet's name for a payload directory: `..` + UTC time as 2006_01_02_15_04_05 + `.` + random. */
const timestampPrefix = (now: Date): string => {
  const p = (n: number) => String(n).padStart(2, '0');
  return `..${now.getUTCFullYear()}_${p(now.getUTCMonth() + 1)}_${p(now.getUTCDate())}_${p(now.getUTCHours())}_${p(now.getUTCMinutes())}_${p(now.getUTCSeconds())}.`;
};

export class ConfigMapVolume {
  readonly dir = mkdtempSync(join(tmpdir(), 'purelb-configmap-'));

  /** `files`: key → content, as the ConfigMap's data. */
  constructor(files: Record<string, string>) {
    const first = this.#writePayload(files);
    symlinkSync(first, join(this.dir, '..data'));
    for (const key of Object.keys(files)) symlinkSync(join('..data', key), join(this.dir, key));
  }

  /** The path a pod reads for `key` (the user-visible symlink). */
  path(key: string): string {
    return join(this.dir, key);
  }

  /** Updates the payload as kubelet does: new directory, `..data_tmp` renamed over `..data`, old one removed. */
  update(files: Record<string, string>): void {
    const old = readlinkSync(join(this.dir, '..data'));
    const next = this.#writePayload(files);
    const tmp = join(this.dir, '..data_tmp');
    symlinkSync(next, tmp);
    renameSync(tmp, join(this.dir, '..data'));
    rmSync(join(this.dir, old), { recursive: true, force: true });
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Writes the files into a new timestamped directory; returns its name (relative, as kubelet links it). */
  #writePayload(files: Record<string, string>): string {
    const payload = mkdtempSync(join(this.dir, timestampPrefix(new Date())));
    for (const [key, text] of Object.entries(files)) writeFileSync(join(payload, key), text, { mode: 0o644 });
    return basename(payload);
  }
}
