// A monitor's kernel filter against the kernel: a flood of host addresses on a link nobody asked
// about, or outside the prefixes asked about, produces no events and overruns nothing, while the
// changes asked about still arrive; setFilter changes it on a live monitor and removing it lets
// everything through; the largest filter the API takes is a program the kernel takes. Then the
// API's own contract (bad input, errors as NetlinkError) against a fake socket.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { endianness, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { inNetns } from '../../../../test/support/netns.ts';
import { monitorFilterBytes } from '../../src/api/monitor-filter.ts';
import {
  type Address,
  type Monitor,
  type MonitorEvent,
  type MonitorGroup,
  Netlink,
  NetlinkError,
} from '../../src/index.ts';
import type { NativeSocketOptions } from '../../src/native/binding.ts';
import { FakeKernel } from '../transport/fake-kernel.ts';
import { costliestFilter } from './filter-messages.ts';
import { ip, needsNetns, vethPair, withHandle } from './support.ts';

const FLOOD = 1000;
const floodAddress = (i: number) => `10.60.${i >> 8}.${i & 255}`;
const inFlood = (a: string | undefined) => a?.startsWith('10.60.') ?? false;

interface Seen {
  events: MonitorEvent[];
  until(what: string, predicate: (e: MonitorEvent) => boolean, ms?: number): Promise<void>;
}

/** Records every event of the monitor; `until` waits for one that matches. */
function record(monitor: Monitor): Seen {
  const events: MonitorEvent[] = [];
  const waiters = new Set<(e: MonitorEvent) => void>();
  monitor.on('change', (e) => {
    events.push(e);
    for (const w of waiters) w(e);
  });
  const until = (what: string, predicate: (e: MonitorEvent) => boolean, ms = 10_000) =>
    new Promise<void>((resolve, reject) => {
      if (events.some(predicate)) return resolve();
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${what} within ${ms} ms (${events.length} events)`));
      }, ms);
      const check = (e: MonitorEvent) => {
        if (!predicate(e)) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
    });
  return { events, until };
}

const addressEvent =
  (address: string, action = 'new') =>
  (e: MonitorEvent) =>
    e.type === 'address' && e.action === action && e.address.address === address;
const routeEvent = (dst: string, table: number) => (e: MonitorEvent) =>
  e.type === 'route' && e.action === 'new' && e.route.dst === dst && e.route.table === table;

/** `ip -batch` of `lines` in the namespace; `blocking` runs it on the JS thread, which then reads nothing. */
async function batch(ns: string, lines: string[], blocking: boolean): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'plbt-filter-'));
  try {
    const file = join(dir, 'batch');
    writeFileSync(file, `${lines.join('\n')}\n`);
    if (blocking) {
      ip(ns, '-batch', file);
      return;
    }
    const child = spawn('ip', ['-n', ns, '-batch', file], { stdio: ['ignore', 'ignore', 'inherit'] });
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(code, 0, 'ip -batch failed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const floodLines = (op: 'add' | 'del') =>
  Array.from({ length: FLOOD }, (_, i) => `address ${op} ${floodAddress(i)}/32 dev v0`);

/** The kernel's drop counter of a netlink socket, from /proc/net/netlink in its namespace. */
function kernelDrops(ns: string, portId: number): number {
  // sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
  const rows = inNetns(ns, 'cat', ['/proc/net/netlink']).trim().split('\n').slice(1);
  const row = rows.map((r) => r.trim().split(/\s+/)).find((c) => c[1] === '0' && Number(c[2]) === portId);
  assert.ok(row, `port ${portId} in /proc/net/netlink`);
  return Number(row[8]);
}

test(
  'filtered: 1,000 /32s on v0 make no events and no drops; a /24, a /32 on v1 and a main route do',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      vethPair(ns);
      const v1 = (await nl.links.get('v1')).index;
      // Both with a 64 KiB buffer: the flood overruns it while the JS thread is blocked (the
      // unfiltered monitor shows that), a burst of the changes asked about fits in it.
      const filtered = nl.monitor({ rcvbuf: 65536, filter: { routeTables: [254], hostAddressLinks: [v1] } });
      const unfiltered = nl.monitor({ rcvbuf: 65536 });
      const seen = record(filtered);
      record(unfiltered);
      try {
        await batch(ns, floodLines('add'), true); // the JS thread reads nothing meanwhile
        await batch(
          ns,
          [
            'address add 10.61.0.1/24 dev v0',
            'address add 10.62.0.1/32 dev v1',
            'address add 2001:db8:63::1/64 dev v0 nodad',
            'address add 2001:db8:64::1/128 dev v1 nodad',
            'address add 2001:db8:65::1/128 dev v0 nodad',
            'route add 198.51.100.0/24 via 10.61.0.2 dev v0',
          ],
          false,
        );
        await seen.until('the main-table route', routeEvent('198.51.100.0', 254));
        const addresses = seen.events.flatMap((e) => (e.type === 'address' ? [e.address] : []));
        const routes = seen.events.flatMap((e) => (e.type === 'route' ? [e.route] : []));
        assert.equal(addresses.filter((a) => inFlood(a.address)).length, 0, 'flood address events');
        assert.equal(routes.filter((r) => inFlood(r.dst)).length, 0, 'flood route events');
        const wanted: [string, (e: MonitorEvent) => boolean][] = [
          ['address 10.61.0.1/24 on v0', addressEvent('10.61.0.1')],
          ['its main-table prefix route', routeEvent('10.61.0.0', 254)],
          ['address 10.62.0.1/32 on v1', addressEvent('10.62.0.1')],
          ['address 2001:db8:63::1/64 on v0', addressEvent('2001:db8:63::1')],
          ['its main-table prefix route', routeEvent('2001:db8:63::', 254)],
          ['address 2001:db8:64::1/128 on v1', addressEvent('2001:db8:64::1')],
        ];
        for (const [what, want] of wanted) assert.ok(seen.events.some(want), what);
        assert.ok(!seen.events.some(addressEvent('2001:db8:65::1')), 'a /128 on v0 is filtered too');
        assert.deepEqual([...new Set(routes.map((r) => r.table))], [254], 'only main-table routes');
        const hostLength = (a: { family: number; prefixLength: number }) =>
          a.prefixLength === (a.family === 4 ? 32 : 128);
        assert.deepEqual([...new Set(addresses.filter(hostLength).map((a) => a.index))], [v1]);
        assert.equal(filtered.overruns, 0);
        assert.equal(
          kernelDrops(ns, filtered.portId),
          0,
          'the kernel dropped nothing for the filtered monitor',
        );
        assert.ok(kernelDrops(ns, unfiltered.portId) > 0, 'the same flood overruns an unfiltered monitor');
        console.log(
          `# filtered: ${addresses.length} address and ${routes.length} route events; unfiltered: ${kernelDrops(ns, unfiltered.portId)} drops`,
        );
      } finally {
        filtered.close();
        unfiltered.close();
      }
    }),
);

