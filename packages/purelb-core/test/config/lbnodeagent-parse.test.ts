// LBNodeAgent parsing: upstream defaults, lifetimes, GARP, interface names, regexes; errors by path.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLBNodeAgent } from '../../src/config/lbnodeagent.ts';
import type { LBNodeAgentConfig, ValidationIssue } from '../../src/config/types.ts';
import type { CustomResource } from '../../src/kube.ts';
import { assertIssues, type ExpectedIssue } from './expect-issues.ts';

const agent = (spec: unknown): CustomResource => ({
  apiVersion: 'purelb.io/v2',
  kind: 'LBNodeAgent',
  metadata: { name: 'default', namespace: 'purelb-system' },
  spec,
});
const ok = (spec: unknown): LBNodeAgentConfig => {
  const r = parseLBNodeAgent(agent(spec));
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  return r.value;
};
const errorsOf = (spec: unknown): ValidationIssue[] => {
  const r = parseLBNodeAgent(agent(spec));
  assert.equal(r.ok, false);
  return r.ok ? [] : r.errors;
};

describe('defaults (as upstream)', () => {
  it('an empty local: default interface, kube-lb0, no GARP, 300 s noprefixroute local, permanent dummy, cordoned nodes avoided', () => {
    const a = ok({ local: {} });
    assert.equal(a.name, 'default');
    assert.equal(a.namespace, 'purelb-system');
    assert.equal(a.nodeSelector, undefined);
    assert.deepEqual(a.local, {
      localInterface: 'default',
      dummyInterface: 'kube-lb0',
      interfaces: [],
      garp: undefined,
      addressConfig: {
        localInterface: { validLifetime: 300, preferredLifetime: 300, noPrefixRoute: true },
        dummyInterface: { validLifetime: Infinity, preferredLifetime: Infinity, noPrefixRoute: false },
      },
      avoidCordonedNodes: true,
    });
    assert.equal(ok({ local: { avoidCordonedNodes: false } }).local?.avoidCordonedNodes, false);
  });
  it('no local: the agent has no local config', () => {
    assert.equal(ok({}).local, undefined);
    assert.equal(ok(undefined).local, undefined);
  });
  it('localInterface "" and "default" both mean the default-route interface; dummyInterface "" is kube-lb0', () => {
    assert.equal(ok({ local: { localInterface: '' } }).local!.localInterface, 'default');
    assert.equal(ok({ local: { localInterface: 'default' } }).local!.localInterface, 'default');
    assert.equal(ok({ local: { dummyInterface: '' } }).local!.dummyInterface, 'kube-lb0');
  });
  it('an empty garpConfig turns GARP on with its defaults', () => {
    assert.deepEqual(ok({ local: { garpConfig: {} } }).local!.garp, {
      enabled: true,
      initialDelayMs: 100,
      count: 3,
      intervalMs: 500,
      verifyBeforeSend: true,
    });
  });
});

describe('settings', () => {
  it('a regex localInterface is kept unanchored', () => {
    const li = ok({ local: { localInterface: 'enp' } }).local!.localInterface;
    assert.notEqual(li, 'default');
    if (li === 'default') return;
    assert.equal(li.pattern, 'enp');
    assert.ok(li.regex.test('enp1s0'));
    assert.ok(li.regex.test('xenp0'));
    assert.ok(!li.regex.test('eth0'));
  });
  it('dummyInterface, interfaces and garpConfig as written', () => {
    const a = ok({
      local: {
        dummyInterface: 'purelb0',
        interfaces: ['eth1', 'bond0.100'],
        garpConfig: {
          enabled: false,
          initialDelay: '1.5s',
          count: 10,
          interval: '1m30s',
          verifyBeforeSend: false,
        },
      },
    });
    assert.equal(a.local!.dummyInterface, 'purelb0');
    assert.deepEqual(a.local!.interfaces, ['eth1', 'bond0.100']);
    assert.deepEqual(a.local!.garp, {
      enabled: false,
      initialDelayMs: 1500,
      count: 10,
      intervalMs: 90_000,
      verifyBeforeSend: false,
    });
  });

  const lifetimes: [
    string,
    unknown,
    { validLifetime: number; preferredLifetime: number; noPrefixRoute: boolean },
  ][] = [
    [
      '0 means forever',
      { validLifetime: 0, preferredLifetime: 0 },
      { validLifetime: Infinity, preferredLifetime: Infinity, noPrefixRoute: true },
    ],
    [
      'below 60 is raised to 60',
      { validLifetime: 10, preferredLifetime: 5 },
      { validLifetime: 60, preferredLifetime: 60, noPrefixRoute: true },
    ],
    [
      'preferred defaults to valid',
      { validLifetime: 900 },
      { validLifetime: 900, preferredLifetime: 900, noPrefixRoute: true },
    ],
    [
      'preferred below valid',
      { validLifetime: 900, preferredLifetime: 120, noPrefixRoute: false },
      { validLifetime: 900, preferredLifetime: 120, noPrefixRoute: false },
    ],
    [
      'finite preferred under a forever valid',
      { validLifetime: 0, preferredLifetime: 600 },
      { validLifetime: Infinity, preferredLifetime: 600, noPrefixRoute: true },
    ],
  ];
  for (const [name, cfg, want] of lifetimes) {
    it(`addressConfig lifetimes: ${name}`, () => {
      assert.deepEqual(
        ok({ local: { addressConfig: { localInterface: cfg } } }).local!.addressConfig.localInterface,
        want,
      );
    });
  }
  it('dummyInterface lifetimes keep their own defaults when only localInterface is set', () => {
    const ac = ok({ local: { addressConfig: { localInterface: { validLifetime: 600 } } } }).local!
      .addressConfig;
    assert.deepEqual(ac.dummyInterface, {
      validLifetime: Infinity,
      preferredLifetime: Infinity,
      noPrefixRoute: false,
    });
  });
  it('a nodeSelector is kept', () => {
    const a = ok({
      nodeSelector: {
        matchLabels: { 'kubernetes.io/os': 'linux' },
        matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }],
      },
      local: {},
    });
    assert.deepEqual(a.nodeSelector, {
      matchLabels: { 'kubernetes.io/os': 'linux' },
      matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }],
    });
  });
});

