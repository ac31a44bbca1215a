// A bad edit degrades one thing, never everything: an LBNodeAgent or ServiceGroup edited into something
// invalid keeps its last valid version in force (nothing is withdrawn), one malformed Service costs that
// Service only, and at start, with no valid version ever seen, what the invalid object governs is left
// exactly as it is. Configuration accepted but probably wrong is a warning naming the objects.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { netnsUnavailableReason, withNetns } from '../../../../test/support/netns.ts';
import { diagnoseJson, findingBriefs, standaloneArgs } from '../diagnose/support.ts';
import {
  ManifestFile,
  type RunningAgent,
  runOnce,
  seedShapedNode,
  withWatchingAgent,
} from '../support/agent-process.ts';
import { group, manifests, seedGroups, service } from '../support/manifests.ts';
import { addressesOf, addTagged, sleep } from './support.ts';

const skip = netnsUnavailableReason();
const SERVICES = [
  { name: 'web', ip: '172.30.250.53' },
  { name: 'api', ip: '172.31.1.5' },
];
const PLACED = ['172.30.250.53/24 enp1s0', '172.31.1.5/32 kube-lb0'];
const placedNow = (ns: string) => PLACED.filter((a) => addressesOf(ns).includes(a));

/** The seed's configuration with the LBNodeAgent's localInterface (or a pool) replaced. */
function withAgentRegex(localInterface: string): object[] {
  const [agent, ...rest] = seedGroups() as [{ spec: { local: Record<string, unknown> } }, ...object[]];
  return [{ ...agent, spec: { local: { ...agent.spec.local, localInterface } } }, ...rest];
}

/** The agent watching `text` on the seed-shaped node, re-reading everything every second. */
const withResyncingAgent = (
  text: string,
  fn: (ns: string, agent: RunningAgent, file: ManifestFile) => Promise<void>,
): Promise<void> => withWatchingAgent(text, fn, { args: ['--resync', '1'] });

