// A big `kind: List` is parsed item by item (its lines found by a line scan, each chunk parsed by the
// YAML library) and gives exactly what parsing the whole document gives: the same objects, or the
// same error naming the same file and line. Where a line scan could be fooled (scalars and flow
// collections spanning lines, aliases across items, directives) the result is still the same.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { createLogger } from '../src/log.ts';
import { findItemsRegions } from '../src/sources/list-items.ts';
import { parseManifests } from '../src/sources/standalone.ts';
import { manifests, service } from './support/manifests.ts';

const quiet = createLogger('error', () => {});

/** parseManifests' state or error text, splitting Lists from `splitFrom` characters on. */
function outcome(text: string, splitFrom: number): unknown {
  try {
    return { state: parseManifests(text, 'list.yaml', quiet, splitFrom) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Split (whatever the size) and whole-document parsing agree on `text`. */
function agree(text: string): void {
  assert.deepEqual(outcome(text, 0), outcome(text, Number.POSITIVE_INFINITY));
}

const svc = (i: number) => service({ name: `svc-${i}`, ip: `10.200.${(256 + i) >> 8}.${(256 + i) & 255}` });

/** A List document as kubectl prints it: items at column 0, `kind: List` after them. */
const kubectlList = (items: string) =>
  `apiVersion: v1\nitems:\n${items}kind: List\nmetadata:\n  resourceVersion: ""\n`;

describe('standalone manifests: a big List read item by item', () => {
  it('reads the same 3,000 Services as the whole-document parse, split into chunks', () => {
    const text = manifests(
      Array.from({ length: 3000 }, (_, i) => ({
        name: `svc-${i}`,
        ip: `10.200.${(256 + i) >> 8}.${(256 + i) & 255}`,
      })),
    );
    const regions = findItemsRegions(text);
    assert.equal(regions.length, 1, 'the List items are found by the line scan');
    assert.equal(regions[0]?.itemStarts.length, 3000);
    agree(text);
    const state = parseManifests(text, 'list.yaml', quiet, 0);
    assert.equal(state.services.length, 3000);
    assert.equal(state.services[2999]?.metadata.name, 'svc-2999');
  });

  it('reads a kubectl-style List (items at column 0, keys after them) with comments between items', () => {
    const items = Array.from({ length: 50 }, (_, i) =>
      stringify([svc(i)]).concat(i % 7 === 0 ? `# a comment after item ${i}\n\n` : ''),
    ).join('');
    const text = `${stringify(service({ name: 'first', ip: '10.200.9.9' }))}---\n${kubectlList(items)}`;
    assert.equal(findItemsRegions(text)[0]?.itemStarts.length, 50);
    agree(text);
    assert.equal(parseManifests(text, 'list.yaml', quiet, 0).services.length, 51);
  });

  it('gives the same values where lines inside items look like item starts', () => {
    const cases = [
      // a block scalar whose lines start with "- " (deeper than the items)
      '- kind: Service\n  metadata: {name: a, annotations: {note: "x"}}\n  spec:\n    text: |\n      - not an item\n      - nor this\n- kind: Service\n  metadata: {name: b}\n',
      // a flow sequence spanning lines, its second line at the items' indentation
      '- kind: Service\n  metadata: {name: a}\n  spec: {ports: [1,\n- 2]}\n- kind: Service\n  metadata: {name: b}\n',
      // a double-quoted scalar spanning lines, its second line starting with "- "
      '- kind: Service\n  metadata: {name: "a\n- b"}\n- kind: Service\n  metadata: {name: c}\n',
      // an anchor in one item, its alias in the next
      '- kind: Service\n  metadata: &m {name: a, namespace: x}\n- kind: Service\n  metadata: *m\n',
      // tabs and CRLF line ends
      '- kind: Service\r\n  metadata: {name: a}\r\n-\tkind: Service\r\n  metadata: {name: b}\r\n',
    ];
    for (const items of cases) {
      agree(kubectlList(items));
      agree(`apiVersion: v1\nkind: List\nitems:\n${items.replace(/^(?=.)/gm, '  ')}`);
    }
  });

  it('gives the same values for look-alikes that are not List items', () => {
    const cases = [
      // `items:` inside a root block scalar
      '--- |\nitems:\n- a\n- b\n',
      // `items:` of something that is not a List
      'kind: ConfigMap\nmetadata: {name: c}\nitems:\n- 1\n- 2\n',
      // a YAML 1.1 directive: `yes` reads as true there, as the string "yes" in 1.2
      '%YAML 1.1\n---\napiVersion: v1\nkind: List\nitems:\n- kind: Service\n  metadata: {name: a, labels: {on: yes}}\n',
      // `items:` twice at the root
      'kind: List\nitems:\n- kind: Service\n  metadata: {name: a}\nitems:\n- kind: Service\n  metadata: {name: b}\n',
    ];
    for (const text of cases) agree(text);
  });

  it('names the same file and line for an error inside, after or before a List', () => {
    const items = Array.from({ length: 20 }, (_, i) => stringify([svc(i)])).join('');
    const broken = [
      kubectlList(`${items}- kind: Service\n  metadata: {}\n`),
      kubectlList(`${items}- kind: Service\n  metadata: [unclosed\n`),
      `${kubectlList(items)}---\nmetadata: {name: orphan}\n`,
      `kind: Service\nmetadata:\n  name: [x\n---\n${kubectlList(items)}`,
    ];
    for (const text of broken) {
      const split = outcome(text, 0) as { error?: string };
      assert.match(split.error ?? '', /^list\.yaml:\d+/, 'an error naming file and line');
      agree(text);
    }
  });
});
