// The published package installs with no compiler and no install scripts, and its one
// Node-API prebuild serves Node 22, 24 and 26: pack the library, install the tarball into a
// throw-away project with scripts blocked and no compiler on PATH, then under each Node open a
// socket in a fresh namespace through the public API and list that namespace's links.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ip, netnsUnavailableReason, withNetns } from '../../../../test/support/netns.ts';
import { nodeFor } from '../../../../test/support/node-versions.ts';

const pkgDir = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
const rootDir = resolve(pkgDir, '..', '..');
const MAJORS = [22, 24, 26];
const skip = netnsUnavailableReason();

const newest = (files: string[]) => Math.max(...files.map((f) => statSync(f).mtimeMs));

/**
 * prebuilds/linux-<arch> built from the current sources (rebuilt only when a source is newer).
 * Both tests of this file build here, one after the other: prebuild.sh builds in the package's
 * build/ directory, so two builds at once would remove each other's.
 */
function freshPrebuild(arch: 'x64' | 'arm64'): string {
  const dir = join(pkgDir, 'prebuilds', `linux-${arch}`);
  const built = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.node')) : [];
  const nativeDir = join(pkgDir, 'src', 'native');
  const sources = readdirSync(nativeDir)
    .filter((f) => /\.(cc|h)$/.test(f))
    .map((f) => join(nativeDir, f))
    .concat(join(pkgDir, 'native.gypi'));
  if (built.length === 0 || newest(built.map((f) => join(dir, f))) < newest(sources)) {
    execFileSync('bash', [join(pkgDir, 'scripts', 'prebuild.sh'), arch], { stdio: 'pipe' });
  }
  const [file] = readdirSync(dir).filter((f) => f.endsWith('.node'));
  assert.ok(file, `prebuild.sh produced no linux-${arch} binary`);
  return join(dir, file);
}

const CHECK = `
import { createRequire } from 'node:module';
import { Netlink } from '@purelb-ts/netlink-native';
const require = createRequire(import.meta.url);
const pkg = new URL('./node_modules/@purelb-ts/netlink-native/', import.meta.url);
const { native } = await import(new URL('dist/native/load.js', pkg));
const loaded = require('node-gyp-build').resolve(pkg.pathname);
const nl = await Netlink.open({ netns: process.argv[2] });
const links = await nl.links.list();
// The packet socket too: a claim watch on pack0 hears a gratuitous ARP sent out of pack1.
const heard = new Promise((resolve, reject) => {
  nl.watchClaims('pack0', { addresses: ['192.0.2.7'], onEvidence: (e) => resolve(e.how), onError: reject })
    .then(() => nl.announce('pack1', '192.0.2.7'), reject);
});
const evidence = await Promise.race([heard, new Promise((r) => setTimeout(() => r('none'), 2000))]);
nl.close();
console.log(JSON.stringify({ version: process.version, napi: native.napiVersion, loaded, links: links.map((l) => l.name).sort(), evidence }));
`;

