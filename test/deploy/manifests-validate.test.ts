// Every manifest in deploy/ goes through `kubectl create --dry-run=client --validate=false -o json`
// (kubectl needs API discovery to map kinds to resources, which a local discovery-only server answers:
// no cluster, nothing created), then its output is checked against a schema: built-in kinds with
// kubernetes-models' validators, the CRDs with the apiextensions.k8s.io/v1 validator, and the
// ServiceGroups and LBNodeAgents against OUR CRD schemas (with the CEL rules' JavaScript twins) and
// through purelb-core's parsers, so the schema and the code that reads the objects agree.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parseLBNodeAgent, parseServiceGroup } from '@purelb-ts/core';
import {
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
} from 'kubernetes-models/admissionregistration.k8s.io/v1';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1';
import { DaemonSet, Deployment } from 'kubernetes-models/apps/v1';
import {
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
} from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { Namespace, ServiceAccount } from 'kubernetes-models/v1';
import { parse, parseAllDocuments } from 'yaml';
import { CEL_RULES } from './cel-rules.ts';
import { type DiscoveryServer, kubeconfigFor, startDiscoveryServer } from './discovery-server.ts';
import {
  checkAgainstSchema,
  collectRules,
  type SchemaError,
  unboundedForRules,
} from './structural-schema.ts';

const execFileAsync = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const DEPLOY = join(ROOT, 'deploy');
const KUBECTL = '/usr/bin/kubectl';

type Obj = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
};

/** The kinds the manifests use, as a cluster with the two CRDs installed would serve them. */
const SERVED = {
  v1: [
    { name: 'namespaces', kind: 'Namespace', namespaced: false },
    { name: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
  ],
  'apps/v1': [
    { name: 'daemonsets', kind: 'DaemonSet', namespaced: true },
    { name: 'deployments', kind: 'Deployment', namespaced: true },
  ],
  'rbac.authorization.k8s.io/v1': [
    { name: 'clusterroles', kind: 'ClusterRole', namespaced: false },
    { name: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false },
    { name: 'roles', kind: 'Role', namespaced: true },
    { name: 'rolebindings', kind: 'RoleBinding', namespaced: true },
  ],
  'apiextensions.k8s.io/v1': [
    { name: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false },
  ],
  'admissionregistration.k8s.io/v1': [
    { name: 'validatingadmissionpolicies', kind: 'ValidatingAdmissionPolicy', namespaced: false },
    {
      name: 'validatingadmissionpolicybindings',
      kind: 'ValidatingAdmissionPolicyBinding',
      namespaced: false,
    },
  ],
  'purelb.io/v2': [
    { name: 'servicegroups', kind: 'ServiceGroup', namespaced: true },
    { name: 'lbnodeagents', kind: 'LBNodeAgent', namespaced: true },
  ],
};

const BUILT_IN: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/DaemonSet': DaemonSet,
  'apps/v1/Deployment': Deployment,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'apiextensions.k8s.io/v1/CustomResourceDefinition': CustomResourceDefinition,
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy': ValidatingAdmissionPolicy,
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding': ValidatingAdmissionPolicyBinding,
};

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return yamlFiles(p);
    return /\.ya?ml$/.test(e.name) && e.name !== 'kustomization.yaml' ? [p] : [];
  });
}

