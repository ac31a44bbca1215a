// 100,000 requests issued in one tick: the window keeps the ACKs inside the receive buffer, the
// queue holds the rest, and every one settles — no ENOBUFS, no crash. The requests are RTM_GETLINK
// by index (cheap for the kernel: 100,000 IPv4 address adds take minutes, because the kernel scans
// a device's address list on every add), plus a burst of address add + delete checked with `ip`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ipAddresses, needsNetns, vethPair, withHandle } from './support.ts';

test('100,000 RTM_GETLINK requests in flight at once all settle with the right link', needsNetns, () =>
  withHandle(async (nl, ns) => {
    vethPair(ns);
    const v0 = (await nl.links.get('v0')).index;
    const started = performance.now();
    const results = await Promise.allSettled(Array.from({ length: 100_000 }, () => nl.links.get(v0)));
    const ms = performance.now() - started;
    const rejected = results.filter((r) => r.status === 'rejected');
    assert.deepEqual(rejected.slice(0, 3), [], 'no request failed (ENOBUFS would show here)');
    assert.ok(results.every((r) => r.status === 'fulfilled' && r.value.name === 'v0'));
    assert.equal(nl.info.inFlight, 0);
    assert.equal(nl.info.queued, 0);
    console.log(`# 100,000 RTM_GETLINK settled in ${ms.toFixed(0)} ms (window ${nl.info.window})`);
  }),
);

test('a burst of 5,000 address adds then 5,000 deletes, all issued at once, all applied', needsNetns, () =>
  withHandle(async (nl, ns) => {
    vethPair(ns);
    const v0 = (await nl.links.get('v0')).index;
    const addr = (i: number) => `10.77.${i >> 8}.${i & 255}/32`;
    const n = 5000;
    const adds = await Promise.allSettled(
      Array.from({ length: n }, (_, i) => nl.addresses.add({ link: v0, address: addr(i) })),
    );
    assert.equal(adds.filter((r) => r.status === 'rejected').length, 0);
    assert.equal(ipAddresses(ns, 'v0').filter((a) => a.local.startsWith('10.77.')).length, n);
    const dels = await Promise.allSettled(
      Array.from({ length: n }, (_, i) => nl.addresses.delete({ link: v0, address: addr(i) })),
    );
    assert.equal(dels.filter((r) => r.status === 'rejected').length, 0);
    assert.equal(ipAddresses(ns, 'v0').filter((a) => a.local.startsWith('10.77.')).length, 0);
  }),
);
