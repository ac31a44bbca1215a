// A node where everything is in place: exit 0, the JSON report field by field (its documented shape),
// and the table's key lines as an operator reads them next to `ip addr` / `ip route`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { netnsUnavailableReason } from '../../../../test/support/netns.ts';
import { REPORT_SCHEMA } from '../../src/diagnose/report.ts';
import { diagnoseJson, runDiagnose, standaloneArgs, THIS_NODE, withPlacedSeedNode } from './support.ts';

const skip = netnsUnavailableReason();

describe('purelb diagnose on a healthy node', { skip }, () => {
  it('-o json: the whole report, field by field, and exit 0', async () => {
    await withPlacedSeedNode(async (ns, file) => {
      const { run, report } = await diagnoseJson(standaloneArgs(ns, file.path));
      assert.equal(run.code, 0);
      assert.deepEqual(Object.keys(report), [
        'schema',
        'node',
        'source',
        'netns',
        'agent',
        'dummyInterface',
        'verdict',
        'exitCode',
        'counts',
        'routes',
        'rows',
        'findings',
      ]);
      assert.equal(report.schema, REPORT_SCHEMA);
      assert.equal(report.node, THIS_NODE);
      assert.equal(report.source, `standalone ${file.path}`);
      assert.equal(report.netns, ns);
      assert.equal(report.agent, 'purelb/default');
      assert.equal(report.dummyInterface, 'kube-lb0');
      assert.equal(report.verdict, 'healthy');
      assert.equal(report.exitCode, 0);
      assert.deepEqual(report.counts, { error: 0, warning: 0, info: 0 });
      const { reason: v4reason, ...v4 } = report.routes.ipv4;
      assert.deepEqual(v4, {
        defaults: ['default via 172.30.250.1 dev enp1s0 metric 100'],
        election: 'elected',
        interface: 'enp1s0',
        candidates: [],
        used: true,
      });
      assert.match(v4reason, /^enp1s0 holds the IPv4 default route the kernel uses/);
      assert.deepEqual(report.routes.ipv6, {
        defaults: [],
        election: 'none',
        interface: null,
        candidates: [],
        reason: 'no IPv6 default route in the main table',
        used: false,
      });
      assert.deepEqual(report.rows, [
        {
          services: ['default/api'],
          ip: '172.31.1.5',
          family: 4,
          expected: {
            kind: 'virtual',
            interface: 'kube-lb0',
            prefixLength: 32,
            text: '172.31.1.5/32 dev kube-lb0',
          },
          notHere: null,
          actual: [
            { interface: 'kube-lb0', prefixLength: 32, owned: true, text: '172.31.1.5/32 dev kube-lb0' },
          ],
          winner: null,
          announcedBy: [],
          verdict: 'ok',
          errors: [],
          findings: [],
        },
        {
          services: ['default/web'],
          ip: '172.30.250.53',
          family: 4,
          expected: {
            kind: 'local',
            interface: 'enp1s0',
            prefixLength: 24,
            text: '172.30.250.53/24 brd 172.30.250.255 dev enp1s0',
          },
          notHere: null,
          actual: [
            {
              interface: 'enp1s0',
              prefixLength: 24,
              owned: true,
              text: '172.30.250.53/24 brd 172.30.250.255 dev enp1s0',
            },
          ],
          winner: THIS_NODE,
          announcedBy: [],
          verdict: 'ok',
          errors: [],
          findings: [],
        },
      ]);
      assert.deepEqual(report.findings, []);
    });
  });

  it('the table: header, routes, aligned rows, no findings, the verdict; exit 0', async () => {
    await withPlacedSeedNode(async (ns, file) => {
      const run = await runDiagnose(standaloneArgs(ns, file.path));
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, '');
      const lines = run.stdout.trimEnd().split('\n');
      assert.equal(lines[0], `node ${THIS_NODE}, netns ${ns}: standalone ${file.path}`);
      assert.equal(lines[1], 'LBNodeAgent purelb/default, dummy dev kube-lb0');
      assert.deepEqual(lines.slice(3, 9), [
        'IPv4 default routes (main table):',
        '    default via 172.30.250.1 dev enp1s0 metric 100',
        '    local interface: dev enp1s0',
        'IPv6 default routes (main table):',
        '    none',
        '    local interface: none (no address of this family needs it)',
      ]);
      const header = lines.findIndex((l) => l.startsWith('SERVICE '));
      assert.ok(header > 0, run.stdout);
      const table = lines.slice(header, header + 3);
      assert.match(table[0] ?? '', /^SERVICE +IP +EXPECTED +ACTUAL +WINNER +VERDICT$/);
      assert.match(
        table[1] ?? '',
        /^default\/api +172\.31\.1\.5 +172\.31\.1\.5\/32 dev kube-lb0 +172\.31\.1\.5\/32 dev kube-lb0 +every node +ok$/,
      );
      assert.match(
        table[2] ?? '',
        /^default\/web +172\.30\.250\.53 +172\.30\.250\.53\/24 brd 172\.30\.250\.255 dev enp1s0 +172\.30\.250\.53\/24 brd 172\.30\.250\.255 dev enp1s0 +this node +ok$/,
      );
      // Aligned: every column starts at the same offset in each line.
      for (const word of ['IP', 'EXPECTED', 'ACTUAL', 'WINNER', 'VERDICT']) {
        const at = (table[0] ?? '').indexOf(` ${word}`) + 1;
        for (const row of table.slice(1)) assert.notEqual(row[at - 1], undefined, row);
        for (const row of table.slice(1))
          assert.ok(row[at - 2] === ' ' && row[at] !== ' ', `${word} aligned in "${row}"`);
      }
      assert.equal(lines.at(-3), 'no findings');
      assert.equal(lines.at(-1), 'verdict: healthy');
    });
  });
});
