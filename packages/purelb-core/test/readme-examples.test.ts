// Every ```js example of core's README runs as written (imports of '@purelb-ts/core' pointed at the
// sources), so the README cannot drift from the API.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const CORE = new URL('../src/index.ts', import.meta.url).href;

/** The ```js blocks, in order. */
export const jsBlocks = (markdown: string): string[] =>
  [...markdown.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');

describe("core's README examples", () => {
  const blocks = jsBlocks(README);

  it('the first example is a unit test of the election from ip output', () => {
    assert.ok(blocks.length >= 1, 'no ```js block in README.md');
    assert.match(blocks[0] ?? '', /fromIpText\(/);
    assert.match(blocks[0] ?? '', /electDefaultInterface\(/);
  });

  for (const [i, code] of blocks.entries()) {
    it(`example ${i + 1} passes under node --test`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'core-readme-'));
      try {
        const file = join(dir, `example-${i + 1}.test.mjs`);
        writeFileSync(file, code.replaceAll("'@purelb-ts/core'", `'${CORE}'`));
        const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap', file], {
          encoding: 'utf8',
          env: { ...process.env, NODE_TEST_CONTEXT: undefined },
        });
        assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
        assert.match(run.stdout, /# fail 0/);
        assert.doesNotMatch(run.stdout, /# pass 0\b/, 'the example ran no test');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
