// Routes and nexthop objects with a lightweight tunnel encapsulation (`encap ip` / `encap ip6`)
// through a collect_metadata ("external") vxlan device in a throw-away namespace: made through the
// API, read back both with routes.list / nexthops.list and with `ip -j -d route show` / `ip -j
// nexthop show`, and refused by the kernel where it refuses them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type IpTunnelEncap, NetlinkError } from '../../src/index.ts';
import { ip, ipJson, needsNetns, vethPair, withHandle } from './support.ts';

/** How `ip -j` prints an encap ip / ip6 (the keys sit on the route or nexthop object itself). */
interface IpEncapJson {
  encap: string;
  id: number;
  src: string;
  dst: string;
  ttl?: number;
  tos?: number;
  hoplimit?: number;
  tc?: number;
  flags?: string[];
}

function node(ns: string): void {
  vethPair(ns);
  ip(ns, 'address', 'add', '10.0.0.1/24', 'dev', 'v0');
  ip(ns, '-6', 'address', 'add', '2001:db8::1/64', 'dev', 'v0', 'nodad');
  ip(ns, 'link', 'add', 'vx0', 'type', 'vxlan', 'external', 'dstport', '4789');
  ip(ns, 'link', 'set', 'vx0', 'up');
}

/** Our decoded encap as `ip -j` prints it. */
function asIp(e: IpTunnelEncap | undefined): Partial<IpEncapJson> {
  assert.ok(e, 'the encap is decoded');
  const v4 = e.type === 'ip';
  return {
    encap: e.type,
    id: Number(e.id),
    src: e.src,
    dst: e.dst,
    [v4 ? 'ttl' : 'hoplimit']: e.ttl,
    [v4 ? 'tos' : 'tc']: e.tos,
  };
}

const pick = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, o[k]]));
const ENCAP_KEYS = ['encap', 'id', 'src', 'dst', 'ttl', 'tos', 'hoplimit', 'tc'];

test('routes.add with encap ip / ip6 makes the route `ip route add ... encap` makes', needsNetns, () =>
  withHandle(async (nl, ns) => {
    node(ns);
    await nl.routes.add({
      dst: '10.9.0.0/24',
      link: 'vx0',
      encap: { type: 'ip', id: 42, dst: '10.0.0.2', ttl: 5, tos: 0x10, key: true },
    });
    await nl.routes.add({
      dst: '2001:db8:5::/64',
      link: 'vx0',
      encap: { type: 'ip6', id: 3n, dst: '2001:db8::2', src: '2001:db8::1', ttl: 7 },
    });
    const [v4] = ipJson<Record<string, unknown>[]>(ns, '-d', 'route', 'show', '10.9.0.0/24');
    const [v6] = ipJson<Record<string, unknown>[]>(ns, '-d', '-6', 'route', 'show', '2001:db8:5::/64');
    assert.ok(v4 && v6);
    const ours4 = (await nl.routes.list({ family: 4 })).find((r) => r.dst === '10.9.0.0');
    const ours6 = (await nl.routes.list({ family: 6 })).find((r) => r.dst === '2001:db8:5::');
    // ip -j writes the encap's dst over the route's own, so compare the encap keys only
    assert.deepEqual(pick(asIp(ours4?.ipEncap), ENCAP_KEYS), pick(v4, ENCAP_KEYS));
    assert.deepEqual(pick(asIp(ours6?.ipEncap), ENCAP_KEYS), pick(v6, ENCAP_KEYS));
    assert.deepEqual(ours4?.ipEncap, {
      type: 'ip',
      id: 42n,
      dst: '10.0.0.2',
      src: '0.0.0.0',
      ttl: 5,
      tos: 0x10,
      key: true,
      csum: false,
      seq: false,
    });
    // a lookup through it carries the encap too, and a delete by prefix finds it
    assert.equal((await nl.routes.get('10.9.0.7')).ipEncap?.id, 42n);
    await nl.routes.delete({ dst: '10.9.0.0/24' });
    assert.deepEqual(ipJson(ns, 'route', 'show', '10.9.0.0/24'), []);
  }),
);

test('routes.add with an encap on each path of a multipath route', needsNetns, () =>
  withHandle(async (nl, ns) => {
    node(ns);
    await nl.routes.add({
      dst: '10.9.0.0/24',
      nexthops: [
        { gateway: '10.0.0.2', link: 'v0', encap: { type: 'ip', id: 5, dst: '10.0.0.5' } },
        { link: 'vx0', weight: 2, encap: { type: 'ip', id: 6, dst: '10.0.0.6', ttl: 3 } },
      ],
    });
    const [theirs] = ipJson<{ nexthops: Record<string, unknown>[] }[]>(
      ns,
      '-d',
      'route',
      'show',
      '10.9.0.0/24',
    );
    const ours = (await nl.routes.list({ family: 4 })).find((r) => r.dst === '10.9.0.0');
    assert.equal(ours?.nexthops?.length, 2);
    assert.equal(theirs?.nexthops.length, 2);
    ours?.nexthops?.forEach((hop, i) => {
      const their = theirs?.nexthops[i] ?? {};
      assert.deepEqual(pick(asIp(hop.ipEncap), ENCAP_KEYS), pick(their, ENCAP_KEYS), `path ${i}`);
      assert.equal(hop.weight, their.weight);
    });
  }),
);

test('nexthops.add with encap ip, and a route through it', needsNetns, () =>
  withHandle(async (nl, ns) => {
    node(ns);
    const id = await nl.nexthops.add({ link: 'vx0', encap: { type: 'ip', id: 7, dst: '10.0.0.3', ttl: 9 } });
    await nl.routes.add({ dst: '10.8.0.0/16', nhId: id });
    const theirs = ipJson<Record<string, unknown>[]>(ns, 'nexthop', 'show').find((n) => n.encap === 'ip');
    assert.ok(theirs);
    const ours = await nl.nexthops.get(id);
    // ip -j prints the nexthop's id and then the encap's under the same key: the last one stays
    assert.deepEqual(pick(asIp(ours.ipEncap), ENCAP_KEYS), pick(theirs, ENCAP_KEYS));
    assert.equal(ours.ipEncap?.dst, '10.0.0.3');
    assert.equal((await nl.routes.get('10.8.1.1', { fibMatch: true })).nhId, id);
    await assert.rejects(
      nl.nexthops.add({ id: 60, encap: { type: 'ip', dst: '10.0.0.3' }, blackhole: true }),
      /an encap goes on a single nexthop with a device/,
    );
  }),
);

test('the kernel’s refusal of an encap route names the route add', needsNetns, () =>
  withHandle(async (nl, ns) => {
    node(ns);
    // an encap needs a device to leave through: with neither link nor gateway the kernel refuses
    await assert.rejects(
      nl.routes.add({ dst: '10.9.0.0/24', encap: { type: 'ip', id: 1, dst: '10.0.0.2' } }),
      (e: unknown) => {
        assert.ok(e instanceof NetlinkError, String(e));
        assert.equal(e.code, 'ENODEV');
        assert.equal(e.operation, 'route add 10.9.0.0/24 encap ip id 1 dst 10.0.0.2');
        return true;
      },
    );
    assert.equal(nl.info.inFlight, 0);
  }),
);
