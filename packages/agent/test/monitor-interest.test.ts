// The kernel filter the network watch keeps on its monitor: everything passes until the first
// decision; then host-length addresses pass only on the virtual interface (followed through link
// notifications) or inside a pool subnet; routes only from the main table.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { MonitorFilter, Netlink } from '@purelb-ts/netlink-native';
import { createLogger } from '../src/log.ts';
import { InterestFilter } from '../src/network/monitor-interest.ts';
import { watchNetwork } from '../src/network/watch.ts';

const interest = (virtualInterface: string | undefined, poolSubnets: string[]) => ({
  virtualInterface,
  links: [
    { index: 1, name: 'lo' },
    { index: 2, name: 'enp1s0' },
    { index: 9, name: 'kube-lb0' },
  ],
  poolSubnets,
});

describe('InterestFilter', () => {
  it('before any decision only other tables are dropped: every address passes', () => {
    assert.deepEqual(new InterestFilter().filter(), { routeTables: ['main'] });
  });

  it("a decision keeps host-length addresses on the virtual interface and in the pools' subnets", () => {
    const f = new InterestFilter();
    assert.equal(f.follow(interest('kube-lb0', ['172.30.250.0/24', '2001:db8:2::/64'])), true);
    assert.deepEqual(f.filter(), {
      routeTables: ['main'],
      hostAddressLinks: [9],
      hostAddressPrefixes: ['172.30.250.0/24', '2001:db8:2::/64'],
    });
    assert.equal(f.follow(interest('kube-lb0', ['172.30.250.0/24', '2001:db8:2::/64'])), false, 'same again');
  });

  it('no virtual interface yet, or none configured: no link is kept, the pools still are', () => {
    const f = new InterestFilter();
    f.follow(interest('kube-lb1', ['10.200.0.0/16']));
    assert.deepEqual(f.filter().hostAddressLinks, []);
    f.follow(interest(undefined, []));
    assert.deepEqual(f.filter(), { routeTables: ['main'], hostAddressLinks: [], hostAddressPrefixes: [] });
  });

  it('the virtual interface is followed through link notifications: created, renamed, deleted', () => {
    const f = new InterestFilter();
    f.follow(interest('kube-lb1', ['10.200.0.0/16']));
    assert.equal(f.link('new', { index: 12, name: 'kube-lb1' }), true, 'created');
    assert.deepEqual(f.filter().hostAddressLinks, [12]);
    assert.equal(f.link('new', { index: 12, name: 'kube-lb1' }), false, 'a flag change');
    assert.equal(f.link('new', { index: 3, name: 'enp2s0' }), false, 'another link');
    assert.equal(f.link('new', { index: 12, name: 'other' }), true, 'renamed away');
    assert.deepEqual(f.filter().hostAddressLinks, []);
    f.link('new', { index: 12, name: 'kube-lb1' });
    assert.equal(f.link('del', { index: 12, name: 'kube-lb1' }), true, 'deleted');
    assert.deepEqual(f.filter().hostAddressLinks, []);
  });
});

describe('InterestFilter.urgentRoute: only routes that can change an election reconcile at once', () => {
  const f = new InterestFilter();
  f.follow(interest('kube-lb0', ['172.30.250.0/24']));
  const route = (family: 4 | 6, dstLength: number, oif?: number) => ({ family, dstLength, oif });

  it('a default route, a subnet route, a multipath route (no oif): urgent', () => {
    assert.equal(f.urgentRoute(route(4, 0, 2)), true);
    assert.equal(f.urgentRoute(route(6, 64, 2)), true);
    assert.equal(f.urgentRoute(route(4, 32)), true);
  });

  it("a host route through the virtual interface: urgent (it is the agent's own, or competes with it)", () => {
    assert.equal(f.urgentRoute(route(6, 128, 9)), true);
  });

  it('the host route the kernel adds for an IPv6 /128 elsewhere, or an IPv4 /32 route: not urgent', () => {
    assert.equal(f.urgentRoute(route(6, 128, 2)), false);
    assert.equal(f.urgentRoute(route(4, 32, 2)), false);
  });
});

