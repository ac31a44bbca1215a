// A runnable tour of the library: builds the node from PureLB's troubleshooting guide in a
// throw-away network namespace, prints it the way `ip` would, watches a change arrive on a monitor,
// announces a load-balancer address, and deletes the namespace whatever happens.
//
//   sudo node --conditions=purelb-source packages/netlink-native/examples/seed-node.ts   (from the repository)
//   DEBUG=netlink:* ... to see the transport at work
//   --here: work in the current namespace instead (one that is already private, e.g. `unshare -rn`)
import { execFileSync } from 'node:child_process';
import { type Address, addressFlagNames, Netlink, NetlinkError, type Route } from '@purelb-ts/netlink-native';

if (process.argv.includes('--here')) {
  await tour(undefined);
} else {
  const ns = `nl-example-${process.pid}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    await tour(ns);
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
    console.log(`\nnamespace ${ns} deleted`);
  }
}

async function tour(netns: string | undefined): Promise<void> {
  const nl = await Netlink.open({ netns });
  try {
    // enp1s0: a veth renamed, with its address, two secondaries and a default route.
    await nl.links.create({ name: 'tmp0', kind: 'veth', peer: 'upstream0' });
    await nl.links.set('tmp0', { name: 'enp1s0' });
    await nl.links.setUp('enp1s0');
    await nl.links.setUp('upstream0');
    await nl.links.setUp('lo');
    for (const address of ['172.30.250.104/24', '172.30.250.53/24', '172.30.250.54/24']) {
      await nl.addresses.add({ link: 'enp1s0', address });
    }
    await nl.routes.add({
      dst: 'default',
      gateway: '172.30.250.1',
      link: 'enp1s0',
      prefsrc: '172.30.250.104',
      metric: 100,
    });

    // kube-lb0: PureLB's virtual interface (an ifb here; this kernel may lack the dummy driver).
    try {
      await nl.links.create({ name: 'kube-lb0', kind: 'dummy' });
    } catch (err) {
      if (!(err instanceof NetlinkError && err.code === 'EOPNOTSUPP')) throw err;
      console.log(`dummy unavailable (${err.extAck?.message}), using ifb`);
      await nl.links.create({ name: 'kube-lb0', kind: 'ifb' });
    }
    await nl.links.setUp('kube-lb0');

    // A monitor on its own socket sees the next address arrive.
    const monitor = nl.monitor({ groups: ['ipv4-address'] });
    const seen = new Promise<Address>((resolve) => monitor.on('address', (e) => resolve(e.address)));
    for (const address of ['172.31.1.5/32', '172.31.2.128/24', '172.31.0.9/24']) {
      await nl.addresses.add({ link: 'kube-lb0', address });
    }
    console.log(`monitor: new address ${(await seen).address} on kube-lb0`);
    monitor.close();

    const names = new Map((await nl.links.list()).map((l) => [l.index, l.name]));
    for (const dev of ['enp1s0', 'kube-lb0']) {
      console.log(`\n$ ip addr show dev ${dev}`);
      for (const a of await nl.addresses.list({ family: 4, link: dev })) {
        const secondary = addressFlagNames(a.flags).includes('secondary') ? ' secondary' : '';
        const brd = a.broadcast ? ` brd ${a.broadcast}` : '';
        console.log(`    inet ${a.address}/${a.prefixLength}${brd} scope global${secondary} ${dev}`);
      }
    }
    console.log('\n$ ip route show');
    const routes = await nl.routes.list({ family: 4 });
    for (const r of routes) console.log(routeLine(r, names));
    if (routes.interrupted) console.log('(the dump was interrupted by a concurrent change)');

    const lookup = await nl.routes.get('8.8.8.8');
    console.log(
      `\nroute get 8.8.8.8: via ${lookup.gateway} dev ${names.get(lookup.oif ?? 0)} src ${lookup.prefsrc}`,
    );

    await nl.announce('enp1s0', '172.30.250.53');
    console.log('gratuitous ARP sent for 172.30.250.53 on enp1s0');

    try {
      await nl.addresses.add({ link: 'kube-lb0', address: '172.31.1.5/32' });
    } catch (err) {
      if (err instanceof NetlinkError) console.log(`\nas expected: ${err.message}`);
      else throw err;
    }

    // The guide's failure case: a second default route with the same metric. `add` refuses it
    // (EEXIST); `append` is how hosts end up with one, and the dump shows both.
    await nl.links.create({ name: 'enp2s0', kind: 'veth', peer: 'upstream1', up: true });
    await nl.links.setUp('upstream1');
    await nl.addresses.add({ link: 'enp2s0', address: '192.168.77.10/24' });
    await nl.routes.append({ dst: 'default', gateway: '192.168.77.1', link: 'enp2s0', metric: 100 });
    const all = new Map((await nl.links.list()).map((l) => [l.index, l.name]));
    const defaults = (await nl.routes.list({ family: 4 })).filter((r) => r.dstLength === 0);
    console.log(
      `\n${defaults.length} default routes with metric ${defaults.map((r) => r.priority).join(' and ')}:`,
    );
    for (const r of defaults) console.log(`    ${routeLine(r, all)}`);
    console.log(
      'Linux uses the first; PureLB cannot tell which interface is local and uses kube-lb0 instead.',
    );
  } finally {
    nl.close();
  }
}

function routeLine(r: Route, names: Map<number, string>): string {
  const parts = [r.dstLength === 0 ? 'default' : r.dstLength === 32 ? `${r.dst}` : `${r.dst}/${r.dstLength}`];
  if (r.gateway) parts.push(`via ${r.gateway}`);
  parts.push(`dev ${names.get(r.oif ?? 0)}`);
  if (r.scope === 253) parts.push('scope link');
  if (r.prefsrc) parts.push(`src ${r.prefsrc}`);
  if (r.priority !== undefined) parts.push(`metric ${r.priority}`);
  return parts.join(' ');
}