function docsOf(file: string): Obj[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]?.message}`);
      return d.toJS() as Obj | null;
    })
    .filter((d): d is Obj => d !== null);
}

function crdSchema(file: string): Record<string, unknown> {
  const [crd] = docsOf(join(DEPLOY, 'crds', file)) as [Obj];
  const versions = (
    crd.spec as { versions: { name: string; schema: { openAPIV3Schema: Record<string, unknown> } }[] }
  ).versions;
  const v2 = versions.find((v) => v.name === 'v2');
  assert.ok(v2, `${file} serves v2`);
  return v2.schema.openAPIV3Schema;
}

const SCHEMAS: Record<string, Record<string, unknown>> = {
  ServiceGroup: crdSchema('servicegroups.purelb.io.yaml'),
  LBNodeAgent: crdSchema('lbnodeagents.purelb.io.yaml'),
};

/** Our CRD schema's verdict on a custom resource, and the defaulted object the server would store. */
function checkCustomResource(obj: Obj): { value: Obj; errors: SchemaError[] } {
  const schema = SCHEMAS[obj.kind];
  assert.ok(schema, `no CRD schema for kind ${obj.kind}`);
  const { value, errors } = checkAgainstSchema(schema, obj, CEL_RULES);
  return { value: value as Obj, errors };
}

function parseWithCore(obj: Obj): { ok: boolean; messages: string[] } {
  const r = obj.kind === 'ServiceGroup' ? parseServiceGroup(obj) : parseLBNodeAgent(obj);
  return r.ok
    ? { ok: true, messages: [] }
    : { ok: false, messages: r.errors.map((e) => `${e.path}: ${e.message}`) };
}

let server: DiscoveryServer;
let workdir: string;
let kubeconfig: string;

async function dryRun(file: string): Promise<Obj[]> {
  const { stdout } = await execFileAsync(
    KUBECTL,
    [
      '--kubeconfig',
      kubeconfig,
      '--cache-dir',
      join(workdir, 'cache'),
      'create',
      '--dry-run=client',
      '--validate=false',
      '-o',
      'json',
      '-f',
      file,
    ],
    { encoding: 'utf8' },
  );
  return jsonStream(stdout).flatMap((o) =>
    o.kind === 'List' && Array.isArray(o.items) ? (o.items as Obj[]) : [o],
  );
}

/** kubectl prints one JSON document per object, back to back: split them at each top-level close. */
function jsonStream(text: string): Obj[] {
  const out: Obj[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)) as Obj);
  }
  assert.equal(depth, 0, 'kubectl output ends inside a JSON object');
  return out;
}

before(async () => {
  server = await startDiscoveryServer(SERVED);
  workdir = mkdtempSync(join(tmpdir(), 'purelb-deploy-'));
  kubeconfig = join(workdir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigFor(server.url));
});

after(async () => {
  await server.close();
  rmSync(workdir, { recursive: true, force: true });
});

describe('deploy/ manifests', () => {
  const files = yamlFiles(DEPLOY).sort();

  it('are all installed by kustomization.yaml, and it lists nothing else', () => {
    const k = parse(readFileSync(join(DEPLOY, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    assert.deepEqual([...k.resources].sort(), files.map((f) => relative(DEPLOY, f)).sort());
    // The CRDs are applied before the objects of their kinds.
    const at = (f: string): number => k.resources.indexOf(f);
    assert.ok(at('crds/servicegroups.purelb.io.yaml') < at('example-servicegroup.yaml'));
    assert.ok(at('crds/lbnodeagents.purelb.io.yaml') < at('default-lbnodeagent.yaml'));
  });

  it('render with `kubectl kustomize` (offline) to every document of every file', async () => {
    const { stdout } = await execFileAsync(KUBECTL, ['kustomize', DEPLOY], { encoding: 'utf8' });
    const rendered = parseAllDocuments(stdout).map((d) => d.toJS() as Obj);
    const expected = files.flatMap(docsOf);
    assert.deepEqual(
      rendered.map((o) => `${o.kind}/${o.metadata.name}`).sort(),
      expected.map((o) => `${o.kind}/${o.metadata.name}`).sort(),
    );
  });

  for (const file of files) {
    const name = relative(DEPLOY, file);
    it(`${name}: kubectl client dry-run, then schema-valid`, async () => {
      const objects = await dryRun(file);
      assert.equal(objects.length, docsOf(file).length, 'kubectl returned every document');
      for (const obj of objects) {
        const key = `${obj.apiVersion}/${obj.kind}`;
        const label = `${name}: ${obj.kind} ${obj.metadata.name}`;
        const Model = BUILT_IN[key];
        if (Model !== undefined) {
          assert.doesNotThrow(() => new Model(obj as never).validate(), label);
        } else {
          assert.equal(obj.apiVersion, 'purelb.io/v2', `${label}: an unexpected kind`);
          const { value, errors } = checkCustomResource(obj);
          assert.deepEqual(errors, [], `${label}: our CRD schema`);
          // The object as written and as the API server stores it (defaults applied) both parse.
          assert.deepEqual(
            parseWithCore(obj),
            { ok: true, messages: [] },
            `${label}: purelb-core, as written`,
          );
          assert.deepEqual(
            parseWithCore(value),
            { ok: true, messages: [] },
            `${label}: purelb-core, defaulted`,
          );
        }
      }
    });
  }

  it('kubectl refuses a kind the cluster does not serve (the dry run can fail)', async () => {
    const file = join(workdir, 'unknown-kind.yaml');
    writeFileSync(
      file,
      'apiVersion: purelb.io/v2\nkind: ServiceGroupp\nmetadata: {name: x, namespace: purelb-system}\n',
    );
    await assert.rejects(dryRun(file), /ServiceGroupp/);
  });

  it('bounds every list and string a validation rule can see (the API server refuses unbounded rule cost)', () => {
    assert.deepEqual(unboundedForRules(SCHEMAS.ServiceGroup ?? {}), []);
    assert.deepEqual(unboundedForRules(SCHEMAS.LBNodeAgent ?? {}), []);
    // ...and the check finds one when it is missing.
    const loose = structuredClone(SCHEMAS.LBNodeAgent ?? {});
    type Node = { properties: Record<string, Node>; maxItems?: number };
    const root = loose as unknown as Node;
    const exprs = root.properties.spec?.properties.nodeSelector?.properties.matchExpressions;
    assert.ok(exprs);
    delete exprs.maxItems;
    assert.deepEqual(unboundedForRules(loose), ['spec.nodeSelector.matchExpressions']);
  });

  it('every CEL rule in the CRDs has a JavaScript twin', () => {
    const rules = [...collectRules(SCHEMAS.ServiceGroup ?? {}), ...collectRules(SCHEMAS.LBNodeAgent ?? {})];
    assert.ok(rules.length >= 8);
    for (const r of rules) assert.ok(r in CEL_RULES, `missing twin for ${r}`);
  });
});

/** A valid ServiceGroup to break one field at a time. */
function serviceGroup(spec: Record<string, unknown>): Obj {
  return {
    apiVersion: 'purelb.io/v2',
    kind: 'ServiceGroup',
    metadata: { name: 'sg', namespace: 'purelb-system' },
    spec,
  };
}
function lbNodeAgent(spec: Record<string, unknown>): Obj {
  return {
    apiVersion: 'purelb.io/v2',
    kind: 'LBNodeAgent',
    metadata: { name: 'a', namespace: 'purelb-system' },
    spec,
  };
}
const POOL = { pool: '172.30.250.50-172.30.250.60', subnet: '172.30.250.0/24' };

/** Rejected by our schema with a message matching `schemaSays`, and by purelb-core too. */
function assertBothReject(obj: Obj, schemaSays: RegExp): void {
  const { errors } = checkCustomResource(obj);
  assert.ok(
    errors.some((e) => schemaSays.test(e.message)),
    `schema errors ${JSON.stringify(errors)} should match ${schemaSays}`,
  );
  assert.equal(parseWithCore(obj).ok, false, 'purelb-core refuses it too');
}

describe('ServiceGroup schema refuses what purelb-core refuses', () => {
  it('accepts the valid base case (so the refusals below are about the one broken field)', () => {
    const obj = serviceGroup({ local: { v4pool: { ...POOL, aggregation: '/32' } } });
    assert.deepEqual(checkCustomResource(obj).errors, []);
    assert.equal(parseWithCore(obj).ok, true);
  });
  it('aggregation "24" without the slash', () => {
    assertBothReject(
      serviceGroup({ local: { v4pool: { ...POOL, aggregation: '24' } } }),
      /spec\.local\.v4pool\.aggregation "24" does not match/,
    );
  });
  it('an aggregation wider than the subnet (/1 would route 128.0.0.0/1 into the virtual interface)', () => {
    assertBothReject(
      serviceGroup({
        remote: { v4pool: { pool: '172.31.1.0/24', subnet: '172.31.0.0/16', aggregation: '/1' } },
      }),
      /must not be wider than the subnet's prefix/,
    );
    const fine = serviceGroup({
      remote: { v4pool: { pool: '172.31.1.0/24', subnet: '172.31.0.0/16', aggregation: '/16' } },
    });
    assert.deepEqual(checkCustomResource(fine).errors, []);
  });
  it('both local and remote', () => {
    assertBothReject(
      serviceGroup({ local: { v4pool: POOL }, remote: { v4pool: POOL } }),
      /exactly one of local or remote/,
    );
  });
  it('neither local nor remote', () => {
    assertBothReject(serviceGroup({ namespaces: ['a'] }), /exactly one of local or remote/);
  });
  it('external (the IPAM sidecar is not supported), also when it is the only one', () => {
    assertBothReject(
      serviceGroup({ external: { provider: 'netbox', announce: 'local' } }),
      /spec\.external .*not supported/,
    );
  });
  it('balancePools with multiPool', () => {
    assertBothReject(
      serviceGroup({ remote: { v4pool: POOL, balancePools: true, multiPool: true } }),
      /mutually exclusive/,
    );
  });
  it('a local group without pools', () => {
    assertBothReject(serviceGroup({ local: { balancePools: true } }), /local has no pools/);
  });
  it('enforceNamespaces without namespaces', () => {
    assertBothReject(
      serviceGroup({ local: { v4pool: POOL }, enforceNamespaces: true }),
      /enforceNamespaces requires/,
    );
  });
  it('a pool without a subnet', () => {
    assertBothReject(
      serviceGroup({ local: { v4pool: { pool: POOL.pool } } }),
      /spec\.local\.v4pool\.subnet is required/,
    );
  });
  it('a namespace that is not a DNS label', () => {
    assertBothReject(serviceGroup({ local: { v4pool: POOL }, namespaces: ['Bad_NS'] }), /namespaces\[0\]/);
  });
  it('a misspelt field is reported, not silently pruned', () => {
    const { errors } = checkCustomResource(serviceGroup({ local: { v4pool: POOL, skipIpv6Dad: true } }));
    assert.ok(
      errors.some((e) => /unknown field spec\.local\.skipIpv6Dad/.test(e.message)),
      JSON.stringify(errors),
    );
  });
  it('defaults booleans to false, as upstream', () => {
    const { value } = checkCustomResource(serviceGroup({ remote: { v4pool: POOL } }));
    const spec = value.spec as { remote: Record<string, unknown>; enforceNamespaces: boolean };
    assert.equal(spec.remote.balancePools, false);
    assert.equal(spec.remote.multiPool, false);
    assert.equal(spec.enforceNamespaces, false);
  });
});

describe('LBNodeAgent schema refuses what purelb-core refuses', () => {
  it('accepts the valid base case and fills upstream defaults', () => {
    const obj = lbNodeAgent({ local: { garpConfig: {} } });
    const { value, errors } = checkCustomResource(obj);
    assert.deepEqual(errors, []);
    const local = (value.spec as { local: Record<string, unknown> }).local;
    assert.equal(local.localInterface, 'default');
    assert.equal(local.dummyInterface, 'kube-lb0');
    assert.deepEqual(local.garpConfig, {
      enabled: true,
      initialDelay: '100ms',
      count: 3,
      interval: '500ms',
      verifyBeforeSend: true,
    });
    assert.equal(parseWithCore(value).ok, true);
  });
  it('garpConfig.count outside 1-10', () => {
    assertBothReject(
      lbNodeAgent({ local: { garpConfig: { count: 11 } } }),
      /garpConfig\.count must be <= 10/,
    );
    assertBothReject(lbNodeAgent({ local: { garpConfig: { count: 0 } } }), /garpConfig\.count must be >= 1/);
  });
  it('a garp interval that is not a Go duration', () => {
    assertBothReject(
      lbNodeAgent({ local: { garpConfig: { interval: '500' } } }),
      /interval "500" does not match/,
    );
  });
  it('a dummy interface name the kernel refuses', () => {
    assertBothReject(
      lbNodeAgent({ local: { dummyInterface: 'kube-lb0-is-too-long' } }),
      /at most 15 characters/,
    );
    assertBothReject(
      lbNodeAgent({ local: { dummyInterface: 'kube:lb0' } }),
      /dummyInterface "kube:lb0" does not match/,
    );
    assertBothReject(lbNodeAgent({ local: { dummyInterface: '..' } }), /must not be "\.", "\.\." or lo/);
  });
  it('lo as the dummy interface, and the dummy also listed in interfaces', () => {
    assertBothReject(lbNodeAgent({ local: { dummyInterface: 'lo' } }), /must not be "\.", "\.\." or lo/);
    assertBothReject(
      lbNodeAgent({ local: { dummyInterface: 'purelb0', interfaces: ['eth0', 'purelb0'] } }),
      /either the dummyInterface or one of interfaces/,
    );
    // The default dummy (kube-lb0) in interfaces is refused too: the default is applied first.
    assertBothReject(lbNodeAgent({ local: { interfaces: ['kube-lb0'] } }), /either the dummyInterface/);
  });
  it('a nodeSelector In without values', () => {
    assertBothReject(
      lbNodeAgent({ nodeSelector: { matchExpressions: [{ key: 'zone', operator: 'In' }] } }),
      /In and NotIn need values/,
    );
  });
  it('preferredLifetime above validLifetime', () => {
    assertBothReject(
      lbNodeAgent({
        local: { addressConfig: { localInterface: { validLifetime: 300, preferredLifetime: 600 } } },
      }),
      /preferredLifetime must not exceed validLifetime/,
    );
  });
  it('lifetimes below 60 s compare as 60 s, as purelb-core raises them', () => {
    const obj = lbNodeAgent({
      local: { addressConfig: { localInterface: { validLifetime: 30, preferredLifetime: 50 } } },
    });
    assert.deepEqual(checkCustomResource(obj).errors, []);
    assert.equal(parseWithCore(obj).ok, true);
  });
});
