// What a user gets from npm, tried as a user tries it. From a clean copy of this checkout (its files,
// none of its dist/ or prebuilds/): `npm run build`, `npm pack --workspaces`, then the three tarballs
// installed into a throw-away project with install scripts blocked and no compiler on PATH. Both bins
// answer --help on stdout through npx; purelb-agent --once places the seed's addresses in a fresh
// namespace; the library opens a socket in a namespace under Node 22, 24 and 26; under Node 20 every
// entry point names the Node it needs; core installed alone (no addon) runs an election test; and
// `npm publish --dry-run` accepts each tarball.
import assert from 'node:assert/strict';
import { execFileSync, type SpawnSyncOptions, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { seedShapedNode, v4Addresses } from '../packages/agent/test/support/agent-process.ts';
import { manifests } from '../packages/agent/test/support/manifests.ts';
import { ip, netnsUnavailableReason, withNetns } from './support/netns.ts';
import { nodeFor } from './support/node-versions.ts';

const rootDir = resolve(import.meta.dirname, '..');
const node24 = join(rootDir, 'node_modules', '.bin', 'node');
const skip = netnsUnavailableReason();

const PACKAGE_DIRS: Record<string, string> = {
  '@purelb-ts/agent': 'agent',
  '@purelb-ts/core': 'purelb-core',
  '@purelb-ts/netlink-native': 'netlink-native',
};

interface Packed {
  name: string;
  filename: string;
  size: number;
  files: { path: string }[];
}

/** The checkout's files (tracked, and new ones not ignored) in `dest`, with node_modules linked in. */
function cleanCopy(dest: string): void {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: rootDir,
    encoding: 'utf8',
  });
  for (const file of new Set(listed.split('\0'))) {
    if (file === '' || !existsSync(join(rootDir, file))) continue; // deleted but not yet committed
    mkdirSync(dirname(join(dest, file)), { recursive: true });
    copyFileSync(join(rootDir, file), join(dest, file));
  }
  // The dependencies are the checkout's, but the workspace links must point into the copy.
  const modules = join(dest, 'node_modules');
  mkdirSync(join(modules, '@purelb-ts'), { recursive: true });
  for (const entry of readdirSync(join(rootDir, 'node_modules'))) {
    if (entry !== '@purelb-ts') symlinkSync(join(rootDir, 'node_modules', entry), join(modules, entry));
  }
  for (const [name, dir] of Object.entries(PACKAGE_DIRS)) {
    symlinkSync(join(dest, 'packages', dir), join(modules, name));
  }
}

