// A monitor that falls behind hears about it: the kernel drops notifications and the addon
// reports ENOBUFS through onError (NETLINK_NO_ENOBUFS stays off), then keeps delivering.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ip, netnsUnavailableReason, withNetns } from '../../../../test/support/netns.ts';
import { openCollector } from './raw-netlink.ts';

const skip = netnsUnavailableReason();
const RTNLGRP_IPV4_IFADDR = 5;
const RTM_NEWADDR = 20;

test('an overrun monitor socket reports ENOBUFS and carries on', { skip }, () =>
  withNetns(async (ns) => {
    ip(ns, 'link', 'add', 'flood0', 'type', 'veth', 'peer', 'name', 'flood1');
    // The smallest receive buffer the kernel allows, so a burst cannot fit.
    const c = openCollector({
      netns: { path: `/var/run/netns/${ns}` },
      rcvbuf: 1,
      groups: [RTNLGRP_IPV4_IFADDR],
    });
    const dir = mkdtempSync(join(tmpdir(), 'plbt-flood-'));
    try {
      const lines = Array.from(
        { length: 2000 },
        (_, i) => `address add 10.${i >> 8}.${i & 255}.1/32 dev flood0`,
      );
      writeFileSync(join(dir, 'batch'), `${lines.join('\n')}\n`);
      // ip runs synchronously: the JS thread reads nothing meanwhile, the hand-over queue fills,
      // the I/O thread stops reading, and the socket overruns.
      ip(ns, '-batch', join(dir, 'batch'));
      await c.until(() => c.errors.some((e) => e.code === 'ENOBUFS'));
      await new Promise((r) => setTimeout(r, 100)); // what was still queued arrives
      const overrun = c.errors.find((e) => e.code === 'ENOBUFS');
      assert.deepEqual(overrun && [overrun.errno, overrun.token], [105, 0]);
      const seen = c.messages.filter((m) => m.type === RTM_NEWADDR).length;
      assert.ok(seen > 0 && seen < 2000, `saw ${seen} of 2000 notifications`);
      // Still subscribed and delivering after the overrun.
      const before = c.messages.length;
      ip(ns, 'address', 'add', '192.0.2.1/32', 'dev', 'flood0');
      await c.until(() => c.messages.slice(before).some((m) => m.type === RTM_NEWADDR));
      console.log(`# rcvbuf ${c.socket.rcvbuf}: ${seen} of 2000 notifications, ENOBUFS ×${c.errors.length}`);
    } finally {
      c.socket.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }),
);
