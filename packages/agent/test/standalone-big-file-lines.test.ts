// Errors in a big manifest file still name the right line for a document far down the file: the
// line numbers come from the parser's newline index, not from a scan per document.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { createLogger } from '../src/log.ts';
import { parseManifests } from '../src/sources/standalone.ts';
import { service } from './support/manifests.ts';

const quiet = createLogger('error', () => {});
const SERVICES = 5000;

/** SERVICES one-document Services, rendered once. */
const HEAD = Array.from({ length: SERVICES }, (_, i) =>
  stringify(service({ name: `svc-${i}`, ip: `10.200.${(256 + i) >> 8}.${(256 + i) & 255}` })),
).join('---\n');

/** SERVICES one-document Services, then `tail`; with the 1-based line `tail` starts on. */
function bigStream(tail: string): { text: string; tailLine: number } {
  const before = `${HEAD}---\n`;
  // Counted independently of the parser: newlines before the tail, plus one.
  let tailLine = 1;
  for (let i = 0; i < before.length; i++) if (before[i] === '\n') tailLine++;
  return { text: before + tail, tailLine };
}

describe('standalone manifest errors far down a big file', () => {
  it('names the line of a document without a kind after 5,000 others', () => {
    const { text, tailLine } = bigStream('# a comment first\nmetadata: {name: orphan}\n');
    assert.throws(
      () => parseManifests(text, 'big.yaml', quiet),
      (err: Error) => {
        assert.equal(
          err.message,
          `big.yaml:${tailLine + 1} (document ${SERVICES + 1}): not a Kubernetes object (no kind)`,
        );
        return true;
      },
    );
  });

  it('names the line of invalid YAML after 5,000 documents', () => {
    const { text, tailLine } = bigStream('kind: Service\nmetadata:\n  name: [unclosed\n');
    assert.throws(
      () => parseManifests(text, 'big.yaml', quiet),
      (err: Error) => {
        assert.match(
          err.message,
          new RegExp(`^big\\.yaml:${tailLine + 3}: invalid YAML in document ${SERVICES + 1}: `),
        );
        assert.match(err.message, new RegExp(`at line ${tailLine + 3}, column 1$`));
        return true;
      },
    );
  });

  it('names the line and item of a List item without a name after 5,000 documents', () => {
    const { text, tailLine } = bigStream(
      'apiVersion: v1\nkind: List\nitems:\n  - {kind: Service, metadata: {name: ok}}\n  - {kind: Service, metadata: {}}\n',
    );
    assert.throws(
      () => parseManifests(text, 'big.yaml', quiet),
      (err: Error) => {
        assert.equal(
          err.message,
          `big.yaml:${tailLine} (document ${SERVICES + 1}) items[1]: Service has no metadata.name`,
        );
        return true;
      },
    );
  });

  it('reads every Service of the big file', () => {
    const { text } = bigStream('kind: Service\nmetadata: {name: last}\n');
    const state = parseManifests(text, 'big.yaml', quiet);
    assert.equal(state.services.length, SERVICES + 1);
    assert.equal(state.services.at(-1)?.metadata.name, 'last');
  });
});
