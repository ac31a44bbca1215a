// ServiceGroup parsing: resolved pools and defaults for valid groups; every error with its path and value.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseServiceGroup } from '../../src/config/service-group.ts';
import type { ValidationIssue } from '../../src/config/types.ts';
import type { CustomResource } from '../../src/kube.ts';
import { formatCidr } from '../../src/net/cidr.ts';
import { assertIssues, type ExpectedIssue } from './expect-issues.ts';

const sg = (spec: unknown, name = 'default'): CustomResource => ({
  apiVersion: 'purelb.io/v2',
  kind: 'ServiceGroup',
  metadata: { name, namespace: 'purelb-system' },
  spec,
});

const errorsOf = (obj: CustomResource): ValidationIssue[] => {
  const r = parseServiceGroup(obj);
  assert.equal(r.ok, false, 'expected errors');
  return r.ok ? [] : r.errors;
};

describe('valid ServiceGroups', () => {
  it('the seed local group: one v4pool, aggregation default = the subnet mask', () => {
    const r = parseServiceGroup(
      sg({
        local: {
          v4pool: { pool: '172.30.250.50-172.30.250.60', subnet: '172.30.250.0/24', aggregation: 'default' },
        },
      }),
    );
    assert.ok(r.ok);
    const g = r.value;
    assert.equal(g.name, 'default');
    assert.equal(g.namespace, 'purelb-system');
    assert.equal(g.type, 'local');
    assert.equal(g.pools.length, 1);
    const p = g.pools[0]!;
    assert.equal(p.family, 4);
    assert.equal(p.pool, '172.30.250.50-172.30.250.60');
    assert.equal(p.first, 0xac1efa32n);
    assert.equal(p.last, 0xac1efa3cn);
    assert.equal(formatCidr(p.subnet), '172.30.250.0/24');
    assert.equal(p.aggregation, 24);
    assert.equal(p.aggregationText, 'default');
    assert.equal(p.path, 'spec.local.v4pool');
    assert.deepEqual(
      [g.balancePools, g.multiPool, g.skipIPv6DAD, g.namespaces, g.enforceNamespaces, g.namespaceDefault],
      [false, false, false, [], false, false],
    );
  });

  it('a remote dual-stack group: pools in v4pool, v4pools, v6pool, v6pools order with their aggregation', () => {
    const r = parseServiceGroup(
      sg({
        remote: {
          v6pools: [{ pool: 'fd00:2::/120', subnet: 'fd00:2::/64', aggregation: '/128' }],
          v6pool: { pool: 'fd00:1::1-fd00:1::ff', subnet: 'fd00:1::/64' },
          v4pools: [
            { pool: '172.31.2.128/25', subnet: '172.31.2.0/24', aggregation: '' },
            { pool: '172.31.3.0/24', subnet: '172.31.3.0/24', aggregation: '/26' },
          ],
          v4pool: { pool: '172.31.1.0/24', subnet: '172.31.1.0/24', aggregation: '/32' },
          balancePools: true,
        },
        namespaces: ['team-a', 'team-b'],
        enforceNamespaces: true,
        namespaceDefault: true,
      }),
    );
    assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
    const g = r.value;
    assert.equal(g.type, 'remote');
    assert.deepEqual(
      g.pools.map((p) => [p.path, p.family, p.aggregation]),
      [
        ['spec.remote.v4pool', 4, 32],
        ['spec.remote.v4pools[0]', 4, 24],
        ['spec.remote.v4pools[1]', 4, 26],
        ['spec.remote.v6pool', 6, 64],
        ['spec.remote.v6pools[0]', 6, 128],
      ],
    );
    assert.equal(g.balancePools, true);
    assert.deepEqual(g.namespaces, ['team-a', 'team-b']);
    assert.equal(g.enforceNamespaces, true);
    assert.equal(g.namespaceDefault, true);
  });

  it('local skipIPv6DAD and multiPool', () => {
    const r = parseServiceGroup(
      sg({
        local: { v6pool: { pool: 'fd00::100/120', subnet: 'fd00::/64' }, skipIPv6DAD: true, multiPool: true },
      }),
    );
    assert.ok(r.ok);
    assert.equal(r.value.skipIPv6DAD, true);
    assert.equal(r.value.multiPool, true);
  });

  it('a missing namespace is "default"; apiVersion and kind may be omitted', () => {
    const r = parseServiceGroup({
      metadata: { name: 'x' },
      spec: { remote: { v4pool: { pool: '10.0.0.0/24', subnet: '10.0.0.0/16' } } },
    });
    assert.ok(r.ok);
    assert.equal(r.value.namespace, 'default');
  });
});

