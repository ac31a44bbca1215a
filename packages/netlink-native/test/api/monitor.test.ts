import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import type { MonitorEvent } from '../../src/index.ts';
import { ip, needsNetns, vethPair, withHandle } from './support.ts';

test('the monitor sees an address added by `ip` within 100 ms (async iterator)', needsNetns, () =>
  withHandle(async (nl, ns) => {
    vethPair(ns);
    // A long-lived `ip -batch -` so the measurement covers the change and its delivery, not the
    // start-up of an `ip` process: it answers one `link show` first, proving it reads its input.
    const batch = spawn('ip', ['-n', ns, '-batch', '-'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const monitor = nl.monitor({ groups: ['ipv4-address'] });
    try {
      await new Promise<void>((resolve) => {
        batch.stdout.once('data', () => resolve());
        batch.stdin.write('link show lo\n');
      });
      const iterator = monitor[Symbol.asyncIterator]();
      const started = performance.now();
      batch.stdin.write('addr add 10.42.0.1/24 dev v0\n');
      let event: MonitorEvent | undefined;
      for (;;) {
        const next = await iterator.next();
        assert.ok(!next.done);
        event = next.value;
        if (event.type === 'address' && event.address.address === '10.42.0.1') break;
      }
      const ms = performance.now() - started;
      assert.equal(event.type, 'address');
      assert.equal(event.action, 'new');
      assert.equal(event.address.prefixLength, 24);
      assert.ok(ms < 100, `event after ${ms.toFixed(1)} ms`);
      console.log(`# address event ${ms.toFixed(1)} ms after \`ip\` was asked to add it`);
    } finally {
      monitor.close();
      batch.stdin.end();
      await new Promise((resolve) => batch.on('close', resolve));
    }
  }),
);

test('the monitor emits link, address and route changes (new and del) as events, v4 and v6', needsNetns, () =>
  withHandle(async (nl, ns) => {
    vethPair(ns);
    const monitor = nl.monitor();
    const seen: string[] = [];
    monitor.on('change', (e) => {
      if (e.type === 'address') seen.push(`address ${e.action} ${e.address.address}`);
      if (e.type === 'route' && e.route.table === 254)
        seen.push(`route ${e.action} ${e.route.dst}/${e.route.dstLength}`);
      if (e.type === 'link') seen.push(`link ${e.action} ${e.link.name}`);
    });
    const wait = (what: string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${what}" in ${JSON.stringify(seen)}`)), 2000);
        const check = () => {
          if (seen.includes(what)) {
            clearTimeout(timer);
            monitor.off('change', check);
            resolve();
          }
        };
        monitor.on('change', check);
        check();
      });
    try {
      await nl.addresses.add({ link: 'v0', address: '10.43.0.1/24' });
      await wait('address new 10.43.0.1');
      await wait('route new 10.43.0.0/24');
      await nl.addresses.add({ link: 'v0', address: '2001:db8:43::1/64', flags: ['nodad'] });
      await wait('address new 2001:db8:43::1');
      await wait('route new 2001:db8:43::/64');
      await nl.addresses.delete({ link: 'v0', address: '10.43.0.1/24' });
      await wait('address del 10.43.0.1');
      await nl.links.create({ name: 'kube-lb0', kind: 'ifb' });
      await wait('link new kube-lb0');
      ip(ns, 'link', 'del', 'kube-lb0');
      await wait('link del kube-lb0');
    } finally {
      monitor.close();
    }
  }),
);

test('an ENOBUFS overrun is reported as an explicit overrun event (small rcvbuf, flood)', needsNetns, () =>
  withHandle(async (nl, ns) => {
    vethPair(ns);
    const v0 = (await nl.links.get('v0')).index;
    const monitor = nl.monitor({ rcvbuf: 4096, groups: ['ipv4-address', 'ipv4-route'] });
    let overruns = 0;
    const iterated: string[] = [];
    monitor.on('overrun', () => overruns++);
    const iterator = monitor[Symbol.asyncIterator]();
    try {
      // A flood: 2,000 adds (each an address and a local-route notification). They leave in one
      // send; then the JS thread sleeps, so the monitor's bounded hand-over queue fills, its I/O
      // thread stops reading, and the 4 KiB socket buffer overflows: the kernel reports ENOBUFS.
      const adds = Promise.all(
        Array.from({ length: 2000 }, (_, i) =>
          nl.addresses.add({ link: v0, address: `10.44.${i >> 8}.${i & 255}/32` }),
        ),
      );
      await null; // let the flush microtask hand the batch to the socket
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
      await adds;
      const deadline = Date.now() + 3000;
      while (overruns === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.ok(overruns > 0, 'the overrun was reported');
      assert.equal(monitor.overruns, overruns);
      for (;;) {
        const next = await iterator.next();
        assert.ok(!next.done);
        iterated.push(next.value.type);
        if (next.value.type === 'overrun') break;
      }
      assert.ok(iterated.includes('overrun'), 'the iterator sees it too');
    } finally {
      monitor.close();
    }
    assert.deepEqual(await iterator.next(), { value: undefined, done: true }, 'close ends the iteration');
  }),
);
