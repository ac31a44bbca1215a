// A socket opened "in" a namespace really lives there (it sees that namespace's devices and not
// the host's), whichever way the namespace is named, and opening it never moves the JS thread.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readlinkSync, statSync } from 'node:fs';
import { test } from 'node:test';
import { ip, netnsUnavailableReason, withNetns } from '../../../../test/support/netns.ts';
import { dumpLinkNames, openCollector } from './raw-netlink.ts';

const skip = netnsUnavailableReason();
const threadNetns = () => readlinkSync('/proc/thread-self/ns/net');

function withVeth<T>(fn: (ns: string) => Promise<T>): Promise<T> {
  return withNetns(async (ns) => {
    ip(ns, 'link', 'add', 'nsprobe0', 'type', 'veth', 'peer', 'name', 'nsprobe1');
    return fn(ns);
  });
}

async function assertSeesOnly(netns: { path?: string; fd?: number }): Promise<void> {
  const before = threadNetns();
  const c = openCollector({ netns });
  try {
    assert.equal(threadNetns(), before, 'the JS thread must stay in its own namespace');
    const names = await dumpLinkNames(c, 1);
    assert.deepEqual(names.sort(), ['lo', 'nsprobe0', 'nsprobe1']);
    assert.equal(threadNetns(), before);
  } finally {
    c.socket.close();
  }
}

test('opens by /var/run/netns path inside that namespace, leaving the JS thread where it was', { skip }, () =>
  withVeth((ns) => assertSeesOnly({ path: `/var/run/netns/${ns}` })),
);

test('opens by an open namespace fd (the caller keeps the fd)', { skip }, () =>
  withVeth(async (ns) => {
    const fd = openSync(`/var/run/netns/${ns}`, 'r');
    try {
      await assertSeesOnly({ fd });
      await assertSeesOnly({ fd }); // still valid: the addon did not close it
    } finally {
      closeSync(fd);
    }
  }),
);

test('opens by /proc/PID/ns/net of a process living in the namespace', { skip }, () =>
  withVeth(async (ns) => {
    const child = spawn('ip', ['netns', 'exec', ns, 'sleep', '30'], { stdio: 'ignore' });
    try {
      // ip netns exec enters the namespace, then execs sleep: wait until the pid is inside.
      const nsInode = statSync(`/var/run/netns/${ns}`).ino;
      const inode = () => {
        try {
          return statSync(`/proc/${child.pid}/ns/net`).ino;
        } catch {
          return -1;
        }
      };
      for (let i = 0; i < 300 && inode() !== nsInode; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(inode(), nsInode);
      await assertSeesOnly({ path: `/proc/${child.pid}/ns/net` });
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }),
);

test('the host namespace is used when no netns is given, and it is not the test namespace', { skip }, () =>
  withVeth(async () => {
    const c = openCollector();
    try {
      const names = await dumpLinkNames(c, 1);
      assert.ok(names.includes('lo'));
      assert.ok(!names.includes('nsprobe0'), 'the host must not see the namespace veth');
    } finally {
      c.socket.close();
    }
  }),
);

test('a missing namespace fails with ENOENT naming the path', { skip }, () => {
  assert.throws(
    () => openCollector({ netns: { path: '/var/run/netns/plbt-does-not-exist' } }),
    (err: NodeJS.ErrnoException) =>
      err.code === 'ENOENT' && err.errno === 2 && /plbt-does-not-exist/.test(err.message),
  );
  assert.throws(() => openCollector({ netns: { path: '/x', fd: 3 } }), TypeError);
});

test('ext-ack, strict check and capped acks are on; 1 MiB of receive buffer is granted', { skip }, () =>
  withNetns(async (ns) => {
    const c = openCollector({ netns: { path: `/var/run/netns/${ns}` }, rcvbuf: 1 << 20 });
    try {
      assert.equal(c.socket.extAck, true);
      assert.equal(c.socket.strictCheck, true);
      assert.equal(c.socket.capAck, true);
      // The kernel doubles the value it reports (bookkeeping overhead); root gets it via FORCE.
      assert.ok(c.socket.rcvbuf >= 1 << 20, `rcvbuf ${c.socket.rcvbuf}`);
      assert.ok(c.socket.portId > 0);
      assert.ok(c.socket.sndbuf >= 1 << 15);
    } finally {
      c.socket.close();
    }
  }),
);