const errorCases: [string, unknown, ExpectedIssue[]][] = [
  [
    'an invalid regex',
    { local: { localInterface: 'enp(' } },
    [['spec.local.localInterface', 'enp(', /invalid regular expression/]],
  ],
  [
    'a dummy name over 15 characters',
    { local: { dummyInterface: 'a-very-long-name0' } },
    [['spec.local.dummyInterface', 'a-very-long-name0', /longer than 15/]],
  ],
  [
    'a dummy name with a slash',
    { local: { dummyInterface: 'kube/lb' } },
    [['spec.local.dummyInterface', 'kube/lb', /must not contain/]],
  ],
  [
    'a dummy name with whitespace',
    { local: { dummyInterface: 'kube lb' } },
    [['spec.local.dummyInterface', 'kube lb', /must not contain/]],
  ],
  [
    'a dummy named ".."',
    { local: { dummyInterface: '..' } },
    [['spec.local.dummyInterface', '..', /not a valid interface name/]],
  ],
  [
    'lo as the dummy: PureLB would add routes to and remove addresses from the loopback',
    { local: { dummyInterface: 'lo' } },
    [['spec.local.dummyInterface', 'lo', /must not be lo/]],
  ],
  [
    'the dummy also listed in interfaces[]',
    { local: { dummyInterface: 'purelb0', interfaces: ['eth0', 'purelb0'] } },
    [['spec.local.interfaces[1]', 'purelb0', /is the dummyInterface/]],
  ],
  [
    'a dummy that is not a string',
    { local: { dummyInterface: 7 } },
    [['spec.local.dummyInterface', 7, /must be a string/]],
  ],
  [
    'a bad name in interfaces[]',
    { local: { interfaces: ['eth0', '.', 'x'.repeat(16)] } },
    [
      ['spec.local.interfaces[1]', '.', /not a valid interface name/],
      ['spec.local.interfaces[2]', 'x'.repeat(16), /longer than 15/],
    ],
  ],
  [
    'interfaces[] holding a number',
    { local: { interfaces: [3] } },
    [['spec.local.interfaces[0]', 3, /must be a string/]],
  ],
  [
    'garp count 0',
    { local: { garpConfig: { count: 0 } } },
    [['spec.local.garpConfig.count', 0, /integer from 1 to 10/]],
  ],
  [
    'garp count 11',
    { local: { garpConfig: { count: 11 } } },
    [['spec.local.garpConfig.count', 11, /integer from 1 to 10/]],
  ],
  [
    'garp count 2.5',
    { local: { garpConfig: { count: 2.5 } } },
    [['spec.local.garpConfig.count', 2.5, /integer from 1 to 10/]],
  ],
  [
    'a bad duration',
    { local: { garpConfig: { initialDelay: '100' } } },
    [['spec.local.garpConfig.initialDelay', '100', /not a duration/]],
  ],
  [
    'a negative duration',
    { local: { garpConfig: { interval: '-1s' } } },
    [['spec.local.garpConfig.interval', '-1s', /negative/]],
  ],
  [
    'a numeric duration',
    { local: { garpConfig: { interval: 500 } } },
    [['spec.local.garpConfig.interval', 500, /duration string/]],
  ],
  [
    'garp enabled as a string',
    { local: { garpConfig: { enabled: 'true' } } },
    [['spec.local.garpConfig.enabled', 'true', /true or false/]],
  ],
  [
    'preferred above valid',
    { local: { addressConfig: { localInterface: { validLifetime: 300, preferredLifetime: 600 } } } },
    [
      [
        'spec.local.addressConfig.localInterface.preferredLifetime',
        600,
        /must not exceed validLifetime \(300 s\)/,
      ],
    ],
  ],
  [
    'preferred forever with a finite valid',
    { local: { addressConfig: { dummyInterface: { validLifetime: 300, preferredLifetime: 0 } } } },
    [
      [
        'spec.local.addressConfig.dummyInterface.preferredLifetime',
        0,
        /\(forever\) must not exceed validLifetime \(300 s\)/,
      ],
    ],
  ],
  [
    'a negative lifetime',
    { local: { addressConfig: { localInterface: { validLifetime: -1 } } } },
    [['spec.local.addressConfig.localInterface.validLifetime', -1, /whole number of seconds/]],
  ],
  [
    'a string lifetime',
    { local: { addressConfig: { localInterface: { validLifetime: '300s' } } } },
    [['spec.local.addressConfig.localInterface.validLifetime', '300s', /whole number of seconds/]],
  ],
  [
    'unknown keys at every level',
    {
      nodeselector: {},
      local: {
        localinterface: 'eth0',
        addressGuard: {},
        garpConfig: { retries: 2 },
        addressConfig: { local: {}, dummyInterface: { validLifetme: 1 } },
      },
    },
    [
      ['spec.nodeselector', {}, /unknown field "nodeselector" in spec/],
      ['spec.local.localinterface', 'eth0', /unknown field/],
      ['spec.local.addressGuard', {}, /unknown field/],
      ['spec.local.garpConfig.retries', 2, /unknown field/],
      ['spec.local.addressConfig.local', {}, /unknown field/],
      ['spec.local.addressConfig.dummyInterface.validLifetme', 1, /unknown field/],
    ],
  ],
  [
    'a bad selector operator',
    { nodeSelector: { matchExpressions: [{ key: 'zone', operator: 'Equals', values: ['a'] }] } },
    [['spec.nodeSelector.matchExpressions[0].operator', 'Equals', /one of In, NotIn, Exists, DoesNotExist/]],
  ],
  [
    'In without values',
    { nodeSelector: { matchExpressions: [{ key: 'zone', operator: 'In' }] } },
    [['spec.nodeSelector.matchExpressions[0].values', undefined, /needs at least one value/]],
  ],
  [
    'Exists with values',
    { nodeSelector: { matchExpressions: [{ key: 'zone', operator: 'Exists', values: ['a'] }] } },
    [['spec.nodeSelector.matchExpressions[0].values', ['a'], /takes no values/]],
  ],
  [
    'a bad label key and value',
    { nodeSelector: { matchLabels: { 'bad key': 'x', zone: 'a b' } } },
    [
      ['spec.nodeSelector.matchLabels.bad key', 'bad key', /not a valid label key/],
      ['spec.nodeSelector.matchLabels.zone', 'a b', /not a valid label value/],
    ],
  ],
  [
    'a missing expression key',
    { nodeSelector: { matchExpressions: [{ operator: 'Exists' }] } },
    [['spec.nodeSelector.matchExpressions[0].key', undefined, /key is required/]],
  ],
  [
    'a selector that is a string',
    { nodeSelector: 'zone=a' },
    [['spec.nodeSelector', 'zone=a', /label selector object/]],
  ],
  [
    'a non-string expression value',
    { nodeSelector: { matchExpressions: [{ key: 'zone', operator: 'In', values: [1] }] } },
    [['spec.nodeSelector.matchExpressions[0].values[0]', 1, /values must be strings/]],
  ],
];

describe('every error names its path and value', () => {
  for (const [name, spec, want] of errorCases) {
    it(name, () => {
      const errors = errorsOf(spec);
      assertIssues(errors, want);
    });
  }
  it('a missing name and a wrong apiVersion are reported together with spec errors', () => {
    const r = parseLBNodeAgent({
      apiVersion: 'purelb.io/v1',
      metadata: { name: '' },
      spec: { local: { localInterface: '[' } },
    });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.deepEqual(r.errors.map((e) => e.path).sort(), [
      'apiVersion',
      'metadata.name',
      'spec.local.localInterface',
    ]);
  });
});
