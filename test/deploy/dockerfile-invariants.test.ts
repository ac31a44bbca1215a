// No Docker engine runs here, so the Dockerfile is not built; these are the properties it must keep:
// the Node 24 slim base, a non-root user, no compiler toolchain, the addon from its prebuild, the
// dependency install the brief fixes, and an entrypoint that exists in the repository.
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
  it('builds on node:24-slim, in one stage', () => {
    const froms = ins.filter((i) => i.op === 'FROM');
    assert.deepEqual(
      froms.map((f) => f.args),
      ['node:24-slim'],
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
      runs.some((r) => /\bnpm ci\b/.test(r) && r.includes('--omit=dev') && r.includes('--ignore-scripts')),
      'npm ci --omit=dev --ignore-scripts',
    );
    const copies = ins.filter((i) => i.op === 'COPY').map((i) => i.args);
    assert.ok(copies.some((c) => c.startsWith('packages/netlink-native/prebuilds ')));
    // A development build would be loaded instead of the prebuild (see netlink-native's load.ts).
    const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    assert.ok(ignore.includes('build') && ignore.includes('**/build'), '.dockerignore keeps build/ out');
    assert.ok(ignore.includes('node_modules'), '.dockerignore keeps the host node_modules out');
  });

  it('gives node exactly the file capabilities the manifests add (NET_ADMIN, NET_RAW)', () => {
    const setcap = runs.find((r) => r.includes('setcap'));
    assert.ok(setcap);
    assert.match(setcap, /setcap cap_net_admin,cap_net_raw\+ep \/usr\/local\/bin\/node/);
    assert.match(setcap, /apt-get purge[^;&]*libcap2-bin/, 'the setcap tool is removed again');
    const ds = readFileSync(join(ROOT, 'deploy/lbnodeagent.yaml'), 'utf8');
    assert.match(ds, /add: \[NET_ADMIN, NET_RAW\]/);
  });

  it('runs the allocator (no capabilities in its pod) on a node copied before setcap, via purelb-agent', () => {
    const copy = ins.findIndex(
      (i) => i.op === 'RUN' && i.args.includes('cp /usr/local/bin/node /usr/local/bin/node-unprivileged'),
    );
    const setcap = ins.findIndex((i) => i.op === 'RUN' && i.args.includes('setcap'));
    assert.ok(copy >= 0 && copy < setcap, 'the unprivileged copy is taken before setcap');
    const wrapper = ins[copy]?.args ?? '';
    assert.match(wrapper, /> \/usr\/local\/bin\/purelb-agent/);
    assert.match(
      wrapper,
      /"\$1" = allocator \]; then exec \/usr\/local\/bin\/node-unprivileged \$PURELB_NODE_FLAGS --conditions=source \/opt\/purelb-ts\/packages\/agent\/src\/cli\.ts "\$@"/,
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

  it('enters through purelb-agent, which runs the agent CLI with the source condition and $PURELB_NODE_FLAGS', () => {
    const ep = ins.filter((i) => i.op === 'ENTRYPOINT').at(-1);
    assert.ok(ep);
    assert.deepEqual(JSON.parse(ep.args), ['purelb-agent']);
    const wrapper = ins.find((i) => i.op === 'RUN' && i.args.includes('> /usr/local/bin/purelb-agent'));
    const text = /printf '([^']*)'/.exec(wrapper?.args ?? '')?.[1]?.replaceAll('\\n', '\n') ?? '';
    assert.match(
      text,
      /\nexec node \$PURELB_NODE_FLAGS --conditions=source \/opt\/purelb-ts\/packages\/agent\/src\/cli\.ts "\$@"\n$/,
    );
    assert.ok(existsSync(join(ROOT, 'packages/agent/src/cli.ts')));
    // ...and is inside what the image copies.
    assert.ok(ins.some((i) => i.op === 'COPY' && i.args.startsWith('packages/agent/src ')));
    // The same script, pointed at this checkout, passes the flags to node (here: a heap cap node reports).
    const dir = mkdtempSync(join(tmpdir(), 'purelb-agent-shim-'));
    try {
      const path = join(dir, 'purelb-agent');
      writeFileSync(
        path,
        text
          .replaceAll('/opt/purelb-ts/packages/agent/src/cli.ts', join(dir, 'probe.js'))
          .replaceAll('/opt/purelb-ts', ROOT),
      );
      writeFileSync(
        join(dir, 'probe.js'),
        "console.log(require('node:v8').getHeapStatistics().heap_size_limit >> 20, process.argv.slice(2).join(' '));",
      );
      chmodSync(path, 0o755);
      const env = {
        ...process.env,
        NODE_OPTIONS: '',
        PURELB_NODE_FLAGS: '--max-old-space-size=100 --max-semi-space-size=2',
        PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH ?? ''}`,
      };
      const [heapMB, args] = execFileSync(path, ['--log-level', 'info'], { encoding: 'utf8', env })
        .trim()
        .split(' ', 2);
      assert.ok(Number(heapMB) < 200, `the heap cap reached node (limit ${heapMB} MB)`);
      assert.equal(args, '--log-level');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
