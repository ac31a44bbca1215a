// A veth as a bridge port: master and nomaster, and the port's attributes (IFLA_BRPORT_*) read
// from every link read and set with `links.set(port, { bridgePort })`, each checked with `ip`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NetlinkError } from '../../src/index.ts';
import { ipJson, needsNetns, withHandle } from './support.ts';

interface IpPortLink {
  ifname: string;
  master?: string;
  linkinfo?: { info_slave_kind?: string; info_slave_data?: Record<string, unknown> };
}

/** `ip -d -j link show dev NAME`. */
const ipLink = (ns: string, name: string): IpPortLink | undefined =>
  ipJson<IpPortLink[]>(ns, '-d', 'link', 'show', 'dev', name)[0];

test('links.set master enslaves a veth to a bridge and master: null (nomaster) frees it', needsNetns, () =>
  withHandle(async (nl, ns) => {
    await nl.links.create({ name: 'b0', kind: 'bridge' });
    await nl.links.create({ name: 'v0', kind: 'veth', peer: 'v1' });
    const bridge = await nl.links.get('b0');
    await nl.links.set('v0', { master: 'b0' });
    const port = await nl.links.get('v0');
    assert.equal(port.master, bridge.index);
    assert.equal(port.slaveKind, 'bridge');
    assert.equal(ipLink(ns, 'v0')?.master, 'b0');
    await nl.links.set('v0', { master: null });
    const free = await nl.links.get('v0');
    assert.equal(free.master, undefined);
    assert.equal(free.slaveKind, undefined);
    assert.equal(free.bridgePort, undefined);
    assert.equal(ipLink(ns, 'v0')?.master, undefined);
    await assert.rejects(nl.links.set('v0', { master: 'nope0' }), /unknown master "nope0"/);
  }),
);

test('a new bridge port reads the kernel defaults `ip -d` shows', needsNetns, () =>
  withHandle(async (nl, ns) => {
    await nl.links.create({ name: 'b0', kind: 'bridge' });
    await nl.links.create({ name: 'v0', kind: 'veth', peer: 'v1', master: 'b0' });
    const port = (await nl.links.get('v0')).bridgePort;
    const shown = ipLink(ns, 'v0')?.linkinfo?.info_slave_data ?? {};
    assert.deepEqual(port, {
      state: shown.state,
      priority: shown.priority,
      cost: shown.cost,
      hairpin: shown.hairpin,
      guard: shown.guard,
      rootBlock: shown.root_block,
      fastLeave: shown.fastleave,
      learning: shown.learning,
      unicastFlood: shown.flood,
      proxyArp: shown.proxy_arp,
      multicastFlood: shown.mcast_flood,
      broadcastFlood: shown.bcast_flood,
      neighSuppress: shown.neigh_suppress,
      isolated: shown.isolated,
    });
    assert.equal(port?.state, 'disabled', 'a port of a down bridge');
    assert.equal(port?.learning, true);
  }),
);

test(
  'links.set bridgePort changes cost, priority, state, learning, flooding, hairpin, isolated',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      await nl.links.create({ name: 'b0', kind: 'bridge', up: true });
      await nl.links.create({ name: 'v0', kind: 'veth', peer: 'v1', master: 'b0' });
      await nl.links.setUp('v1');
      await nl.links.setUp('v0');
      await nl.links.set('v0', {
        bridgePort: {
          cost: 77,
          priority: 9,
          learning: false,
          unicastFlood: false,
          multicastFlood: false,
          broadcastFlood: false,
          hairpin: true,
          isolated: true,
          guard: true,
          rootBlock: true,
          fastLeave: true,
          proxyArp: true,
          neighSuppress: true,
        },
      });
      // Without STP in user space the kernel reruns its port state selection after every state
      // change, which makes an enabled port forwarding again; only 'disabled' stays as sent.
      assert.equal((await nl.links.get('v0')).bridgePort?.state, 'forwarding');
      await nl.links.set('v0', { bridgePort: { state: 'disabled' } });
      const port = (await nl.links.get('v0')).bridgePort;
      assert.deepEqual(port, {
        state: 'disabled',
        priority: 9,
        cost: 77,
        hairpin: true,
        guard: true,
        rootBlock: true,
        fastLeave: true,
        learning: false,
        unicastFlood: false,
        proxyArp: true,
        multicastFlood: false,
        broadcastFlood: false,
        neighSuppress: true,
        isolated: true,
      });
      const shown = ipLink(ns, 'v0')?.linkinfo?.info_slave_data ?? {};
      assert.deepEqual(
        [shown.state, shown.priority, shown.cost, shown.learning, shown.flood, shown.hairpin, shown.isolated],
        ['disabled', 9, 77, false, false, true, true],
      );
      // only what is named changes
      await nl.links.set('v0', { bridgePort: { learning: true } });
      const after = (await nl.links.get('v0')).bridgePort;
      assert.deepEqual([after?.learning, after?.cost, after?.isolated], [true, 77, true]);
    }),
);

test(
  'bridgePort on a link that is no bridge port is refused by the kernel, naming the operation',
  needsNetns,
  () =>
    withHandle(async (nl) => {
      await nl.links.create({ name: 'v0', kind: 'veth', peer: 'v1' });
      await assert.rejects(nl.links.set('v0', { bridgePort: { cost: 5 } }), (e: unknown) => {
        assert.ok(e instanceof NetlinkError, String(e));
        assert.equal(e.code, 'EOPNOTSUPP');
        assert.equal(e.operation, 'bridge link set dev v0 cost');
        return true;
      });
      await assert.rejects(nl.links.set('v0', { bridgePort: { cost: 0 } }), /port cost must be 1-65535/);
      await assert.rejects(
        nl.links.set('v0', { bridgePort: { colour: 1 } as never }),
        /unknown bridge port attribute colour/,
      );
    }),
);