// Each row: a spec, and the [path, value, message pattern] errors it must produce (exactly these).
const errorCases: [string, unknown, ExpectedIssue[]][] = [
  [
    'spec.external is refused as unsupported',
    { external: { provider: 'netbox', announce: 'local' } },
    [
      [
        'spec.external',
        { provider: 'netbox', announce: 'local' },
        /external IPAM sidecar groups are not supported/,
      ],
    ],
  ],
  ['neither local nor remote', {}, [['spec', {}, /exactly one of local or remote/]]],
  [
    'both local and remote',
    {
      local: { v4pool: { pool: '10.0.0.0/24', subnet: '10.0.0.0/24' } },
      remote: { v4pool: { pool: '10.1.0.0/24', subnet: '10.1.0.0/24' } },
    },
    [['spec', ['local', 'remote'], /found local and remote/]],
  ],
  ['no pools at all', { remote: {} }, [['spec.remote', {}, /has no pools/]]],
  ['local: with nothing under it', { local: null }, [['spec.local', {}, /has no pools/]]],
  [
    'remote that is a string',
    { remote: '10.0.0.0/24' },
    [['spec.remote', '10.0.0.0/24', /must be an object/]],
  ],
  [
    'a bad CIDR pool',
    { remote: { v4pool: { pool: '10.0.0.0/33', subnet: '10.0.0.0/16' } } },
    [['spec.remote.v4pool.pool', '10.0.0.0/33', /prefix length must be 0\.\.32/]],
  ],
  [
    'a pool CIDR with host bits set',
    { remote: { v4pool: { pool: '10.0.0.7/24', subnet: '10.0.0.0/16' } } },
    [['spec.remote.v4pool.pool', '10.0.0.7/24', /did you mean 10\.0\.0\.0\/24/]],
  ],
  [
    'a backwards range',
    { remote: { v4pools: [{ pool: '10.0.0.9-10.0.0.1', subnet: '10.0.0.0/24' }] } },
    [['spec.remote.v4pools[0].pool', '10.0.0.9-10.0.0.1', /first address is above the last/]],
  ],
  [
    'a pool outside its subnet',
    { local: { v4pools: [{ pool: '10.0.0.250-10.0.1.5', subnet: '10.0.0.0/24' }] } },
    [['spec.local.v4pools[0].subnet', '10.0.0.0/24', /does not contain pool 10\.0\.0\.250-10\.0\.1\.5/]],
  ],
  [
    'an IPv6 pool under v4pool',
    { remote: { v4pool: { pool: 'fd00::/120', subnet: 'fd00::/64' } } },
    [
      ['spec.remote.v4pool.pool', 'fd00::/120', /must hold IPv4 addresses/],
      ['spec.remote.v4pool.subnet', 'fd00::/64', /must be an IPv4 CIDR/],
    ],
  ],
  [
    'an IPv4 subnet under v6pools',
    { remote: { v6pools: [{ pool: 'fd00::/120', subnet: '10.0.0.0/8' }] } },
    [['spec.remote.v6pools[0].subnet', '10.0.0.0/8', /must be an IPv6 CIDR/]],
  ],
  [
    'missing pool and subnet',
    { remote: { v4pool: {} } },
    [
      ['spec.remote.v4pool.pool', undefined, /pool is required/],
      ['spec.remote.v4pool.subnet', undefined, /subnet is required/],
    ],
  ],
  [
    'a pool entry that is not an object',
    { remote: { v4pools: ['10.0.0.0/24'] } },
    [['spec.remote.v4pools[0]', '10.0.0.0/24', /must be an object/]],
  ],
  [
    'aggregation "24" without the slash',
    { remote: { v4pool: { pool: '10.0.0.0/24', subnet: '10.0.0.0/24', aggregation: '24' } } },
    [['spec.remote.v4pool.aggregation', '24', /did you mean "\/24"\?/]],
  ],
  [
    'aggregation /33 on IPv4',
    { remote: { v4pool: { pool: '10.0.0.0/24', subnet: '10.0.0.0/24', aggregation: '/33' } } },
    [['spec.remote.v4pool.aggregation', '/33', /outside \/1\.\.\/32 for IPv4/]],
  ],
  [
    'aggregation /129 on IPv6',
    { remote: { v6pool: { pool: 'fd00::/120', subnet: 'fd00::/64', aggregation: '/129' } } },
    [['spec.remote.v6pool.aggregation', '/129', /outside \/1\.\.\/128 for IPv6/]],
  ],
  [
    'aggregation wider than the subnet (/1 would route 128.0.0.0/1 into the virtual interface)',
    { remote: { v4pool: { pool: '172.31.1.0/24', subnet: '172.31.0.0/16', aggregation: '/1' } } },
    [
      [
        'spec.remote.v4pool.aggregation',
        '/1',
        /wider than the subnet 172\.31\.0\.0\/16: .*route to 128\.0\.0\.0\/1.*use \/16 to \/32/,
      ],
    ],
  ],
  [
    'IPv6 aggregation wider than the subnet',
    { local: { v6pool: { pool: 'fd00::/120', subnet: 'fd00::/64', aggregation: '/48' } } },
    [['spec.local.v6pool.aggregation', '/48', /wider than the subnet fd00::\/64/]],
  ],
  [
    'aggregation /0',
    { remote: { v4pool: { pool: '10.0.0.0/24', subnet: '10.0.0.0/24', aggregation: '/0' } } },
    [['spec.remote.v4pool.aggregation', '/0', /outside/]],
  ],
  [
    'aggregation that is not a string',
    { remote: { v4pool: { pool: '10.0.0.0/24', subnet: '10.0.0.0/24', aggregation: 32 } } },
    [['spec.remote.v4pool.aggregation', 32, /must be a string/]],
  ],
  [
    'two overlapping CIDR pools',
    {
      remote: {
        v4pools: [
          { pool: '10.0.0.0/24', subnet: '10.0.0.0/16' },
          { pool: '10.0.0.128/25', subnet: '10.0.0.0/16' },
        ],
      },
    },
    [
      [
        'spec.remote.v4pools[1].pool',
        '10.0.0.128/25',
        /overlaps pool 10\.0\.0\.0\/24 at spec\.remote\.v4pools\[0\]\.pool/,
      ],
    ],
  ],
  [
    'a range wholly inside another range (upstream misses this)',
    {
      local: {
        v4pool: { pool: '10.0.0.1-10.0.0.100', subnet: '10.0.0.0/24' },
        v4pools: [{ pool: '10.0.0.10-10.0.0.20', subnet: '10.0.0.0/24' }],
      },
    },
    [
      [
        'spec.local.v4pools[0].pool',
        '10.0.0.10-10.0.0.20',
        /overlaps pool 10\.0\.0\.1-10\.0\.0\.100 at spec\.local\.v4pool\.pool/,
      ],
    ],
  ],
  [
    'balancePools with multiPool',
    {
      remote: { v4pool: { pool: '10.0.0.0/24', subnet: '10.0.0.0/24' }, balancePools: true, multiPool: true },
    },
    [['spec.remote.multiPool', true, /mutually exclusive/]],
  ],
  [
    'skipIPv6DAD on a remote group is an unknown key',
    { remote: { v6pool: { pool: 'fd00::/120', subnet: 'fd00::/64' }, skipIPv6DAD: true } },
    [['spec.remote.skipIPv6DAD', true, /unknown field "skipIPv6DAD"/]],
  ],
  [
    'unknown keys at every level',
    {
      local: { v4pool: { pool: '10.0.0.0/24', subnet: '10.0.0.0/24', agregation: '/32' }, v4Pool: {} },
      namespace: ['a'],
    },
    [
      ['spec.namespace', ['a'], /unknown field "namespace" in spec/],
      ['spec.local.v4Pool', {}, /unknown field "v4Pool" in spec\.local/],
      ['spec.local.v4pool.agregation', '/32', /unknown field "agregation" in spec\.local\.v4pool/],
    ],
  ],
  [
    'booleans that are strings',
    { remote: { v4pool: { pool: '10.0.0.0/24', subnet: '10.0.0.0/24' }, balancePools: 'yes' } },
    [['spec.remote.balancePools', 'yes', /must be true or false/]],
  ],
  [
    'a bad namespace name',
    { remote: { v4pool: { pool: '10.0.0.0/24', subnet: '10.0.0.0/24' } }, namespaces: ['ok', 'Not_OK'] },
    [['spec.namespaces[1]', 'Not_OK', /not a valid namespace name/]],
  ],
  [
    'enforceNamespaces and namespaceDefault without namespaces',
    {
      remote: { v4pool: { pool: '10.0.0.0/24', subnet: '10.0.0.0/24' } },
      enforceNamespaces: true,
      namespaceDefault: true,
    },
    [
      ['spec.enforceNamespaces', true, /requires a non-empty namespaces list/],
      ['spec.namespaceDefault', true, /requires a non-empty namespaces list/],
    ],
  ],
  [
    'v4pools that is not a list',
    { remote: { v4pools: { pool: '10.0.0.0/24' } } },
    [['spec.remote.v4pools', { pool: '10.0.0.0/24' }, /must be a list/]],
  ],
];

