import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressFlagNames, NetlinkError } from '../../src/index.ts';
import { ip, ipAddresses, needsNetns, vethPair, withHandle } from './support.ts';

test('addresses.add: IPv4 with auto broadcast (< /31), none for /32, and a /31 without one', needsNetns, () =>
  withHandle(async (nl, ns) => {
    vethPair(ns);
    await nl.addresses.add({ link: 'v0', address: '10.0.0.1/24' });
    await nl.addresses.add({ link: 'v0', address: '10.0.1.1', prefixLength: 32 });
    await nl.addresses.add({ link: 'v0', address: '10.0.2.0/31' });
    await nl.addresses.add({ link: 'v0', address: '10.0.3.1/24', broadcast: null });
    const byAddr = new Map(ipAddresses(ns, 'v0').map((a) => [a.local, a]));
    assert.equal(byAddr.get('10.0.0.1')?.broadcast, '10.0.0.255');
    assert.equal(byAddr.get('10.0.0.1')?.prefixlen, 24);
    assert.equal(byAddr.get('10.0.1.1')?.broadcast, undefined);
    assert.equal(byAddr.get('10.0.1.1')?.prefixlen, 32);
    assert.equal(byAddr.get('10.0.2.0')?.broadcast, undefined);
    assert.equal(byAddr.get('10.0.3.1')?.broadcast, undefined);
  }),
);

test('addresses.add: flags by name, lifetimes, label and protocol reach the kernel', needsNetns, () =>
  withHandle(async (nl, ns) => {
    vethPair(ns);
    await nl.addresses.add({
      link: 'v0',
      address: '10.0.0.1/24',
      flags: ['noprefixroute'],
      validLifetime: 100,
      preferredLifetime: 50,
      label: 'v0:vip',
      protocol: 99,
    });
    await nl.addresses.add({ link: 'v0', address: '2001:db8::1/64', flags: ['nodad'] });
    const [v4] = ipAddresses(ns, 'v0').filter((a) => a.local === '10.0.0.1');
    assert.equal(v4?.noprefixroute, true);
    assert.equal(v4?.label, 'v0:vip');
    assert.ok(v4 && v4.valid_life_time <= 100 && v4.valid_life_time > 90, `valid ${v4?.valid_life_time}`);
    assert.ok(v4 && v4.preferred_life_time <= 50 && v4.preferred_life_time > 40);
    const v6 = ipAddresses(ns, 'v0').find((a) => a.local === '2001:db8::1');
    assert.equal(v6?.nodad, true);
    assert.equal(v6?.prefixlen, 64);
    // Read back through the library too, including the protocol tag (`ip` 6.1 cannot show it).
    const ours = (await nl.addresses.list({ family: 4, link: 'v0' })).find((a) => a.address === '10.0.0.1');
    assert.equal(ours?.protocol, 99);
    assert.ok(ours && addressFlagNames(ours.flags).includes('noprefixroute'));
    assert.ok(ours && ours.validLifetime <= 100 && ours.validLifetime !== Number.POSITIVE_INFINITY);
  }),
);

test(
  'addresses.replace updates an address in place (lifetimes), where add would say EEXIST',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      vethPair(ns);
      await nl.addresses.add({
        link: 'v0',
        address: '10.0.0.1/24',
        validLifetime: 100,
        preferredLifetime: 100,
      });
      await assert.rejects(
        nl.addresses.add({ link: 'v0', address: '10.0.0.1/24' }),
        (e: unknown) =>
          e instanceof NetlinkError &&
          e.code === 'EEXIST' &&
          e.operation === 'address add 10.0.0.1/24 dev v0',
      );
      await nl.addresses.replace({ link: 'v0', address: '10.0.0.1/24' });
      const [a] = ipAddresses(ns, 'v0').filter((x) => x.local === '10.0.0.1');
      assert.equal(a?.valid_life_time, 4294967295, 'forever after replace');
      assert.equal(ipAddresses(ns, 'v0').filter((x) => x.local === '10.0.0.1').length, 1);
    }),
);

test(
  'addresses.delete removes exactly that address; deleting a missing one is EADDRNOTAVAIL',
  needsNetns,
  () =>
    withHandle(async (nl, ns) => {
      vethPair(ns);
      ip(ns, 'addr', 'add', '10.0.0.1/24', 'dev', 'v0');
      ip(ns, 'addr', 'add', '10.0.0.2/24', 'dev', 'v0');
      await nl.addresses.delete({ link: 'v0', address: '10.0.0.2/24' });
      assert.deepEqual(
        ipAddresses(ns, 'v0')
          .filter((a) => a.family === 'inet')
          .map((a) => a.local),
        ['10.0.0.1'],
      );
      await assert.rejects(nl.addresses.delete({ link: 'v0', address: '10.0.0.9/24' }), (e: unknown) => {
        assert.ok(e instanceof NetlinkError);
        assert.equal(e.code, 'EADDRNOTAVAIL');
        assert.equal(e.operation, 'address del 10.0.0.9/24 dev v0');
        return true;
      });
    }),
);

test('addresses.list filters by family and link in the kernel, and agrees with `ip`', needsNetns, () =>
  withHandle(async (nl, ns) => {
    vethPair(ns);
    ip(ns, 'addr', 'add', '10.0.0.1/24', 'dev', 'v0');
    ip(ns, 'addr', 'add', '10.0.1.1/24', 'dev', 'v1');
    ip(ns, 'addr', 'add', '2001:db8::1/64', 'dev', 'v0', 'nodad');
    assert.ok(nl.info.strictCheck, 'this kernel accepts NETLINK_GET_STRICT_CHK');
    const v0v4 = await nl.addresses.list({ family: 4, link: 'v0' });
    assert.deepEqual(
      v0v4.map((a) => `${a.address}/${a.prefixLength}`),
      ['10.0.0.1/24'],
    );
    const v0 = await nl.addresses.list({ link: 'v0' });
    assert.deepEqual(
      v0.map((a) => a.address).sort(),
      ipAddresses(ns, 'v0')
        .map((a) => a.local)
        .sort(),
    );
    const all6 = await nl.addresses.list({ family: 6 });
    assert.ok(all6.every((a) => a.family === 6));
    assert.ok(all6.some((a) => a.address === '2001:db8::1'));
    assert.ok(all6.some((a) => a.address === '::1'));
  }),
);
