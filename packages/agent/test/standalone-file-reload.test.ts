// The standalone source follows its file however it is replaced: a ConfigMap volume's `..data`
// swap (no event names the file), and, where no event reaches the watched directory at all, the
// periodic re-read. Content that did not change is not reported as a change.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createLogger } from '../src/log.ts';
import { StandaloneSource } from '../src/sources/standalone.ts';
import { ConfigMapVolume } from './support/configmap-volume.ts';
import { manifests } from './support/manifests.ts';

const quiet = createLogger('error', () => {});

const serviceIPs = (s: StandaloneSource): string[] =>
  s.snapshot().services.map((svc) => svc.status?.loadBalancer?.ingress?.[0]?.ip ?? '');

/** Resolves at the source's next onChange; fails after `ms`. */
function changes() {
  let count = 0;
  let wake: (() => void) | undefined;
  return {
    onChange: () => {
      count++;
      wake?.();
    },
    get count() {
      return count;
    },
    next(ms: number): Promise<void> {
      const before = count;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no change reported within ${ms} ms`)), ms);
        wake = () => {
          if (count === before) return;
          clearTimeout(timer);
          resolve();
        };
      });
    },
  };
}

describe('standalone source reloading its file', () => {
  it('reloads a ConfigMap volume when kubelet swaps ..data, with no periodic re-read', async () => {
    const volume = new ConfigMapVolume({ 'manifests.yaml': manifests([{ name: 'api', ip: '172.31.1.5' }]) });
    const source = new StandaloneSource(volume.path('manifests.yaml'), quiet, { resyncMs: 0 });
    const seen = changes();
    try {
      await source.start(seen.onChange);
      assert.deepEqual(serviceIPs(source), ['172.31.1.5']);
      const reloaded = seen.next(5000);
      volume.update({ 'manifests.yaml': manifests([{ name: 'db', ip: '172.31.1.7' }]) });
      await reloaded;
      assert.deepEqual(serviceIPs(source), ['172.31.1.7']);
      assert.equal(seen.count, 1, 'one swap, one change');
    } finally {
      await source.stop();
      volume.remove();
    }
  });

  it('re-reads a file no directory event announces (a symlink into another directory) at the periodic re-read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'purelb-reload-'));
    const target = join(dir, 'elsewhere.yaml');
    const watched = join(dir, 'watched');
    const link = join(watched, 'manifests.yaml');
    writeFileSync(target, manifests([{ name: 'api', ip: '172.31.1.5' }]));
    mkdirSync(watched);
    symlinkSync(target, link);
    const source = new StandaloneSource(link, quiet, { resyncMs: 100 });
    const seen = changes();
    try {
      await source.start(seen.onChange);
      const reloaded = seen.next(5000);
      // Rewritten in place, in a directory the source does not watch: only the re-read can see it.
      writeFileSync(target, manifests([{ name: 'api', ip: '172.31.1.6' }]));
      await reloaded;
      assert.deepEqual(serviceIPs(source), ['172.31.1.6']);
    } finally {
      await source.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an event in the directory that leaves the file as it was reports no change', async () => {
    const volume = new ConfigMapVolume({ 'manifests.yaml': manifests([{ name: 'api', ip: '172.31.1.5' }]) });
    const source = new StandaloneSource(volume.path('manifests.yaml'), quiet, { resyncMs: 0 });
    const seen = changes();
    try {
      await source.start(seen.onChange);
      // Same content in a new payload directory, and an unrelated file: events, nothing new.
      volume.update({ 'manifests.yaml': manifests([{ name: 'api', ip: '172.31.1.5' }]) });
      writeFileSync(join(volume.dir, 'unrelated'), 'x');
      // Past the debounce of those events, a real change: it must be the only one reported.
      await new Promise((r) => setTimeout(r, 300));
      const reloaded = seen.next(5000);
      volume.update({ 'manifests.yaml': manifests([{ name: 'api', ip: '172.31.1.8' }]) });
      await reloaded;
      assert.deepEqual(serviceIPs(source), ['172.31.1.8']);
      assert.equal(seen.count, 1);
    } finally {
      await source.stop();
      volume.remove();
    }
  });
});
