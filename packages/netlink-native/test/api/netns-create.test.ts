// createNetns / deleteNetns against iproute2 both ways: what one makes, the other lists, enters
// and removes. Every name here is `plbt-<pid>-own-<n>` (test/support/netns.ts sweeps leftovers of
// dead test processes by that prefix) and is deleted in a finally, whatever the test did.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createNetns, deleteNetns, Netlink, NetlinkError } from '../../src/index.ts';
import { ip, ipLinks, needsNetns } from './support.ts';

let counter = 0;
const ownName = (): string => `plbt-${process.pid}-own-${counter++}`;

function ipNetnsList(): string[] {
  const out = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return out.split('\n').map((line) => line.split(' ')[0] ?? '');
}

/** Removes whatever a test left under the name, with iproute2 (not the code under test). */
function cleanUp(name: string): void {
  if (existsSync(`/var/run/netns/${name}`)) execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
}

async function withNames(count: number, fn: (names: string[]) => Promise<void>): Promise<void> {
  const names = Array.from({ length: count }, ownName);
  try {
    await fn(names);
  } finally {
    for (const name of names) cleanUp(name);
  }
}

const threadNamespaces = (): string[] =>
  readdirSync('/proc/self/task').map((tid) => readlinkSync(`/proc/self/task/${tid}/ns/net`));

const rejectsWith = (code: string, operation: RegExp) => (err: unknown) => {
  assert.ok(err instanceof NetlinkError, `a NetlinkError, got ${String(err)}`);
  assert.equal(err.code, code);
  assert.match(err.operation, operation);
  return true;
};

test(
  'createNetns makes a namespace `ip netns` lists and a handle can enter; no thread of ours moves',
  needsNetns,
  () =>
    withNames(1, async ([name = '']) => {
      const own = readlinkSync('/proc/self/ns/net');
      const path = await createNetns(name);
      assert.equal(path, `/var/run/netns/${name}`);
      assert.ok(ipNetnsList().includes(name), '`ip netns list` shows it');
      assert.deepEqual(new Set(threadNamespaces()), new Set([own]), 'every thread is still in our namespace');
      assert.notEqual(statSync(path).ino, statSync('/proc/self/ns/net').ino, 'a namespace of its own');

      const nl = await Netlink.open({ netns: name });
      try {
        assert.deepEqual(
          (await nl.links.list()).map((l) => l.name),
          ['lo'],
          'a new namespace holds only lo',
        );
        await nl.links.create({ name: 'made-there0', kind: 'ifb' });
      } finally {
        nl.close();
      }
      assert.ok(
        ipLinks(name).some((l) => l.ifname === 'made-there0'),
        '`ip -n` sees the link',
      );
      const here = await Netlink.open();
      try {
        assert.equal(await here.links.find('made-there0'), undefined, 'not in our namespace');
      } finally {
        here.close();
      }

      await deleteNetns(name);
      assert.ok(!ipNetnsList().includes(name), 'gone from `ip netns list`');
      assert.ok(!existsSync(path), 'the file is removed');
    }),
);

test('deleteNetns removes a namespace `ip netns add` made', needsNetns, () =>
  withNames(1, async ([name = '']) => {
    execFileSync('ip', ['netns', 'add', name]);
    ip(name, 'link', 'add', 'ip-made0', 'type', 'ifb');
    await deleteNetns(name);
    assert.ok(!ipNetnsList().includes(name));
    assert.ok(!existsSync(`/var/run/netns/${name}`));
    await assert.rejects(Netlink.open({ netns: name }), { code: 'ENOENT' });
  }),
);

test('a taken name is EEXIST and the namespace already there is left as it was', needsNetns, () =>
  withNames(1, async ([name = '']) => {
    execFileSync('ip', ['netns', 'add', name]);
    ip(name, 'link', 'add', 'kept0', 'type', 'ifb');
    const before = statSync(`/var/run/netns/${name}`).ino;
    await assert.rejects(createNetns(name), rejectsWith('EEXIST', new RegExp(`^netns add ${name}$`)));
    assert.equal(statSync(`/var/run/netns/${name}`).ino, before, 'still the same namespace');
    assert.ok(ipLinks(name).some((l) => l.ifname === 'kept0'));
  }),
);

test('deleting a name that is not there is ENOENT', needsNetns, async () => {
  const name = ownName();
  await assert.rejects(deleteNetns(name), rejectsWith('ENOENT', new RegExp(`^netns del ${name}$`)));
});

