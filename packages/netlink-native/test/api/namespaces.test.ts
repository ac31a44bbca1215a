import assert from 'node:assert/strict';
import { closeSync, openSync } from 'node:fs';
import { test } from 'node:test';
import { Netlink } from '../../src/index.ts';
import { ip, ipLinks, needsNetns, withHandle } from './support.ts';

test(
  'a handle works in its own namespace only; name, { path } and { fd } all reach the same one',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      await nl.links.create({ name: 'only-here0', kind: 'ifb' });
      assert.ok(
        ipLinks(ns).some((l) => l.ifname === 'only-here0'),
        'created in the namespace, as `ip -n` shows',
      );
      const byPath = await Netlink.open({ netns: { path: `/var/run/netns/${ns}` } });
      const fd = openSync(`/var/run/netns/${ns}`, 'r');
      try {
        const byFd = await Netlink.open({ netns: { fd } });
        try {
          for (const other of [byPath, byFd]) {
            assert.equal(
              (await other.links.get('only-here0')).index,
              (await nl.links.get('only-here0')).index,
            );
          }
        } finally {
          byFd.close();
        }
      } finally {
        closeSync(fd);
        byPath.close();
      }
      // The test process's own namespace is untouched.
      const here = await Netlink.open();
      try {
        assert.equal(await here.links.find('only-here0'), undefined);
      } finally {
        here.close();
      }
      ip(ns, 'link', 'del', 'only-here0');
    }),
);

test(
  'opening in a namespace that does not exist rejects with ENOENT naming the path',
  needsNetns,
  async () => {
    await assert.rejects(Netlink.open({ netns: 'plbt-no-such-namespace' }), (e: unknown) => {
      assert.equal((e as { code?: string }).code, 'ENOENT');
      assert.match((e as Error).message, /\/var\/run\/netns\/plbt-no-such-namespace/);
      return true;
    });
  },
);
