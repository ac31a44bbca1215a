// Route metrics (RTA_METRICS, RTAX_*): written by routes.add / replace, read back by routes.list in
// the kernel's units, locks included, and checked against `ip route show` of the namespace.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lockedMetrics, type Route } from '../../src/index.ts';
import { ip, ipJson, needsNetns, vethPair, withHandle } from './support.ts';

function node(ns: string): void {
  vethPair(ns);
  ip(ns, 'address', 'add', '10.0.0.1/24', 'dev', 'v0');
  ip(ns, '-6', 'address', 'add', '2001:db8::1/64', 'dev', 'v0', 'nodad');
}

const find = (routes: Route[], dst: string): Route | undefined => routes.find((r) => r.dst === dst);

test(
  'every RTAX metric written by routes.add is read back, locks included, as `ip route` shows it',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      node(ns);
      await nl.routes.add({
        dst: '10.5.0.0/16',
        gateway: '10.0.0.254',
        metrics: {
          mtu: 1400,
          window: 65535,
          rtt: 800, // 100 ms, kept as ms << 3
          rttvar: 200, // 50 ms, kept as ms << 2
          ssthresh: 20,
          cwnd: 10,
          advmss: 1300,
          reordering: 4,
          hoplimit: 32,
          initcwnd: 10,
          features: 1, // RTAX_FEATURE_ECN
          rtoMin: 300,
          initrwnd: 20,
          quickack: 1,
          ccAlgo: 'cubic',
          lock: ['mtu', 'advmss'],
        },
      });
      const r = find(await nl.routes.list({ family: 4 }), '10.5.0.0');
      assert.deepEqual(r?.metrics, {
        mtu: 1400,
        window: 65535,
        rtt: 800,
        rttvar: 200,
        ssthresh: 20,
        cwnd: 10,
        advmss: 1300,
        reordering: 4,
        hoplimit: 32,
        initcwnd: 10,
        features: 1,
        rtoMin: 300,
        initrwnd: 20,
        quickack: 1,
        ccAlgo: 'cubic',
        lock: (1 << 2) | (1 << 8) | (1 << 13),
      });
      assert.deepEqual(lockedMetrics(r?.metrics), ['mtu', 'advmss', 'rtoMin'], 'rtoMin is always locked');
      assert.equal(
        ip(ns, 'route', 'show', '10.5.0.0/16').trim(),
        '10.5.0.0/16 via 10.0.0.254 dev v0 mtu lock 1400 window 65535 rtt 100ms rttvar 50ms ssthresh 20 ' +
          'cwnd 10 advmss lock 1300 reordering 4 hoplimit 32 initcwnd 10 features ecn rto_min lock 300ms ' +
          'initrwnd 20 quickack 1 congctl cubic',
      );
    }),
);

test('routes.replace changes a route’s metrics; an IPv6 route carries them too', needsNetns, () =>
  withHandle(async (nl, ns) => {
    node(ns);
    await nl.routes.add({ dst: '10.6.0.0/16', gateway: '10.0.0.254', metrics: { mtu: 1400, initcwnd: 10 } });
    await nl.routes.replace({ dst: '10.6.0.0/16', gateway: '10.0.0.254', metrics: { advmss: 1200 } });
    const v4 = find(await nl.routes.list({ family: 4 }), '10.6.0.0');
    assert.deepEqual(v4?.metrics, { advmss: 1200 });
    assert.deepEqual(lockedMetrics(v4?.metrics), []);

    await nl.routes.add({
      dst: '2001:db8:8::/48',
      gateway: '2001:db8::fe',
      metrics: { mtu: 1300, hoplimit: 9, advmss: 1200, lock: ['hoplimit'] },
    });
    const v6 = find(await nl.routes.list({ family: 6 }), '2001:db8:8::');
    assert.deepEqual(
      [v6?.metrics?.mtu, v6?.metrics?.hoplimit, v6?.metrics?.advmss, lockedMetrics(v6?.metrics)],
      [1300, 9, 1200, ['hoplimit']],
    );
    const [theirs] = ipJson<{ metrics?: Record<string, number>[] }[]>(
      ns,
      '-6',
      'route',
      'show',
      '2001:db8:8::/48',
    );
    assert.deepEqual(theirs?.metrics, [{ mtu: 1300, advmss: 1200, hoplimit: 9 }]);
    // the route the kernel resolves for a destination carries the metrics too
    assert.equal((await nl.routes.get('10.6.1.1')).metrics?.advmss, 1200);
  }),
);

test('bad metrics are refused before anything is sent', needsNetns, () =>
  withHandle(async (nl) => {
    const add = (metrics: object) =>
      nl.routes.add({ dst: '10.7.0.0/16', link: 'lo', metrics: metrics as { mtu?: number } });
    await assert.rejects(add({ mtu: -1 }), RangeError);
    await assert.rejects(add({ mtu: 1.5 }), RangeError);
    await assert.rejects(add({ mtu: 2 ** 32 }), RangeError);
    await assert.rejects(add({ speed: 5 }), /unknown route metric "speed"/);
    await assert.rejects(add({ lock: ['mtu', 'nope'] }), /unknown route metric to lock "nope"/);
    await assert.rejects(add({ ccAlgo: '' }), TypeError);
    await assert.rejects(add({ ccAlgo: 'a-name-far-too-long' }), TypeError);
    assert.equal(nl.info.inFlight, 0);
  }),
);
