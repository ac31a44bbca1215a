// `purelb-agent --standalone FILE --netns NS --once` on a seed-shaped node: where each address goes, the
// seed's two-default case, foreign addresses, invalid config and the exit codes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inNetns, ip, netnsUnavailableReason, withNetns } from '../../../test/support/netns.ts';
import {
  addressInfo,
  addSecondDefault,
  ManifestFile,
  runOnce,
  seedShapedNode,
  v4Addresses,
} from './support/agent-process.ts';
import { group, manifests, seedGroups } from './support/manifests.ts';

const skip = netnsUnavailableReason();

const SERVICES = [
  { name: 'web', ip: '172.30.250.53' },
  { name: 'api', ip: '172.31.1.5' },
  { name: 'metrics', ip: '172.31.2.128', namespace: 'monitoring' },
];

describe('purelb-agent --once', { skip }, () => {
  it('puts a local address on enp1s0 as a /24 secondary and remote ones on kube-lb0 as /32 and /24, exit 0', async () => {
    const file = new ManifestFile(manifests(SERVICES));
    try {
      await withNetns(async (ns) => {
        seedShapedNode(ns);
        const r = await runOnce(ns, file.path);
        assert.equal(r.code, 0, r.stderr);
        const held = v4Addresses(ns);
        assert.deepEqual(held.get('enp1s0'), ['172.30.250.104/24', '172.30.250.53/24']);
        assert.equal(addressInfo(ns, 'enp1s0', '172.30.250.53')?.secondary, true);
        assert.deepEqual(held.get('kube-lb0')?.sort(), ['172.31.1.5/32', '172.31.2.128/24']);
        const placed = r.logs.filter((l) => l.msg.startsWith('address placed'));
        assert.deepEqual(placed.map((l) => [l.service, l.ip, l.interface]).sort(), [
          ['default/api', '172.31.1.5', 'kube-lb0'],
          ['default/web', '172.30.250.53', 'enp1s0'],
          ['monitoring/metrics', '172.31.2.128', 'kube-lb0'],
        ]);
        // A second run finds nothing to do.
        const again = await runOnce(ns, file.path);
        assert.equal(again.code, 0);
        assert.deepEqual(
          again.logs.filter((l) => l.msg.startsWith('address ')),
          [],
        );
      });
    } finally {
      file.remove();
    }
  });

  it("with the seed's second equal default route: the local address goes to kube-lb0 and an error names both routes", async () => {
    const file = new ManifestFile(manifests(SERVICES));
    try {
      await withNetns(async (ns) => {
        seedShapedNode(ns);
        addSecondDefault(ns);
        const r = await runOnce(ns, file.path);
        assert.equal(r.code, 0, r.stderr);
        assert.ok(v4Addresses(ns).get('kube-lb0')?.includes('172.30.250.53/32'));
        assert.deepEqual(v4Addresses(ns).get('enp1s0'), ['172.30.250.104/24']);
        const errors = r.logs.filter((l) => l.level === 'error');
        assert.equal(errors.length, 1, r.stderr);
        assert.equal(errors[0]?.service, 'default/web');
        assert.equal(errors[0]?.ip, '172.30.250.53');
        assert.match(
          String(errors[0]?.reason),
          /default via 172\.30\.250\.1 dev enp1s0 metric 100; default via 192\.168\.122\.1 dev enp2s0 metric 100/,
        );
      });
    } finally {
      file.remove();
    }
  });

  it('leaves a foreign address with the same IP on another interface alone, and does not claim its IP', async () => {
    const file = new ManifestFile(manifests(SERVICES));
    try {
      await withNetns(async (ns) => {
        seedShapedNode(ns);
        ip(ns, 'link', 'add', 'other0', 'type', 'veth', 'peer', 'name', 'other1');
        ip(ns, 'addr', 'add', '172.31.1.5/32', 'dev', 'other0');
        const r = await runOnce(ns, file.path);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(v4Addresses(ns).get('other0'), ['172.31.1.5/32']);
        assert.ok(!v4Addresses(ns).get('kube-lb0')?.includes('172.31.1.5/32'), 'the node already uses it');
        const refused = r.logs.find((l) => l.level === 'error' && l.ip === '172.31.1.5');
        assert.equal(refused?.code, 'address-in-use');
        assert.match(String(refused?.reason), /inet 172\.31\.1\.5\/32 dev other0/);
      });
    } finally {
      file.remove();
    }
  });

  it('an invalid ServiceGroup is logged naming the field and skipped; the other groups still place; exit 1', async () => {
    const bad = group('broken', 'remote', '10.9.0.0/24', 'not-a-subnet', '/32');
    const file = new ManifestFile(manifests(SERVICES, [...seedGroups(), bad]));
    try {
      await withNetns(async (ns) => {
        seedShapedNode(ns);
        const r = await runOnce(ns, file.path);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /purelb-agent: invalid configuration: ServiceGroup purelb\/broken/);
        const invalid = r.logs.find((l) => l.level === 'error' && l.kind === 'ServiceGroup');
        assert.equal(invalid?.name, 'purelb/broken');
        assert.equal(invalid?.field, 'spec.remote.v4pool.subnet');
        assert.ok(v4Addresses(ns).get('kube-lb0')?.includes('172.31.1.5/32'));
        assert.ok(v4Addresses(ns).get('enp1s0')?.includes('172.30.250.53/24'));
      });
    } finally {
      file.remove();
    }
  });

  it('a malformed manifest file is a clear error naming the file and line, exit 1, nothing applied', async () => {
    const file = new ManifestFile(`${manifests(SERVICES)}---\nkind: Service\nmetadata: [unclosed\n`);
    try {
      await withNetns(async (ns) => {
        seedShapedNode(ns);
        const r = await runOnce(ns, file.path);
        assert.equal(r.code, 1);
        assert.match(r.stderr, new RegExp(`${file.path.replaceAll('.', '\\.')}:\\d+: invalid YAML`));
        assert.equal(v4Addresses(ns).get('kube-lb0'), undefined);
      });
    } finally {
      file.remove();
    }
  });

  it('a failed operation is logged with service, ip, interface and reason, the rest still applies, exit 1', async () => {
    const v6group = {
      apiVersion: 'purelb.io/v2',
      kind: 'ServiceGroup',
      metadata: { name: 'remote6', namespace: 'purelb' },
      spec: {
        remote: { v6pool: { pool: '2001:db8:9::/120', subnet: '2001:db8:9::/64', aggregation: '/128' } },
      },
    };
    const file = new ManifestFile(
      manifests(
        [
          { name: 'api', ip: '172.31.1.5' },
          { name: 'v6', ip: '2001:db8:9::5' },
        ],
        [...seedGroups(), v6group],
      ),
    );
    try {
      await withNetns(async (ns) => {
        // No interfaces, no routes (the kernel has no main table yet), and IPv6 switched off here:
        // the IPv6 add is refused.
        inNetns(ns, 'sysctl', [
          '-qw',
          'net.ipv6.conf.all.disable_ipv6=1',
          'net.ipv6.conf.default.disable_ipv6=1',
        ]);
        const r = await runOnce(ns, file.path);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /purelb-agent: 1 operation\(s\) failed/);
        const failed = r.logs.find((l) => l.msg.startsWith('failed: add 2001:db8:9::5/128 dev kube-lb0'));
        assert.equal(failed?.service, 'default/v6');
        assert.equal(failed?.ip, '2001:db8:9::5');
        assert.equal(failed?.interface, 'kube-lb0');
        assert.equal(failed?.errno, 'EACCES');
        assert.match(String(failed?.reason), /IPv6 is disabled/);
        assert.deepEqual(v4Addresses(ns).get('kube-lb0'), ['172.31.1.5/32']);
      });
    } finally {
      file.remove();
    }
  });

  it('without an LBNodeAgent for this node, warns that it announces nothing', async () => {
    const file = new ManifestFile(manifests(SERVICES, seedGroups().slice(1)));
    try {
      await withNetns(async (ns) => {
        seedShapedNode(ns);
        const r = await runOnce(ns, file.path);
        assert.equal(r.code, 0, r.stderr);
        const warn = r.logs.find(
          (l) => l.level === 'warn' && l.msg.includes('no LBNodeAgent selects node purelb2-1'),
        );
        assert.ok(warn, r.stderr);
        assert.equal(v4Addresses(ns).get('kube-lb0'), undefined);
        assert.deepEqual(v4Addresses(ns).get('enp1s0'), ['172.30.250.104/24']);
      });
    } finally {
      file.remove();
    }
  });

  it('a usage error exits 2 with the usage text', async () => {
    const r = await runOnce('unused', '/nonexistent', ['--log-level', 'loud']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--log-level must be debug, info, warn or error, got "loud"/);
    assert.match(r.stderr, /usage: purelb-agent --standalone FILE/);
  });
});