test('setFilter changes the filter of a live monitor; removing it lets everything through', needsNetns, () =>
  withHandle(async (nl, ns) => {
    vethPair(ns);
    const v1 = (await nl.links.get('v1')).index;
    const monitor = nl.monitor({
      groups: ['ipv4-address', 'ipv4-route'],
      filter: { hostAddressLinks: [v1] },
    });
    const seen = record(monitor);
    const count = (type: 'address' | 'route', action: 'new' | 'del') =>
      seen.events.filter(
        (e) =>
          (e.type === 'address' && type === 'address' && e.action === action && inFlood(e.address.address)) ||
          (e.type === 'route' && type === 'route' && e.action === action && inFlood(e.route.dst)),
      ).length;
    try {
      // host addresses on v0 filtered, their local routes not (no routeTables)
      await batch(ns, [...floodLines('add'), 'address add 10.62.0.1/32 dev v1'], false);
      await seen.until('the /32 on v1', addressEvent('10.62.0.1'));
      assert.equal(count('address', 'new'), 0);
      assert.equal(count('route', 'new'), FLOOD, 'every local route of the flood');
      assert.deepEqual(monitor.filter, { hostAddressLinks: [v1] });

      // now the other way round: addresses pass, routes only from main
      monitor.setFilter({ routeTables: ['main'] });
      assert.deepEqual(monitor.filter, { routeTables: [254] });
      ip(ns, 'address', 'add', '10.63.0.1/32', 'dev', 'v0');
      ip(ns, 'address', 'add', '10.64.0.1/24', 'dev', 'v0');
      await seen.until('the /24 prefix route', routeEvent('10.64.0.0', 254));
      assert.ok(seen.events.some(addressEvent('10.63.0.1')), 'a /32 on v0 passes now');
      assert.ok(!seen.events.some(routeEvent('10.63.0.1', 255)), 'its local route does not');

      // removed: the flood's deletes all arrive, addresses and local routes
      monitor.setFilter(undefined);
      assert.equal(monitor.filter, undefined);
      await batch(ns, [...floodLines('del'), 'address del 10.62.0.1/32 dev v1'], false);
      await seen.until('the delete on v1', addressEvent('10.62.0.1', 'del'));
      assert.equal(count('address', 'del'), FLOOD);
      assert.equal(count('route', 'del'), FLOOD);
      assert.equal(monitor.overruns, 0);
    } finally {
      monitor.close();
    }
  }),
);

