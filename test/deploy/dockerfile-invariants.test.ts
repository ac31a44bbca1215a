// The Dockerfile's properties, read from its text (test/image/agent-image.image-test.ts builds and runs
// it): built on Node 24 slim, shipped on Debian slim, a non-root user, no compiler toolchain, the addon
// from its prebuild, one node with the two file capabilities, and entry wrappers that exist here.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');

interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile instructions with comments dropped and backslash continuations joined. */
function instructions(text: string): Instruction[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && current === '')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(current + line);
    current = '';
  }
  return logical
    .filter((l) => l !== '')
    .map((l) => {
      const m = /^(\S+)\s+([\s\S]*)$/.exec(l);
      assert.ok(m, `not an instruction: ${l}`);
      return { op: (m[1] as string).toUpperCase(), args: m[2] as string };
    });
}

const DOCKERFILE = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const ins = instructions(DOCKERFILE);
const runs = ins.filter((i) => i.op === 'RUN').map((i) => i.args);

describe('Dockerfile', () => {
  it('builds on node:24-slim and ships on debian:bookworm-slim, two stages', () => {
    const froms = ins.filter((i) => i.op === 'FROM');
    assert.deepEqual(
      froms.map((f) => f.args),
      ['node:24-slim AS build', 'debian:bookworm-slim'],
    );
  });

  it('runs as a numeric non-root user (so runAsNonRoot can verify it), set after the last RUN', () => {
    const users = ins.map((i, n) => ({ ...i, n })).filter((i) => i.op === 'USER');
    const last = users.at(-1);
    assert.ok(last, 'a USER instruction');
    const uid = Number(last.args.split(':')[0]);
    assert.ok(Number.isInteger(uid) && uid > 0, `USER ${last.args} is numeric and not root`);
    const lastRun = ins.findLastIndex((i) => i.op === 'RUN');
    assert.ok(last.n > lastRun, 'no RUN after USER would run as root again');
    // The DaemonSet and Deployment run as the same uid.
    for (const f of ['deploy/lbnodeagent.yaml', 'deploy/allocator.yaml']) {
      assert.match(readFileSync(join(ROOT, f), 'utf8'), new RegExp(`runAsUser: ${uid}\\b`), f);
    }
  });

  it('installs no compiler: dependencies without scripts, the addon from its prebuild', () => {
    const all = runs.join(' ; ');
    assert.doesNotMatch(all, /\b(build-essential|g\+\+|gcc|clang|make|python3?|node-gyp)\b/);
    assert.ok(
      runs.some((r) => /\bnpm ci\b/.test(r) && r.includes('--ignore-scripts')),
      'npm ci --ignore-scripts',
    );
    assert.ok(
      runs.some((r) => r.includes('npm prune --omit=dev') && r.includes('--ignore-scripts')),
      'dev dependencies pruned',
    );
    assert.ok(
      runs.some((r) => r.includes('cp -a packages/netlink-native/prebuilds /app/packages/netlink-native/')),
    );
    // A development build would be loaded instead of the prebuild (see netlink-native's load.ts).
    const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    assert.ok(ignore.includes('build') && ignore.includes('**/build'), '.dockerignore keeps build/ out');
    assert.ok(ignore.includes('node_modules'), '.dockerignore keeps the host node_modules out');
  });

  it('gives its one node exactly the file capabilities the manifests add, in the layer that adds it', () => {
    const setcap = runs.find((r) => r.includes('setcap'));
    assert.ok(setcap);
    assert.match(setcap, /--mount=type=bind,from=build,source=\/usr\/local\/bin\/node/);
    assert.match(setcap, /install -m 0755 \/mnt\/node \/usr\/local\/bin\/node/);
    assert.match(setcap, /setcap cap_net_admin,cap_net_raw\+ep \/usr\/local\/bin\/node/);
    assert.match(
      setcap,
      /find \/ -xdev -type f -perm \/6000 -exec chmod a-s \{\} \+/,
      'setuid/setgid stripped',
    );
    assert.doesNotMatch(DOCKERFILE, /node-unprivileged/);
    const ds = readFileSync(join(ROOT, 'deploy/lbnodeagent.yaml'), 'utf8');
    assert.match(ds, /add: \[NET_ADMIN, NET_RAW\]/);
  });

  it('runs the allocator (no capabilities in its pod) through the loader, via purelb-agent', () => {
    const wrapper = readFileSync(join(ROOT, 'deploy/image/purelb-agent.sh'), 'utf8');
    assert.match(
      wrapper,
      /allocator \| --help \| -h \| help\) node_unprivileged "\$PURELB_APP\/cli\.js" "\$@"/,
    );
    assert.match(
      readFileSync(join(ROOT, 'deploy/allocator.yaml'), 'utf8'),
      /command: \[purelb-agent, allocator\]/,
    );
  });

  it('copies every workspace package.json before npm ci, and each exists', () => {
    const npmCi = ins.findIndex((i) => i.op === 'RUN' && /\bnpm ci\b/.test(i.args));
    const before = ins.slice(0, npmCi).filter((i) => i.op === 'COPY');
    for (const pkg of ['netlink-native', 'purelb-core', 'agent']) {
      const p = `packages/${pkg}/package.json`;
      assert.ok(
        before.some((c) => c.args.startsWith(`${p} `)),
        `${p} copied before npm ci`,
      );
      assert.ok(existsSync(join(ROOT, p)));
    }
    assert.ok(before.some((c) => c.args.includes('package-lock.json')));
  });

  it('enters through purelb-agent, which runs the compiled agent CLI with $PURELB_NODE_FLAGS', () => {
    const ep = ins.filter((i) => i.op === 'ENTRYPOINT').at(-1);
    assert.ok(ep);
    assert.deepEqual(JSON.parse(ep.args), ['purelb-agent']);
    const copies = ins.filter((i) => i.op === 'COPY').map((i) => i.args);
    for (const [from, to] of [
      ['deploy/image/node-run.sh', '/usr/local/lib/purelb-ts/node-run.sh'],
      ['deploy/image/purelb-agent.sh', '/usr/local/bin/purelb-agent'],
      ['deploy/image/purelb.sh', '/usr/local/bin/purelb'],
    ]) {
      assert.ok(
        copies.some((c) => c.endsWith(`${from} ${to}`)),
        `${from} → ${to}`,
      );
    }
    // The same scripts, pointed at a probe, pass the flags to node on both paths (directly, and through
    // the dynamic loader for the allocator).
    const dir = mkdtempSync(join(tmpdir(), 'purelb-agent-shim-'));
    try {
      const lib = readFileSync(join(ROOT, 'deploy/image/node-run.sh'), 'utf8')
        .replace('PURELB_NODE=/usr/local/bin/node', `PURELB_NODE=${process.execPath}`)
        .replace('PURELB_APP=/opt/purelb-ts/packages/agent/dist', `PURELB_APP=${dir}`);
      writeFileSync(join(dir, 'node-run.sh'), lib);
      const path = join(dir, 'purelb-agent');
      writeFileSync(
        path,
        readFileSync(join(ROOT, 'deploy/image/purelb-agent.sh'), 'utf8').replace(
          '/usr/local/lib/purelb-ts/node-run.sh',
          join(dir, 'node-run.sh'),
        ),
      );
      writeFileSync(
        join(dir, 'cli.js'),
        "console.log(require('node:v8').getHeapStatistics().heap_size_limit >> 20, process.argv.slice(2).join(' '));",
      );
      chmodSync(path, 0o755);
      const env = {
        ...process.env,
        NODE_OPTIONS: '',
        PURELB_NODE_FLAGS: '--max-old-space-size=100 --max-semi-space-size=2',
      };
      for (const first of ['--log-level', 'allocator']) {
        const [heapMB, args] = execFileSync(path, [first, 'info'], { encoding: 'utf8', env })
          .trim()
          .split(' ', 2);
        assert.ok(Number(heapMB) < 200, `the heap cap reached node (limit ${heapMB} MB)`);
        assert.equal(args, first);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