test('names iproute2 refuses are refused before anything is touched; 255 bytes is allowed', async (t) => {
  const fake = {
    createNetns: async () => assert.fail('the addon must not be called'),
    deleteNetns: async () => assert.fail('the addon must not be called'),
  };
  for (const bad of ['', '.', '..', 'a/b', '/abs', 'nul\0x']) {
    await assert.rejects(createNetns(bad, { binding: fake }), TypeError, JSON.stringify(bad));
    await assert.rejects(deleteNetns(bad, { binding: fake }), TypeError, JSON.stringify(bad));
  }
  await assert.rejects(createNetns('é'.repeat(128), { binding: fake }), RangeError, '256 bytes');
  await assert.rejects(Netlink.open({ netns: 'x'.repeat(256) }), RangeError);
  await t.test('a 255-byte name round-trips with iproute2', needsNetns, async () => {
    const name = `${ownName()}-`.padEnd(255, 'x');
    try {
      await createNetns(name);
      assert.ok(ipNetnsList().includes(name));
      await deleteNetns(name);
      assert.ok(!ipNetnsList().includes(name));
    } finally {
      cleanUp(name);
    }
  });
});

test('many at once: each gets its own namespace, and all go again', needsNetns, () =>
  withNames(8, async (names) => {
    await Promise.all(names.map((name) => createNetns(name)));
    const listed = ipNetnsList();
    for (const name of names) assert.ok(listed.includes(name), name);
    const inodes = new Set(names.map((name) => statSync(`/var/run/netns/${name}`).ino));
    assert.equal(inodes.size, names.length, 'eight distinct namespaces');
    await Promise.all(names.map((name) => deleteNetns(name)));
    const after = ipNetnsList();
    for (const name of names) assert.ok(!after.includes(name), name);
  }),
);

test(
  'runDir: a directory that does not exist is made, and made a shared mount point, as iproute2 does',
  needsNetns,
  async () => {
    const parent = mkdtempSync(join(tmpdir(), 'plbt-netns-dir-'));
    const dir = join(parent, 'netns');
    const name = ownName();
    try {
      const path = await createNetns(name, { runDir: dir });
      assert.equal(path, `${dir}/${name}`);
      const mounts = execFileSync('findmnt', ['-n', '-o', 'TARGET,PROPAGATION', '-T', dir], {
        encoding: 'utf8',
      });
      assert.match(mounts, new RegExp(`^${dir}\\s+shared`), 'a shared mount point');
      const nl = await Netlink.open({ netns: { path } });
      try {
        assert.deepEqual(
          (await nl.links.list()).map((l) => l.name),
          ['lo'],
        );
      } finally {
        nl.close();
      }
      await deleteNetns(name, { runDir: dir });
      assert.ok(!existsSync(path));
    } finally {
      if (spawnSync('mountpoint', ['-q', dir]).status === 0)
        execFileSync('umount', ['--recursive', '--lazy', dir]);
      rmSync(parent, { recursive: true, force: true });
    }
  },
);

// The caller keeps uid 0 but loses CAP_SYS_ADMIN (setpriv drops it from the bounding set, and
// with it from the permitted set at exec), as a container without it would have.
const childWithoutSysAdmin = (script: string): string => {
  const index = resolve(fileURLToPath(import.meta.url), '../../../src/index.ts');
  const code = `const m = await import(${JSON.stringify(index)}); ${script}`;
  return execFileSync(
    'setpriv',
    [
      '--bounding-set',
      '-sys_admin',
      process.execPath,
      '--conditions=purelb-source',
      '--input-type=module',
      '-e',
      code,
    ],
    { encoding: 'utf8' },
  );
};
const reportCode = (call: string) =>
  `try { await ${call}; console.log('resolved'); } catch (e) { console.log(e.name, e.code); }`;

test('without CAP_SYS_ADMIN: EPERM, and nothing is created or removed', needsNetns, () =>
  withNames(2, async ([fresh = '', existing = '']) => {
    assert.equal(
      childWithoutSysAdmin(reportCode(`m.createNetns(${JSON.stringify(fresh)})`)).trim(),
      'NetlinkError EPERM',
    );
    assert.ok(!existsSync(`/var/run/netns/${fresh}`), 'no file left behind');
    execFileSync('ip', ['netns', 'add', existing]);
    assert.equal(
      childWithoutSysAdmin(reportCode(`m.deleteNetns(${JSON.stringify(existing)})`)).trim(),
      'NetlinkError EPERM',
    );
    assert.ok(ipNetnsList().includes(existing), 'still there');
  }),
);