// ---- host-address prefixes ----------------------------------------------------------------------

const ADDRESS_GROUPS: MonitorGroup[] = ['ipv4-address', 'ipv6-address'];
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const isHost = (a: Address) => a.prefixLength === (a.family === 4 ? 32 : 128);

/** The host-length addresses of the events (the local end for a point-to-point one), sorted. */
const hostAddresses = (events: MonitorEvent[], action: 'new' | 'del' = 'new') =>
  events
    .flatMap((e) =>
      e.type === 'address' && e.action === action && isHost(e.address) ? [e.address.address] : [],
    )
    .sort();

/** The address an `ip -batch` line adds or deletes (`address add A[/L] [peer P] dev D`). */
const addressOf = (line: string) => (line.split(' ')[2] as string).split('/')[0] as string;

let markers = 0;

/**
 * Runs `lines`, waits until the unfiltered `witness` saw each of their addresses, then adds a /24
 * (which every filter lets through) and waits for the filtered monitor to see it: whatever it
 * gets of `lines` has arrived by then. IPv6 notifications come from a work queue, so the kernel's
 * order alone would not say so.
 */
async function settle(ns: string, lines: string[], witness: Seen, filtered: Seen): Promise<void> {
  await batch(ns, lines, false);
  const action = lines[0]?.startsWith('address del') ? 'del' : 'new';
  for (const line of lines)
    await witness.until(`${line} at the witness`, addressEvent(addressOf(line), action));
  const marker = `10.250.${markers >> 8}.${markers++ & 255}`;
  ip(ns, 'address', 'add', `${marker}/24`, 'dev', 'v0');
  await filtered.until(`the marker ${marker}`, addressEvent(marker));
}