function run(cmd: string, args: string[], options: SpawnSyncOptions) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 300_000, ...options });
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Relative link targets in a Markdown file. */
const relativeLinks = (markdown: string) =>
  [...markdown.matchAll(/\]\(([^)#\s]+)[^)]*\)/g)].map((m) => m[1] ?? '').filter((t) => !/^[a-z]+:/.test(t));

const LIBRARY_CHECK = `
import { Netlink } from '@purelb-ts/netlink-native';
const nl = await Netlink.open({ netns: process.argv[2] });
const links = await nl.links.list();
nl.close();
console.log(JSON.stringify({ version: process.version, links: links.map((l) => l.name).sort() }));
`;

const ELECTION_TEST = `
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { electWinner, parseCidr, rankNodes } from '@purelb-ts/core';

test('only the node whose subnet holds the address can win it', () => {
  const members = [
    { node: 'node-a', subnets: [parseCidr('192.168.1.0/24')], expiresAt: Infinity },
    { node: 'node-b', subnets: [parseCidr('10.0.0.0/8')], expiresAt: Infinity },
  ];
  assert.deepEqual(electWinner('192.168.1.10', members), { winner: 'node-a', candidates: ['node-a'] });
  assert.equal(electWinner('172.16.0.1', members).winner, undefined);
});

test('nodes rank by sha256(node#ip), as every PureLB agent computes it', () => {
  const key = (n) => createHash('sha256').update(n + '#10.0.0.5').digest('hex');
  const nodes = ['n1', 'n2', 'n3', 'n4'];
  assert.deepEqual(rankNodes('10.0.0.5', nodes), [...nodes].sort((a, b) => (key(a) < key(b) ? -1 : 1)));
});
`;

test('the packed packages install without scripts and work as a user gets them', {
  skip,
  timeout: 900_000,
}, async () => {
  const started = Date.now();
  const node20 = nodeFor(20);
  const libraryNodes = [22, 26].map((m) => [m, nodeFor(m)] as const);
  const work = mkdtempSync(join(tmpdir(), 'plbt-published-'));
  try {
    const repo = join(work, 'repo');
    cleanCopy(repo);
    const build = run('npm', ['run', 'build'], { cwd: repo });
    assert.equal(build.status, 0, `npm run build: ${build.stdout}${build.stderr}`);

    const tarballs = join(work, 'tarballs');
    mkdirSync(tarballs);
    const pack = run('npm', ['pack', '--workspaces', '--json', '--pack-destination', tarballs], {
      cwd: repo,
    });
    assert.equal(pack.status, 0, pack.stderr);
    const packed = new Map((JSON.parse(pack.stdout) as Packed[]).map((p) => [p.name, p]));
    assert.deepEqual([...packed.keys()].sort(), [
      '@purelb-ts/agent',
      '@purelb-ts/core',
      '@purelb-ts/netlink-native',
    ]);
    const tarball = (name: string) => join(tarballs, packed.get(name)?.filename ?? '');

    for (const [name, p] of packed) {
      const files = p.files.map((f) => f.path);
      for (const needed of ['README.md', 'LICENSE', 'package.json', 'dist/index.js', 'dist/index.d.ts']) {
        assert.ok(files.includes(needed), `${name} ships ${needed}`);
      }
      assert.match(readFileSync(join(repo, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0/);
      const stray = files.filter(
        (f) =>
          /^(test|bench|examples|scripts)\//.test(f) || /^src\/.*\.ts$/.test(f) || f.startsWith('tsconfig'),
      );
      assert.deepEqual(stray, [], `${name} ships only what it needs`);
      // What package.json points at is in the tarball, but for the checkout's own "purelb-source"
      // condition (src/, see docs/releasing.md); a consumer's common "source" condition is not ours.
      const manifest = JSON.parse(
        readFileSync(join(repo, 'packages', PACKAGE_DIRS[name] ?? '', 'package.json'), 'utf8'),
      );
      const targets = [
        ...Object.entries(manifest.exports['.'] as Record<string, string>)
          .filter(([condition]) => condition !== 'purelb-source')
          .map(([, target]) => target),
        ...Object.values((manifest.bin ?? {}) as Record<string, string>),
      ].map((t) => t.replace(/^\.\//, ''));
      assert.deepEqual(
        targets.filter((t) => !files.includes(t)),
        [],
        `${name}: exports and bin point into the tarball`,
      );
      const dir = join(
        repo,
        'packages',
        name === '@purelb-ts/core' ? 'purelb-core' : (name.split('/')[1] ?? ''),
      );
      const missing = relativeLinks(readFileSync(join(dir, 'README.md'), 'utf8')).filter(
        (t) => !files.includes(t),
      );
      assert.deepEqual(missing, [], `${name}'s README links only files its tarball has`);
      console.log(`# ${p.filename}: ${(p.size / 1024).toFixed(0)} KiB packed, ${files.length} files`);
    }
    const nlFiles = packed.get('@purelb-ts/netlink-native')?.files.map((f) => f.path) ?? [];
    assert.ok(
      nlFiles.some((f) => /^prebuilds\/linux-x64\/.*\.node$/.test(f)),
      'the linux-x64 prebuild is in the tarball',
    );

    // PATH holds node (24), npm, npx and sh only: any attempt to compile at install would fail.
    const bin = join(work, 'bin');
    mkdirSync(bin);
    symlinkSync(node24, join(bin, 'node'));
    for (const tool of ['npm', 'npx', 'sh']) {
      symlinkSync(
        execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(),
        join(bin, tool),
      );
    }
    // Without $HOST_IP / $METRICS_ADDRESS, which would point the agent at the host's addresses.
    const { HOST_IP: _h, METRICS_ADDRESS: _m, ...inherited } = process.env;
    const env: NodeJS.ProcessEnv = { ...inherited, PATH: bin, NODE_OPTIONS: '' };
    const install = (app: string, names: string[]) => {
      mkdirSync(app);
      writeFileSync(join(app, 'package.json'), '{"name":"consumer","private":true,"type":"module"}\n');
      const r = run(
        'npm',
        ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', ...names.map(tarball)],
        { cwd: app, env },
      );
      assert.equal(r.status, 0, r.stderr);
    };

    const app = join(work, 'app');
    install(app, ['@purelb-ts/netlink-native', '@purelb-ts/core', '@purelb-ts/agent']);
    const installed = join(app, 'node_modules', '@purelb-ts');
    assert.ok(!existsSync(join(installed, 'netlink-native', 'build')), 'nothing was compiled at install');

    // The bins, through npx, under Node 24.
    for (const [command, usage] of [
      ['purelb-agent', /^usage: purelb-agent /],
      ['purelb', /^usage: purelb /],
    ] as const) {
      const script = readFileSync(join(app, 'node_modules', '.bin', command), 'utf8');
      assert.ok(script.startsWith('#!/usr/bin/env node\n'), `${command} starts with a shebang`);
      const help = run('npx', ['--no-install', command, '--help'], { cwd: app, env });
      assert.equal(help.status, 0, `${command} --help: ${help.stderr}`);
      assert.match(help.stdout, usage);
      assert.equal(help.stderr, '', `${command} --help writes nothing to stderr`);
    }

    // Under Node 20 every entry point names the Node it needs and exits non-zero.
    const entries: [string, string[]][] = [
      ['purelb-agent', [join(app, 'node_modules', '.bin', 'purelb-agent'), '--help']],
      ['purelb', [join(app, 'node_modules', '.bin', 'purelb'), '--help']],
      ['netlink-native', ['--input-type=module', '-e', "import '@purelb-ts/netlink-native';"]],
      ['agent library', ['--input-type=module', '-e', "import '@purelb-ts/agent';"]],
    ];
    for (const [what, args] of entries) {
      const old = run(node20, args, { cwd: app, env });
      assert.notEqual(old.status, 0, `${what} under Node 20 exits non-zero`);
      assert.match(old.stderr, /needs Node\.js >= 22\.19 \(this is Node\.js v20\./, `${what} under Node 20`);
    }

    // The agent itself, in a namespace shaped like the seed's node; the library under 22, 24 and 26.
    const file = join(work, 'manifests.yaml');
    writeFileSync(file, manifests([{ name: 'web', ip: '172.30.250.53' }]));
    writeFileSync(join(app, 'check.mjs'), LIBRARY_CHECK);
    await withNetns(async (ns) => {
      seedShapedNode(ns);
      const args = [
        '--standalone',
        file,
        '--once',
        '--netns',
        ns,
        '--node',
        'purelb2-1',
        '--metrics-port',
        '0',
      ];
      const once = run('npx', ['--no-install', 'purelb-agent', ...args], { cwd: app, env });
      assert.equal(once.status, 0, once.stderr);
      assert.deepEqual(v4Addresses(ns).get('enp1s0'), ['172.30.250.104/24', '172.30.250.53/24']);
      assert.match(ip(ns, 'addr', 'show', 'dev', 'enp1s0'), /172\.30\.250\.53\/24/);

      for (const [major, node] of [[24, node24] as const, ...libraryNodes]) {
        const r = run(node, ['check.mjs', ns], { cwd: app, env });
        assert.equal(r.status, 0, `Node ${major}: ${r.stderr}`);
        const out = JSON.parse(r.stdout) as { version: string; links: string[] };
        assert.match(out.version, new RegExp(`^v${major}\\.`));
        assert.deepEqual(out.links, ['enp1s0', 'lo', 'uplink0']);
      }
    });

    // Core alone: no addon comes with it, and an election test is a few lines.
    const coreApp = join(work, 'core-only');
    install(coreApp, ['@purelb-ts/core']);
    assert.deepEqual(
      readdirSync(join(coreApp, 'node_modules', '@purelb-ts')),
      ['core'],
      'core brings no addon',
    );
    writeFileSync(join(coreApp, 'election.test.mjs'), ELECTION_TEST);
    // Without NODE_TEST_CONTEXT, which would make the inner runner report to this one instead of stdout.
    const { NODE_TEST_CONTEXT: _c, ...outside } = env;
    const unit = run(node24, ['--test', '--test-reporter=tap', 'election.test.mjs'], {
      cwd: coreApp,
      env: outside,
    });
    assert.equal(unit.status, 0, unit.stdout + unit.stderr);
    assert.match(unit.stdout, /# pass 2\n/);

    // The registry would take each one (a dry run: nothing is sent).
    for (const name of packed.keys()) {
      const dry = run('npm', ['publish', '--dry-run', '--ignore-scripts', tarball(name)], { cwd: work, env });
      assert.equal(dry.status, 0, `npm publish --dry-run ${name}: ${dry.stderr}`);
    }
    console.log(`# built, packed, installed and run in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
