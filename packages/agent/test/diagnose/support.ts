// Runs the real `purelb diagnose` as a child process (Node 24, --conditions=purelb-source), and builds the
// expected state the way an operator's node gets it: the seed-shaped namespace, the real agent in
// --standalone --once mode on a manifest file. Tests then break the node with `ip` and diagnose it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { withNetns } from '../../../../test/support/netns.ts';
import type { Report } from '../../src/diagnose/report.ts';
import type { AddressRow } from '../../src/diagnose/rows.ts';
import { AGENT_ROOT, ManifestFile, runOnce, seedShapedNode } from '../support/agent-process.ts';
import { manifests, type SvcSpec } from '../support/manifests.ts';

const NODE = join(AGENT_ROOT, 'node_modules/.bin/node');
const PURELB = join(AGENT_ROOT, 'packages/agent/src/purelb.ts');

export const THIS_NODE = 'purelb2-1';
/** A local address (enp1s0's subnet) and a virtual one (remote /32 pool). */
export const SEED_SERVICES: SvcSpec[] = [
  { name: 'web', ip: '172.30.250.53' },
  { name: 'api', ip: '172.31.1.5' },
];

export interface DiagnoseRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of an operator's shell: not in a cluster, no NODE_NAME, unless `extra` sets them. */
function childEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of [
    'KUBERNETES_SERVICE_HOST',
    'KUBERNETES_SERVICE_PORT',
    'NODE_NAME',
    'POD_NAMESPACE',
    'NODE_OPTIONS',
  ])
    delete env[k];
  return { ...env, ...extra };
}

export function runDiagnose(args: string[], env: NodeJS.ProcessEnv = {}): Promise<DiagnoseRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(NODE, ['--conditions=purelb-source', PURELB, 'diagnose', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: childEnv(env),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** `purelb diagnose -o json`, parsed; the exit status is returned beside it, not asserted. */
export async function diagnoseJson(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ run: DiagnoseRun; report: Report }> {
  const run = await runDiagnose([...args, '-o', 'json'], env);
  assert.ok(run.code === 0 || run.code === 1, `diagnose could not look (exit ${run.code}): ${run.stderr}`);
  assert.equal(run.stderr, '', 'nothing on stderr when it could look');
  return { run, report: JSON.parse(run.stdout) as Report };
}

/** Standalone diagnosis of the namespace against the file, as node purelb2-1. */
export const standaloneArgs = (ns: string, file: string): string[] => [
  '--standalone',
  file,
  '--netns',
  ns,
  '--node',
  THIS_NODE,
];

export function rowOf(report: Report, ipText: string): AddressRow {
  const row = report.rows.find((r) => r.ip === ipText);
  assert.ok(row, `a row for ${ipText} in ${JSON.stringify(report.rows.map((r) => r.ip))}`);
  return row;
}

/** "code severity ip" of every finding, for whole-list assertions. */
export const findingBriefs = (report: Report): string[] =>
  report.findings.map((f) => `${f.code} ${f.severity} ${f.ip ?? '-'}`);

/**
 * A seed-shaped namespace where the real agent has placed `services` (exit 0 asserted), then fn; the
 * namespace and the file are removed whatever happens.
 */
export async function withPlacedSeedNode(
  fn: (ns: string, file: ManifestFile) => Promise<void>,
  services: SvcSpec[] = SEED_SERVICES,
): Promise<void> {
  await withNetns(async (ns) => {
    const file = new ManifestFile(manifests(services));
    try {
      seedShapedNode(ns);
      const placed = await runOnce(ns, file.path);
      assert.equal(placed.code, 0, `the agent placed the seed node's addresses: ${placed.stderr}`);
      await fn(ns, file);
    } finally {
      file.remove();
    }
  });
}

/** Adds an address tagged as PureLB's (see support/tagged-address.ts). */
export { addTagged as addOwned } from '../support/tagged-address.ts';