test(
  'prefixes: 1,000 /32s outside them on v0 make no events and no drops; inside, on v1, or a peer inside do',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      vethPair(ns);
      const v1 = (await nl.links.get('v1')).index;
      const filter = { hostAddressLinks: [v1], hostAddressPrefixes: ['2001:db8:99::/48', '10.99.0.0/16'] };
      const filtered = nl.monitor({ groups: ADDRESS_GROUPS, rcvbuf: 65536, filter });
      const small = nl.monitor({ groups: ADDRESS_GROUPS, rcvbuf: 65536 }); // the flood overruns it
      const witness = nl.monitor({ groups: ADDRESS_GROUPS }); // 4 MiB: holds the whole flood
      const seen = record(filtered);
      const all = record(witness);
      record(small);
      try {
        assert.deepEqual(filtered.filter, {
          hostAddressLinks: [v1],
          hostAddressPrefixes: ['10.99.0.0/16', '2001:db8:99::/48'],
        });
        await batch(ns, floodLines('add'), true); // the JS thread reads nothing meanwhile
        const inside = [
          ...range(50).map((i) => `address add 10.99.${i}.1/32 dev v0`),
          ...range(50).map((i) => `address add 2001:db8:99::${(i + 1).toString(16)}/128 dev v0 nodad`),
          'address add 10.99.0.0/32 dev v0',
          'address add 10.99.255.255/32 dev v0',
          'address add 2001:db8:99::/128 dev v0 nodad',
          'address add 2001:db8:99:ffff:ffff:ffff:ffff:ffff/128 dev v0 nodad',
          'address add 10.62.0.1/32 dev v1', // outside, on the listed link
          'address add 2001:db8:64::1/128 dev v1 nodad',
          'address add 10.60.200.1 peer 10.99.200.1 dev v0', // IFA_ADDRESS (the peer) inside
          'address add 10.99.201.1 peer 10.60.201.1 dev v0', // IFA_LOCAL inside
          'address add 2001:db8:60::1 peer 2001:db8:99:ff::1 dev v0 nodad',
        ];
        const outside = [
          ...range(200).map((i) => `address add 2001:db8:65::${(i + 1).toString(16)}/128 dev v0 nodad`),
          'address add 10.98.255.255/32 dev v0',
          'address add 10.100.0.0/32 dev v0',
          'address add 2001:db8:98:ffff:ffff:ffff:ffff:ffff/128 dev v0 nodad',
          'address add 2001:db8:9a::/128 dev v0 nodad',
          'address add 10.60.202.1 peer 10.60.203.1 dev v0',
          'address add 2001:db8:60::2 peer 2001:db8:61::1 dev v0 nodad',
        ];
        await settle(ns, [...outside, ...inside], all, seen);
        assert.deepEqual(hostAddresses(seen.events), inside.map(addressOf).sort());
        const witnessed = new Set(hostAddresses(all.events));
        assert.ok(
          floodLines('add').every((l) => witnessed.has(addressOf(l))),
          'the witness saw the whole flood',
        );
        assert.equal(filtered.overruns, 0);
        assert.equal(
          kernelDrops(ns, filtered.portId),
          0,
          'the kernel dropped nothing for the filtered monitor',
        );
        assert.ok(kernelDrops(ns, small.portId) > 0, 'the same flood overruns an unfiltered monitor');

        // deletions are filtered the same way
        const deletes = [
          ...floodLines('del'),
          ...inside.slice(0, 50).map((l) => l.replace(' add ', ' del ')),
        ];
        await settle(ns, deletes, all, seen);
        assert.deepEqual(hostAddresses(seen.events, 'del'), inside.slice(0, 50).map(addressOf).sort());
      } finally {
        filtered.close();
        small.close();
        witness.close();
      }
    }),
);

test('setFilter with prefixes replaces the filter of a live monitor', needsNetns, () =>
  withHandle(async (nl, ns) => {
    vethPair(ns);
    const v1 = (await nl.links.get('v1')).index;
    const monitor = nl.monitor({ groups: ADDRESS_GROUPS, filter: { hostAddressLinks: [v1] } });
    const witness = nl.monitor({ groups: ADDRESS_GROUPS });
    const seen = record(monitor);
    const all = record(witness);
    /** Adds host addresses n on v0 (10.99, 10.98, 2001:db8:99, 2001:db8:98) and v1 (10.97): what passed. */
    const step = async (n: number) => {
      const from = seen.events.length;
      await settle(
        ns,
        [
          `address add 10.99.0.${n}/32 dev v0`,
          `address add 10.98.0.${n}/32 dev v0`,
          `address add 10.97.0.${n}/32 dev v1`,
          `address add 2001:db8:99::${n}/128 dev v0 nodad`,
          `address add 2001:db8:98::${n}/128 dev v0 nodad`,
        ],
        all,
        seen,
      );
      return hostAddresses(seen.events.slice(from));
    };
    try {
      assert.deepEqual(await step(1), ['10.97.0.1'], 'links only');

      monitor.setFilter({ hostAddressPrefixes: ['2001:db8:98::/48', '10.98.0.0/16'] });
      assert.deepEqual(monitor.filter, { hostAddressPrefixes: ['10.98.0.0/16', '2001:db8:98::/48'] });
      assert.deepEqual(await step(2), ['10.98.0.2', '2001:db8:98::2'], 'prefixes only: no link counts');

      monitor.setFilter({
        hostAddressLinks: [v1],
        hostAddressPrefixes: ['10.99.0.0/16', '2001:db8:99::/48'],
      });
      assert.deepEqual(await step(3), ['10.97.0.3', '10.99.0.3', '2001:db8:99::3'], 'links or prefixes');

      monitor.setFilter({ hostAddressPrefixes: [] });
      assert.deepEqual(await step(4), [], 'an empty list lets no host address through');

      monitor.setFilter(undefined);
      assert.deepEqual(await step(5), [
        '10.97.0.5',
        '10.98.0.5',
        '10.99.0.5',
        '2001:db8:98::5',
        '2001:db8:99::5',
      ]);
      assert.equal(monitor.overruns, 0);
    } finally {
      monitor.close();
      witness.close();
    }
  }),
);

