// `purelb-agent allocator` as a process: bad flags are a usage error (exit 2) naming the flag; an
// address it cannot listen on stops it (exit 1) naming the address;
// two replicas against the fake API server with the leader killed (SIGKILL, no hand-back) mid-burst
// end with every Service holding its own address, none shown twice; /metrics and /readyz answer.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { withFakeApiServer, writeKubeconfig } from '../../../../test/support/kube.ts';
import { RunningCli } from '../support/agent-process.ts';
import { duplicates, eventually, group, lb, NS } from './harness.ts';

const ROOT = resolve(import.meta.dirname, '../../../..');
const run = (...args: string[]) =>
  spawnSync(
    join(ROOT, 'node_modules/.bin/node'),
    ['--conditions=purelb-source', join(ROOT, 'packages/agent/src/cli.ts'), 'allocator', ...args],
    {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    },
  );

for (const [args, message] of [
  [['--bogus'], /Unknown option '--bogus'/],
  [['--metrics-port', 'abc'], /--metrics-port must be an integer from 0 to 65535, got "abc"/],
  [['--metrics-address', '*'], /--metrics-address must be IP addresses separated by commas, got "\*"/],
  [['--log-level', 'loud'], /--log-level must be debug, info, warn or error, got "loud"/],
  [['--lease-duration', '1'], /--lease-duration must be an integer from 2 to 3600, got "1"/],
  [['--namespace', ''], /--namespace must not be empty/],
] as const) {
  test(`allocator ${args.join(' ')}: usage error, exit 2`, () => {
    const r = run(...args);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.match(r.stderr, /usage: purelb-agent allocator/);
  });
}

test('allocator --help prints the usage and exits 0', () => {
  const r = run('--help');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /--default-announcer/);
});

test('allocator on an address the host does not have: start-up fails naming it, exit 1', () => {
  // It fails before talking to the API server, so the kubeconfig may point nowhere.
  const dir = mkdtempSync(join(tmpdir(), 'purelb-allocator-cli-'));
  try {
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: 'http://127.0.0.1:1' } }],
        users: [{ name: 'u', user: {} }],
        contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'x',
      }),
    );
    const r = run('--kubeconfig', kubeconfig, '--metrics-address', '192.0.2.1');
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stderr,
      /purelb-agent allocator: cannot serve \/metrics on 192\.0\.2\.1:7473: .*EADDRNOTAVAIL.*see --metrics-address/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('two allocator processes, the leader SIGKILLed mid-burst: all allocated, no address twice', () =>
  withFakeApiServer(
    async (server) => {
      server.apply(group('default', { v4: ['10.1.0.0/24'] }));
      const kc = writeKubeconfig(server);
      const svcR = server.resource('v1', 'Service');
      const shown = () =>
        new Map(
          server.store
            .list(svcR)
            .map((s) => [
              s.metadata.name,
              (
                (s.status as { loadBalancer?: { ingress?: { ip: string }[] } } | undefined)?.loadBalancer
                  ?.ingress ?? []
              ).map((e) => e.ip),
            ]),
        );
      const start = () =>
        new RunningCli([
          'allocator',
          '--kubeconfig',
          kc.kubeconfig,
          '--namespace',
          NS,
          '--lease-duration',
          '2',
          '--metrics-port',
          '0',
        ]);
      const procs = [start(), start()];
      try {
        const leads = (p: RunningCli) => p.logs.some((l) => l.msg === 'leading: this allocator now acts');
        await eventually('one process leads', () => procs.some(leads), 20_000);
        const leader = procs.find(leads) as RunningCli;
        const standby = procs.find((p) => p !== leader) as RunningCli;
        const port = Number(leader.logs.find((l) => l.msg === 'purelb allocator starting')?.port);
        const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
        assert.equal(ready.status, 200);

        for (let i = 0; i < 15; i++) server.apply(lb(`s${i}`));
        await eventually(
          'part of the burst allocated',
          () => [...shown().values()].some((l) => l.length > 0),
          20_000,
        );
        await leader.stop('SIGKILL');
        for (let i = 15; i < 30; i++) server.apply(lb(`s${i}`));
        await standby.until('the standby leads', () => leads(standby), 20_000);
        await eventually(
          'all 30 allocated',
          () => [...shown().values()].filter((l) => l.length === 1).length === 30,
          20_000,
        );
        assert.deepEqual(duplicates(shown()), []);
        const metrics = await (
          await fetch(
            `http://127.0.0.1:${Number(standby.logs.find((l) => l.msg === 'purelb allocator starting')?.port)}/metrics`,
          )
        ).text();
        assert.match(metrics, /purelb_allocator_is_leader 1/);
        assert.equal(await standby.stop('SIGTERM'), 0);
        assert.ok(standby.logs.some((l) => l.msg === 'leader lease handed back'));
      } finally {
        for (const p of procs) await p.stop('SIGKILL');
        kc.cleanup();
      }
    },
    { namespaces: ['default', NS] },
  ));