describe('every error names its path and value', () => {
  for (const [name, spec, want] of errorCases) {
    it(name, () => {
      const errors = errorsOf(sg(spec));
      assertIssues(errors, want);
    });
  }

  it('errors are collected across the object, not stopped at the first', () => {
    const errors = errorsOf({
      apiVersion: 'purelb.io/v1',
      kind: 'ServiceGroup',
      metadata: { name: '' },
      spec: {
        local: {
          v4pool: { pool: 'nope', subnet: '10.0.0.0/24' },
          v6pools: [{ pool: 'fd00::/120', subnet: 'fd00::/64', aggregation: '64' }],
        },
      },
    });
    assert.deepEqual(errors.map((e) => e.path).sort(), [
      'apiVersion',
      'metadata.name',
      'spec.local.v4pool.pool',
      'spec.local.v6pools[0].aggregation',
    ]);
  });

  it('a missing or non-object spec, or a non-object input, is an error, not a crash', () => {
    assert.deepEqual(
      errorsOf({ metadata: { name: 'a' } }).map((e) => e.path),
      ['spec'],
    );
    assert.deepEqual(
      errorsOf({ metadata: { name: 'a' }, spec: 'local' }).map((e) => [e.path, e.value]),
      [['spec', 'local']],
    );
    assert.deepEqual(
      errorsOf(null as unknown as CustomResource).map((e) => e.path),
      [''],
    );
    assert.deepEqual(
      errorsOf({
        kind: 'LBNodeAgent',
        metadata: { name: 'a' },
        spec: { remote: { v4pool: { pool: '10.0.0.0/24', subnet: '10.0.0.0/24' } } },
      }).map((e) => [e.path, e.value]),
      [['kind', 'LBNodeAgent']],
    );
  });
});
