// The evidence fence: cut off, it watches each link carrying local addresses for exactly those
// addresses; a frame from another host naming one holds that one back (and only it); back in
// contact, it stops watching and forgets what it held back. Against a recording fake of
// netlink-native's watchClaims (the real one is exercised by the multi-node test).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClaimWatch, Netlink, WatchClaimsOptions } from '@purelb-ts/netlink-native';
import { createLogger } from '../src/log.ts';
import { EvidenceFence } from '../src/network/evidence-fence.ts';

interface FakeWatch {
  link: string;
  addresses: string[];
  closed: boolean;
  options: WatchClaimsOptions;
}

function fakeNetlink() {
  const watches: FakeWatch[] = [];
  const nl: Pick<Netlink, 'watchClaims'> = {
    watchClaims: async (link, options) => {
      const w: FakeWatch = {
        link: String(link),
        addresses: [...(options.addresses ?? [])],
        closed: false,
        options,
      };
      watches.push(w);
      return {
        link: { index: 2, name: String(link), mac: '02:00:00:00:00:01' },
        get addresses() {
          return w.addresses;
        },
        setAddresses: (ips: readonly string[]) => {
          w.addresses = [...ips];
        },
        stats: { framesReceived: 0, receiveCalls: 0 },
        get closed() {
          return w.closed;
        },
        close: () => {
          w.closed = true;
        },
        ref: () => {},
        unref: () => {},
      } satisfies ClaimWatch;
    },
  };
  return { nl, watches };
}

const settle = () => new Promise((r) => setImmediate(r));
const quiet = createLogger('error', () => {});

test('in contact, nothing is watched and nothing held back', async () => {
  const { nl, watches } = fakeNetlink();
  const fence = new EvidenceFence(nl, quiet, () => {});
  fence.update(false, new Map([['enp1s0', ['172.30.250.53']]]));
  await settle();
  assert.equal(watches.length, 0);
});

test('cut off: one watch per link, for its local addresses; evidence holds back that address only', async () => {
  const { nl, watches } = fakeNetlink();
  const evicted: string[] = [];
  const fence = new EvidenceFence(nl, quiet, (ip) => evicted.push(ip));
  fence.update(
    true,
    new Map([
      ['enp1s0', ['172.30.250.53', '172.30.250.54']],
      ['enp2s0', ['10.0.0.5']],
    ]),
  );
  await settle();
  assert.deepEqual(
    watches.map((w) => [w.link, w.addresses]),
    [
      ['enp1s0', ['172.30.250.53', '172.30.250.54']],
      ['enp2s0', ['10.0.0.5']],
    ],
  );
  const evidence = { address: '172.30.250.54', how: 'arp-request' as const, mac: '02:aa:bb:cc:dd:ee', at: 0 };
  watches[0]?.options.onEvidence(evidence);
  watches[0]?.options.onEvidence(evidence);
  assert.deepEqual(evicted, ['172.30.250.54'], 'told once');
  assert.deepEqual([...fence.evicted().keys()], ['172.30.250.54']);
  assert.match(fence.evicted().get('172.30.250.54') ?? '', /gratuitous ARP from 02:aa:bb:cc:dd:ee on enp1s0/);

  // The next decision: one address left on enp1s0, enp2s0 carries none any more.
  fence.update(true, new Map([['enp1s0', ['172.30.250.53']]]));
  await settle();
  assert.equal(watches.length, 2, 'the open watch is updated, not reopened');
  assert.deepEqual(watches[0]?.addresses, ['172.30.250.53']);
  assert.equal(watches[1]?.closed, true);
});

test('back in contact: every watch closes and what was held back may return', async () => {
  const { nl, watches } = fakeNetlink();
  const fence = new EvidenceFence(nl, quiet, () => {});
  fence.update(true, new Map([['enp1s0', ['172.30.250.53']]]));
  await settle();
  watches[0]?.options.onEvidence({
    address: '172.30.250.53',
    how: 'arp-reply',
    mac: '02:aa:bb:cc:dd:ee',
    at: 0,
  });
  assert.equal(fence.evicted().size, 1);
  fence.update(false, new Map([['enp1s0', ['172.30.250.53']]]));
  await settle();
  assert.equal(watches[0]?.closed, true);
  assert.equal(fence.evicted().size, 0);
});
