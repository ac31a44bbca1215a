// Source-mode macvlans on a veth lower device: the source MAC list made at creation and changed by
// links.set (add, del, set, flush), each state read back decoded and checked against what
// `ip -j -d link show` prints for it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Netlink, NetlinkError } from '../../src/index.ts';
import { ip, ipJson, needsNetns, withHandle } from './support.ts';

interface IpMacvlanData {
  mode?: string;
  bcqueuelen?: number;
  usedbcqueuelen?: number;
  macaddr_count?: number;
  macaddr_data?: string[];
}

function ipMacvlan(ns: string, name: string): IpMacvlanData | undefined {
  type Shown = { linkinfo?: { info_data?: IpMacvlanData } }[];
  return ipJson<Shown>(ns, '-d', 'link', 'show', 'dev', name)[0]?.linkinfo?.info_data;
}

/** The decoded macvlan data equals `ip`'s view (the list in the kernel's order, for both). */
async function sameAsIp(nl: Netlink, ns: string, name: string): Promise<string[]> {
  const mv = (await nl.links.get(name)).macvlan;
  const shown = ipMacvlan(ns, name);
  assert.equal(mv?.mode, shown?.mode);
  assert.equal(mv?.broadcastQueueLength, shown?.bcqueuelen);
  assert.equal(mv?.broadcastQueueLengthUsed, shown?.usedbcqueuelen);
  assert.equal(mv?.sourceMacCount, shown?.macaddr_count ?? 0, 'ip prints a count of 0 as nothing');
  assert.deepEqual(mv?.sourceMacs, shown?.macaddr_data);
  return [...(mv?.sourceMacs ?? [])].sort();
}

async function lower(nl: Netlink): Promise<void> {
  await nl.links.create({ name: 'v0', kind: 'veth', peer: 'v1' });
}

const MAC = (n: number): string => `02:00:00:00:00:${n.toString(16).padStart(2, '0')}`;

test(
  'a source-mode macvlan made with source MACs, then add / del / set / flush, as `ip` sees it',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      await lower(nl);
      await nl.links.create({
        name: 'mv0',
        kind: 'macvlan',
        parent: 'v0',
        macvlan: { mode: 'source', sourceMacs: [MAC(0x21), MAC(0x22)] },
      });
      assert.deepEqual(await sameAsIp(nl, ns, 'mv0'), [MAC(0x21), MAC(0x22)]);
      assert.equal((await nl.links.get('mv0')).macvlan?.sourceMacCount, 2);
      await nl.links.set('mv0', { macvlan: { sourceMacs: { add: MAC(0x23) } } });
      assert.deepEqual(await sameAsIp(nl, ns, 'mv0'), [MAC(0x21), MAC(0x22), MAC(0x23)]);
      await nl.links.set('mv0', { macvlan: { sourceMacs: { del: MAC(0x21) } } });
      assert.deepEqual(await sameAsIp(nl, ns, 'mv0'), [MAC(0x22), MAC(0x23)]);
      await nl.links.set('mv0', { macvlan: { sourceMacs: { set: [MAC(0x24), MAC(0x25)] } } });
      assert.deepEqual(await sameAsIp(nl, ns, 'mv0'), [MAC(0x24), MAC(0x25)]);
      await nl.links.set('mv0', { macvlan: { sourceMacs: { flush: true } } });
      assert.deepEqual(await sameAsIp(nl, ns, 'mv0'), []);
      const flushed = (await nl.links.get('mv0')).macvlan;
      assert.deepEqual([flushed?.sourceMacCount, flushed?.sourceMacs], [0, undefined]);
      // a list made by `ip` reads back the same way
      ip(ns, 'link', 'set', 'mv0', 'type', 'macvlan', 'macaddr', 'add', MAC(0x26));
      assert.deepEqual(await sameAsIp(nl, ns, 'mv0'), [MAC(0x26)]);
      // leaving source mode drops the list
      await nl.links.set('mv0', { macvlan: { mode: 'bridge' } });
      const bridged = (await nl.links.get('mv0')).macvlan;
      assert.deepEqual([bridged?.mode, bridged?.sourceMacs], ['bridge', undefined]);
    }),
);

test(
  'source MACs on a macvlan of another mode: EINVAL from the kernel, or refused before sending',
  needsNetns,
  () =>
    withHandle(async (nl) => {
      await lower(nl);
      await nl.links.create({ name: 'mv1', kind: 'macvlan', parent: 'v0', macvlan: { mode: 'bridge' } });
      await assert.rejects(
        nl.links.set('mv1', { macvlan: { sourceMacs: { add: MAC(0x23) } } }),
        (e: unknown) =>
          e instanceof NetlinkError &&
          e.code === 'EINVAL' &&
          e.operation === `link set mv1 type macvlan macaddr add ${MAC(0x23)}`,
      );
      assert.equal((await nl.links.get('mv1')).macvlan?.sourceMacs, undefined);
      const refused: [object, RegExp][] = [
        [{ sourceMacs: {} }, /exactly one of add, del, set, flush/],
        [{ sourceMacs: { add: MAC(1), del: MAC(2) } }, /exactly one of add, del, set, flush/],
        [{ sourceMacs: { flush: 1 } }, /flush must be true/],
        [{ sourceMacs: { add: '02:00' } }, /a source MAC has 6 bytes/],
        [{ sourceMacs: { set: MAC(1) } }, /source MACs must be an array/],
        [{ mode: 'nope' }, /macvlan mode must be one of/],
      ];
      for (const [macvlan, message] of refused)
        await assert.rejects(nl.links.set('mv1', { macvlan: macvlan as never }), message);
      await assert.rejects(
        nl.links.create({
          name: 'mv2',
          kind: 'macvlan',
          parent: 'v0',
          macvlan: { mode: 'vepa', sourceMacs: [MAC(1)] },
        }),
        /sourceMacs need mode: 'source'/,
      );
      assert.equal(await nl.links.find('mv2'), undefined);
    }),
);