describe('a bad edit degrades one thing only', { skip }, () => {
  it('an LBNodeAgent edited to a regex typo keeps its last valid version: nothing is withdrawn', async () => {
    await withResyncingAgent(manifests(SERVICES, withAgentRegex('enp')), async (ns, agent, file) => {
      await agent.until('placed', () => placedNow(ns).length === 2);
      file.write(manifests(SERVICES, withAgentRegex('([')));
      await agent.until('the typo is reported', () =>
        agent.logs.some((l) => l.level === 'error' && l.field === 'spec.local.localInterface'),
      );
      await sleep(2500); // two resyncs
      assert.deepEqual(placedNow(ns), PLACED);
      assert.ok(!agent.logs.some((l) => l.msg.startsWith('address withdrawn')));
      const line = agent.logs.find((l) => l.field === 'spec.local.localInterface');
      assert.match(String(line?.msg), /is invalid: .*its last valid version stays in force/);
    });
  });

  it("a ServiceGroup edited to a reversed range keeps its last valid version: the group's addresses stay", async () => {
    const reversed = group('remote32', 'remote', '172.31.1.9-172.31.1.1', '172.31.0.0/16', '/32');
    const edited = seedGroups().map((g) =>
      (g as { metadata: { name: string } }).metadata.name === 'remote32' ? reversed : g,
    );
    await withResyncingAgent(manifests(SERVICES), async (ns, agent, file) => {
      await agent.until('placed', () => placedNow(ns).length === 2);
      file.write(manifests(SERVICES, edited));
      await agent.until('the edit is reported', () =>
        agent.logs.some(
          (l) => l.level === 'error' && l.kind === 'ServiceGroup' && l.name === 'purelb/remote32',
        ),
      );
      await sleep(2500);
      assert.deepEqual(placedNow(ns), PLACED);
    });
  });

  it('invalid at start with no valid version: nothing of what it governs is added or removed, and the log says why', async () => {
    const file = new ManifestFile(manifests(SERVICES, withAgentRegex('([')));
    try {
      await withNetns(async (ns) => {
        seedShapedNode(ns);
        // Left by an earlier run of the agent: PureLB's, but no valid LBNodeAgent says what to do with it.
        await addTagged(ns, '172.31.1.77/32', 'enp1s0');
        const r = await runOnce(ns, file.path);
        assert.equal(r.code, 1);
        assert.ok(addressesOf(ns).includes('172.31.1.77/32 enp1s0'), 'not removed');
        assert.deepEqual(placedNow(ns), [], 'not placed either');
        const why = r.logs.find((l) => l.level === 'error' && l.ip === '172.30.250.53');
        assert.match(
          String(why?.reason),
          /LBNodeAgent purelb\/default is invalid .*nothing on node purelb2-1 is changed/,
        );
      });
    } finally {
      file.remove();
    }
  });

  it('one Service with a malformed status (ingress as a string, an IP as a number) costs that Service only', async () => {
    const bad = service({ name: 'bad', ip: '172.31.1.9' }) as { status: unknown };
    bad.status = { loadBalancer: { ingress: '172.30.250.58' } };
    const worse = service({ name: 'worse', ip: '172.31.1.8' }) as {
      status: { loadBalancer: { ingress: { ip: unknown }[] } };
    };
    worse.status.loadBalancer.ingress[0]!.ip = 2887646778;
    const text = [
      ...seedGroups().map((d) => stringify(d)),
      stringify({ apiVersion: 'v1', kind: 'List', items: [...SERVICES.map(service), bad, worse] }),
    ].join('---\n');
    const file = new ManifestFile(text);
    try {
      await withNetns(async (ns) => {
        seedShapedNode(ns);
        const r = await runOnce(ns, file.path);
        assert.deepEqual(placedNow(ns), PLACED, r.stderr);
        assert.ok(!r.logs.some((l) => l.msg === 'reconcile failed'), 'no TypeError escapes the reconcile');
        const rejected = r.logs
          .filter((l) => l.level === 'error' && l.kind === 'Service')
          .map((l) => [l.name, l.field]);
        assert.deepEqual(rejected, [
          ['default/bad', 'status.loadBalancer.ingress'],
          ['default/worse', 'status.loadBalancer.ingress[0].ip'],
        ]);
        const { report } = await diagnoseJson(standaloneArgs(ns, file.path));
        assert.deepEqual(findingBriefs(report), ['invalid-object error -', 'invalid-object error -']);
      });
    } finally {
      file.remove();
    }
  });
});

describe('nothing is accepted in silence', { skip }, () => {
  it('overlapping groups, one address on two unshared Services, interfaces: [eth9], kind: Sevrice: each a warning naming the objects', async () => {
    const [agent, ...groups] = seedGroups() as [{ spec: { local: Record<string, unknown> } }, ...object[]];
    const config = [
      { ...agent, spec: { local: { ...agent.spec.local, interfaces: ['eth9'] } } },
      ...groups,
      group('also', 'remote', '172.31.1.128/25', '172.31.0.0/16', '/32'),
    ];
    const typo = { ...(service({ name: 'typo', ip: '172.31.1.20' }) as object), kind: 'Sevrice' };
    const text = [
      ...config.map((d) => stringify(d)),
      stringify(typo),
      stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [...SERVICES, { name: 'twin', ip: '172.31.1.5' }].map(service),
      }),
    ].join('---\n');
    const file = new ManifestFile(text);
    try {
      await withNetns(async (ns) => {
        seedShapedNode(ns);
        const r = await runOnce(ns, file.path);
        assert.equal(r.code, 0, r.stderr);
        const warned = r.logs.filter((l) => l.level === 'warn' && l.code !== undefined).map((l) => l.code);
        assert.deepEqual(warned.sort(), [
          'overlapping-groups',
          'shared-ip-without-sharing',
          'unknown-interface',
          'unknown-kind',
        ]);
        const kind = r.logs.find((l) => l.code === 'unknown-kind');
        assert.match(String(kind?.msg), /a Sevrice default\/typo is ignored.*did you mean Service\?/);
        const { report } = await diagnoseJson(standaloneArgs(ns, file.path));
        assert.deepEqual(report.findings.map((f) => f.code).sort(), [
          'overlapping-groups',
          'shared-ip-without-sharing',
          'unknown-interface',
          'unknown-kind',
        ]);
      });
    } finally {
      file.remove();
    }
  });
});
