// links.set({ netns }) moves a link into another namespace: by name, { path }, { fd } (the
// namespace options Netlink.open takes) and { pid }. Each test makes its namespaces and deletes
// them; the link is found in the target by a handle opened there, and is gone from the source.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { test } from 'node:test';
import { withNetns } from '../../../../test/support/netns.ts';
import { Netlink, NetlinkError } from '../../src/index.ts';
import { ipJson, needsNetns, withHandle } from './support.ts';

/** Opens a handle in `ns`, runs fn, closes it. */
async function inNamespace<T>(ns: string, fn: (nl: Netlink) => Promise<T>): Promise<T> {
  const nl = await Netlink.open({ netns: ns });
  try {
    return await fn(nl);
  } finally {
    nl.close();
  }
}

/** `ip netns pids NS`: the processes in the namespace. */
const pidsIn = (ns: string): number[] =>
  execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);

const names = (ns: string): string[] => ipJson<{ ifname: string }[]>(ns, 'link', 'show').map((l) => l.ifname);

test(
  'links.set netns by name moves a veth end, renamed and with its MTU, into a second namespace',
  needsNetns,
  () =>
    withHandle(async (nl, a) =>
      withNetns(async (b) => {
        await nl.links.create({ name: 'v0', kind: 'veth', peer: 'v1' });
        await nl.links.set('v1', { netns: b, name: 'eth0', mtu: 1400 });
        assert.equal(await nl.links.find('v1'), undefined, 'gone from the source');
        assert.ok(!names(a).includes('v1'));
        const moved = await inNamespace(b, (there) => there.links.get('eth0'));
        assert.equal(moved.kind, 'veth');
        assert.equal(moved.mtu, 1400);
        assert.ok(names(b).includes('eth0'));
        const v0 = await nl.links.get('v0');
        assert.notEqual(v0.linkNetnsId, undefined, 'the peer now lives in another namespace');
      }),
    ),
);

test('links.set netns by { path } and by { fd } (the caller keeps the fd)', needsNetns, () =>
  withHandle(async (nl) =>
    withNetns(async (b) => {
      await nl.links.create({ name: 'p0', kind: 'veth', peer: 'p1' });
      await nl.links.create({ name: 'i0', kind: 'ifb' });
      await nl.links.set('p1', { netns: { path: `/var/run/netns/${b}` } });
      const fd = openSync(`/var/run/netns/${b}`, 'r');
      try {
        await nl.links.set('i0', { netns: { fd } });
      } finally {
        closeSync(fd);
      }
      const there = await inNamespace(b, async (nb) => (await nb.links.list()).map((l) => l.name).sort());
      assert.deepEqual(there, ['i0', 'lo', 'p1']);
      assert.equal(await nl.links.find('i0'), undefined);
    }),
  ),
);

test('links.set netns by { pid } moves into the namespace of that process', needsNetns, () =>
  withHandle(async (nl) =>
    withNetns(async (b) => {
      // `ip netns exec` enters b and execs sleep in place, so the child's pid ends up in b
      const sleeper = spawn('ip', ['netns', 'exec', b, 'sleep', '30'], { stdio: 'ignore' });
      try {
        const pid = sleeper.pid as number;
        for (let i = 0; i < 250 && !pidsIn(b).includes(pid); i++) await new Promise((r) => setTimeout(r, 20));
        assert.ok(pidsIn(b).includes(pid), 'the process is in the namespace');
        await nl.links.create({ name: 'q0', kind: 'veth', peer: 'q1' });
        await nl.links.set('q1', { netns: { pid } });
        assert.equal(await nl.links.find('q1'), undefined);
        assert.equal((await inNamespace(b, (nb) => nb.links.get('q1'))).kind, 'veth');
      } finally {
        sleeper.kill();
      }
    }),
  ),
);

test(
  'a namespace that does not exist is a RangeError; a pid with no process is NetlinkError ESRCH',
  needsNetns,
  () =>
    withHandle(async (nl) => {
      await nl.links.create({ name: 'v0', kind: 'veth', peer: 'v1' });
      await assert.rejects(nl.links.set('v1', { netns: 'plbt-no-such-ns' }), (e: unknown) => {
        assert.ok(e instanceof RangeError, String(e));
        assert.match(e.message, /unknown netns "plbt-no-such-ns"/);
        return true;
      });
      await assert.rejects(nl.links.set('v1', { netns: { pid: 4194304 } }), (e: unknown) => {
        assert.ok(e instanceof NetlinkError, String(e));
        assert.equal(e.code, 'ESRCH');
        assert.equal(e.operation, 'link set v1 netns 4194304');
        return true;
      });
      await assert.rejects(nl.links.set('v1', { netns: { pid: -1 } }), RangeError);
      await assert.rejects(nl.links.set('v1', { netns: '../x' }), TypeError);
      assert.ok(await nl.links.find('v1'), 'still here');
    }),
);