test('the packed library installs without scripts or a compiler and one prebuild serves Node 22, 24 and 26', {
  skip,
  timeout: 600_000,
}, async () => {
  const nodes = MAJORS.map((m) => [m, nodeFor(m)] as const);
  const prebuild = freshPrebuild('x64');
  const node24 = join(rootDir, 'node_modules', '.bin', 'node');
  execFileSync(
    node24,
    [join(rootDir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(pkgDir, 'tsconfig.build.json')],
    {
      stdio: 'pipe',
    },
  );
  const work = mkdtempSync(join(tmpdir(), 'plbt-pack-'));
  try {
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
        cwd: pkgDir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    ) as { filename: string; files: { path: string }[] }[];
    assert.ok(packed);
    const shipped = packed.files.map((f) => f.path);
    assert.ok(
      shipped.includes(`prebuilds/linux-x64/${prebuild.split('/').pop()}`),
      'the prebuild is in the tarball',
    );
    assert.ok(shipped.includes('dist/index.js') && shipped.includes('dist/native/load.js'));
    assert.ok(
      shipped.includes('binding.gyp') && shipped.includes('native.gypi'),
      'a source build stays possible',
    );
    assert.ok(!shipped.some((f) => f.startsWith('test/') || (f.startsWith('src/') && f.endsWith('.ts'))));

    // PATH holds node and npm only: any attempt to compile (node-gyp, make, g++) would fail.
    const bin = join(work, 'bin');
    mkdirSync(bin);
    symlinkSync(node24, join(bin, 'node'));
    symlinkSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim(), join(bin, 'npm'));
    const env = { ...process.env, PATH: bin, NODE_OPTIONS: '' };
    const noCompiler = spawnSync(
      '/bin/sh',
      ['-c', 'command -v g++ || command -v cc || command -v make || command -v python3'],
      { env },
    );
    assert.notEqual(noCompiler.status, 0, 'the install PATH must not offer a compiler');

    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), '{"name":"pack-check","private":true,"type":"module"}\n');
    writeFileSync(join(app, 'check.mjs'), CHECK);
    const install = spawnSync(
      'npm',
      [
        'install',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        join(work, packed.filename),
      ],
      { cwd: app, env, encoding: 'utf8' },
    );
    assert.equal(install.status, 0, install.stderr);
    const installed = join(app, 'node_modules', '@purelb-ts', 'netlink-native');
    assert.ok(!existsSync(join(installed, 'build')), 'nothing was compiled at install');

    await withNetns(async (ns) => {
      ip(ns, 'link', 'add', 'pack0', 'type', 'veth', 'peer', 'name', 'pack1');
      ip(ns, 'link', 'set', 'pack0', 'up');
      ip(ns, 'link', 'set', 'pack1', 'up');
      for (const [major, node] of nodes) {
        const run = spawnSync(node, ['check.mjs', ns], {
          cwd: app,
          env: { ...env, NODE_OPTIONS: '' },
          encoding: 'utf8',
        });
        assert.equal(run.status, 0, `Node ${major}: ${run.stderr}`);
        const out = JSON.parse(run.stdout) as {
          version: string;
          napi: number;
          loaded: string;
          links: string[];
          evidence: string;
        };
        assert.match(out.version, new RegExp(`^v${major}\\.`));
        assert.equal(out.napi, 8);
        assert.equal(out.loaded, join(installed, 'prebuilds', 'linux-x64', prebuild.split('/').pop() ?? ''));
        assert.deepEqual(out.links, ['lo', 'pack0', 'pack1']);
        assert.equal(out.evidence, 'arp-request');
        console.log(
          `# Node ${out.version}: napi ${out.napi}, links ${out.links.join(' ')}, claim watch heard ${out.evidence}`,
        );
      }
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

/** Why the arm64 check cannot run here (no cross compiler or no qemu-user), or undefined. */
function arm64Unavailable(): string | undefined {
  if (skip) return skip;
  const missing = ['aarch64-linux-gnu-g++', 'qemu-aarch64'].filter(
    (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0,
  );
  return missing.length
    ? `needs ${missing.join(' and ')} (apt-get install g++-aarch64-linux-gnu qemu-user)`
    : undefined;
}

test("the linux-arm64 prebuild loads in an arm64 Node 24 and dumps a namespace's links", {
  skip: arm64Unavailable(),
  timeout: 600_000,
}, async () => {
  freshPrebuild('arm64');
  await withNetns((ns) => {
    const out = execFileSync('bash', [join(pkgDir, 'scripts', 'check-arm64.sh')], {
      env: { ...process.env, CHECK_NETNS: ns },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // A fresh namespace has only lo: RTM_NEWLINK for it, then NLMSG_DONE, in one dump.
    assert.match(out, /^arm64 v24\.\d+\.\d+: napi 8, errnoName\(17\) EEXIST, link dump \d+ bytes, 1 links$/m);
  });
});