/** A monitor that records the filters put on it, and refuses those `refuse` says so. */
function recordingMonitor(refuse: (f: MonitorFilter) => boolean = () => false) {
  const filters: (MonitorFilter | undefined)[] = [];
  let opened: MonitorFilter | undefined;
  const monitor = Object.assign(new EventEmitter(), {
    unref: () => monitor,
    close: () => {},
    setFilter: (f: MonitorFilter | undefined) => {
      if (f !== undefined && refuse(f)) throw new RangeError('monitor filter hostAddressPrefixes: too many');
      filters.push(f);
    },
  });
  const nl = {
    monitor: (o: { filter?: MonitorFilter }) => {
      opened = o.filter;
      return monitor;
    },
  } as unknown as Netlink;
  return { nl, monitor, filters, opened: () => opened };
}

describe('network watch: the kernel filter follows each decision', () => {
  const logs: Record<string, unknown>[] = [];
  const log = createLogger('debug', (line) => logs.push(JSON.parse(line)));

  it('opens with the main table only, moves with each decision and with the virtual interface', () => {
    const m = recordingMonitor();
    const marks: string[] = [];
    const watch = watchNetwork(m.nl, (why) => marks.push(why), log, { kernelFilter: true });
    try {
      assert.deepEqual(m.opened(), { routeTables: ['main'] });
      watch.follow(interest('kube-lb1', ['10.200.0.0/16']));
      watch.follow(interest('kube-lb1', ['10.200.0.0/16']));
      m.monitor.emit('link', { type: 'link', action: 'new', link: { index: 12, name: 'kube-lb1' } });
      assert.deepEqual(m.filters, [
        { routeTables: ['main'], hostAddressLinks: [], hostAddressPrefixes: ['10.200.0.0/16'] },
        { routeTables: ['main'], hostAddressLinks: [12], hostAddressPrefixes: ['10.200.0.0/16'] },
      ]);
      assert.deepEqual(marks, ['link change'], 'the link still marks dirty');
    } finally {
      watch.close();
    }
  });

  it('a filter refused falls back to the main table only, with a warning naming why', () => {
    const m = recordingMonitor((f) => f.hostAddressPrefixes !== undefined);
    logs.length = 0;
    const watch = watchNetwork(m.nl, () => {}, log, { kernelFilter: true });
    try {
      watch.follow(interest('kube-lb0', ['10.200.0.0/16']));
      assert.deepEqual(m.filters, [{ routeTables: ['main'] }]);
      const warning = logs.find((l) => l.level === 'warn');
      assert.match(String(warning?.msg), /filter refused: every address notification reaches the agent/);
      assert.match(String(warning?.reason), /too many/);
    } finally {
      watch.close();
    }
  });

  it('host routes off the virtual interface are coalesced like foreign addresses; a default route is not', async () => {
    const m = recordingMonitor();
    const marks: string[] = [];
    const watch = watchNetwork(m.nl, (why) => marks.push(why), log, {
      kernelFilter: true,
      foreignQuietMs: 20,
      foreignMaxWaitMs: 200,
      immediateForeign: false,
    });
    try {
      watch.follow(interest('kube-lb0', ['172.30.250.0/24']));
      for (let i = 0; i < 500; i++) {
        m.monitor.emit('route', {
          type: 'route',
          action: 'new',
          route: { table: 254, family: 6, dstLength: 128, oif: 2 },
        });
      }
      assert.deepEqual(marks, [], 'nothing at once');
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(marks, ['foreign address change (500 notifications)']);
      m.monitor.emit('route', {
        type: 'route',
        action: 'del',
        route: { table: 254, family: 4, dstLength: 0, oif: 2 },
      });
      assert.deepEqual(marks.at(-1), 'route change');
    } finally {
      watch.close();
    }
  });

  it('kernelFilter false: the monitor is opened without a filter and never given one', () => {
    const m = recordingMonitor();
    const watch = watchNetwork(m.nl, () => {}, log, { kernelFilter: false });
    try {
      watch.follow(interest('kube-lb0', ['10.200.0.0/16']));
      assert.equal(m.opened(), undefined);
      assert.deepEqual(m.filters, []);
    } finally {
      watch.close();
    }
  });
});