test('the costliest filter the API takes is a program the kernel takes and runs as built', needsNetns, () =>
  withHandle(async (nl, ns) => {
    vethPair(ns);
    // no link of this namespace is listed: the prefixes decide every host address
    const filter = { ...costliestFilter(), hostAddressLinks: range(255).map((i) => 100_000 + i) };
    const monitor = nl.monitor({ groups: ADDRESS_GROUPS, filter });
    const witness = nl.monitor({ groups: ADDRESS_GROUPS });
    const seen = record(monitor);
    try {
      await settle(
        ns,
        [
          'address add 10.0.222.9/32 dev v0', // the last /24
          'address add 200.1.1.1/32 dev v0', // outside every prefix
          'address add 2001:db8:7f::1/128 dev v0 nodad', // the last /127
          'address add 2001:db8:7f::2/128 dev v0 nodad',
          'address add 2001:db8:80::/128 dev v0 nodad',
        ],
        record(witness),
        seen,
      );
      assert.deepEqual(hostAddresses(seen.events), ['10.0.222.9', '2001:db8:7f::1']);
    } finally {
      monitor.close();
      witness.close();
    }
  }),
);

function fakeMonitor(filter?: Parameters<Netlink['monitor']>[0]) {
  const kernel = new FakeKernel();
  const binding = {
    NetlinkSocket: function NetlinkSocket(o: NativeSocketOptions) {
      return kernel.open(o);
    } as unknown as typeof import('../../src/native/load.ts').native.NetlinkSocket,
    sendFrames: () => Promise.reject(new Error('not in this test')),
    exchangeFrames: () => Promise.reject(new Error('not in this test')),
  };
  return {
    kernel,
    open: () => Netlink.open({ binding }).then((nl) => ({ nl, monitor: nl.monitor(filter) })),
  };
}

test('the filter reaches the socket as the program for this host; bad filters change nothing', async () => {
  const { kernel, open } = fakeMonitor({ filter: { routeTables: [254], hostAddressLinks: [4, 2] } });
  const { nl, monitor } = await open();
  try {
    const host = endianness();
    assert.deepEqual(
      kernel.options.filter,
      monitorFilterBytes({ routeTables: [254], hostAddressLinks: [2, 4] }, host),
    );
    monitor.setFilter({ routeTables: ['local'] });
    assert.deepEqual(kernel.filters.at(-1), monitorFilterBytes({ routeTables: [255] }, host));
    monitor.setFilter({});
    assert.equal(kernel.filters.at(-1), undefined, 'a filter with no field removes it');
    assert.equal(kernel.filters.length, 2);
    assert.throws(() => monitor.setFilter({ hostAddressLinks: ['v0' as unknown as number] }), TypeError);
    assert.throws(() => monitor.setFilter({ routeTables: [0] }), RangeError);
    assert.throws(
      () => monitor.setFilter({ hostAddressPrefixes: ['10.1.2.3/16'] }),
      /the network is 10\.1\.0\.0\/16/,
    );
    assert.equal(kernel.filters.length, 2, 'nothing reached the socket');
    assert.equal(monitor.filter, undefined);
    assert.throws(
      () => nl.monitor({ filter: { routTables: [254] } as never }),
      /unknown monitor filter field "routTables"/,
    );
  } finally {
    nl.close();
  }
});

test('a refusal by the kernel is a NetlinkError naming the operation; the filter stays', async () => {
  const { kernel, open } = fakeMonitor({ filter: { hostAddressLinks: [3] } });
  const { nl, monitor } = await open();
  try {
    // what the addon throws for a failed setsockopt
    kernel.refuseFilter = Object.assign(new Error('setsockopt SO_ATTACH_FILTER: Invalid argument (EINVAL)'), {
      errno: 22,
      code: 'EINVAL',
      syscall: 'setsockopt SO_ATTACH_FILTER',
    });
    assert.throws(
      () => monitor.setFilter({ routeTables: [254] }),
      (e: unknown) =>
        e instanceof NetlinkError &&
        e.code === 'EINVAL' &&
        e.operation === 'monitor set filter' &&
        /SO_ATTACH_FILTER/.test(e.message),
    );
    assert.deepEqual(monitor.filter, { hostAddressLinks: [3] });
  } finally {
    nl.close();
  }
});
