// The standalone source's reading of a YAML stream: several documents and `kind: List`, other kinds
// ignored, and a broken file named by file and line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../src/log.ts';
import { parseManifests } from '../src/sources/standalone.ts';

const quiet = createLogger('error', () => {});

describe('standalone manifest parsing', () => {
  it('reads documents and List items, defaults the namespace, ignores other kinds', () => {
    const text = [
      'apiVersion: purelb.io/v2\nkind: ServiceGroup\nmetadata: {name: g, namespace: purelb}\nspec: {}\n',
      'apiVersion: v1\nkind: List\nitems:\n  - {kind: Service, metadata: {name: a}}\n  - {kind: ConfigMap, metadata: {name: c}}\n  - {kind: EndpointSlice, metadata: {name: a-1}, addressType: IPv4}\n',
      'kind: LBNodeAgent\nmetadata: {name: default, namespace: purelb}\n',
    ].join('---\n');
    const s = parseManifests(text, 'f.yaml', quiet);
    assert.deepEqual(
      s.services.map((x) => `${x.metadata.namespace}/${x.metadata.name}`),
      ['default/a'],
    );
    assert.equal(s.endpointSlices.length, 1);
    assert.equal(s.serviceGroups[0]?.metadata.name, 'g');
    assert.equal(s.lbNodeAgents[0]?.metadata.name, 'default');
  });

  it('names the file and line of invalid YAML', () => {
    assert.throws(
      () => parseManifests('kind: Service\nmetadata:\n  name: [x\n', 'svc.yaml', quiet),
      /^Error: svc\.yaml:\d+: invalid YAML/,
    );
  });

  it('names an object without a kind or a name', () => {
    assert.throws(
      () => parseManifests('metadata: {name: x}\n', 'a.yaml', quiet),
      /a\.yaml:1 \(document 1\): not a Kubernetes object/,
    );
    assert.throws(
      () => parseManifests('kind: Service\nmetadata: {}\n', 'a.yaml', quiet),
      /Service has no metadata\.name/,
    );
  });
});
