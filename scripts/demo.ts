// The demo: builds the node from PureLB's troubleshooting guide inside a throw-away network
// namespace through @purelb-ts/netlink-native, shows what iproute2 sees next to what the library
// reads back, then the guide's failure case (two equal default routes), and deletes the namespace.
// The JavaScript thread never leaves the host namespace: every socket is opened inside the demo's.
import { execFileSync } from 'node:child_process';
import { addressFlagNames, Netlink, NetlinkError, type Route } from '@purelb-ts/netlink-native';

const unshared = process.env.PURELB_DEMO_UNSHARED === '1';
const ns = `purelb-demo-${process.pid}`;

function ipIn(...args: string[]): string {
  const argv = unshared ? args : ['-n', ns, ...args];
  return execFileSync('ip', argv, { encoding: 'utf8' });
}

const heading = (text: string) => console.log(`\n\x1b[1m== ${text}\x1b[0m`);

function describeDefault(r: Route, names: Map<number, string>): string {
  const dev = r.oif === undefined ? 'multipath' : (names.get(r.oif) ?? `#${r.oif}`);
  return `default via ${r.gateway ?? '-'} dev ${dev} metric ${r.priority ?? 0}`;
}

async function createVirtualInterface(nl: Netlink, name: string): Promise<string> {
  try {
    await nl.links.create({ name, kind: 'dummy', up: true });
    return 'dummy';
  } catch (err) {
    if (!(err instanceof NetlinkError) || err.code !== 'EOPNOTSUPP') throw err;
    console.log(
      `  dummy driver missing (${err.code}: "${err.extAck?.message}"): using an ifb device instead`,
    );
    await nl.links.create({ name, kind: 'ifb', up: true });
    return 'ifb';
  }
}

async function buildSeedNode(nl: Netlink): Promise<void> {
  heading("Building the guide's node (purelb2-1) through the library");
  // enp1s0 is one end of a veth; its peer plays the upstream switch.
  await nl.links.create({ name: 'enp1s0', kind: 'veth', peer: 'upstream0', up: true });
  await nl.links.setUp('upstream0');
  await nl.addresses.add({ link: 'enp1s0', address: '172.30.250.104/24' });
  await nl.routes.add({ dst: 'default', gateway: '172.30.250.1', link: 'enp1s0', metric: 100 });
  await nl.links.create({ name: 'cni0', kind: 'bridge', up: true });
  await nl.addresses.add({ link: 'cni0', address: '10.129.0.1/24' });
  const kind = await createVirtualInterface(nl, 'kube-lb0');
  console.log(`  kube-lb0 created as ${kind}`);
  // What PureLB places: local-pool addresses as secondaries on enp1s0, remote ones on kube-lb0.
  await Promise.all([
    nl.addresses.add({ link: 'enp1s0', address: '172.30.250.53/24' }),
    nl.addresses.add({ link: 'enp1s0', address: '172.30.250.54/24' }),
    nl.addresses.add({ link: 'kube-lb0', address: '172.31.1.5/32' }),
    nl.addresses.add({ link: 'kube-lb0', address: '172.31.2.128/24' }),
    nl.addresses.add({ link: 'kube-lb0', address: '172.31.0.9/24' }),
  ]);
}

async function show(nl: Netlink): Promise<void> {
  heading('ip route show');
  process.stdout.write(ipIn('route', 'show'));
  heading('ip addr show dev enp1s0');
  process.stdout.write(ipIn('addr', 'show', 'dev', 'enp1s0'));
  heading('ip addr show dev kube-lb0');
  process.stdout.write(ipIn('addr', 'show', 'dev', 'kube-lb0'));

  heading('The same state read back as typed objects');
  const links = await nl.links.list();
  const names = new Map(links.map((l) => [l.index, l.name]));
  for (const a of await nl.addresses.list({ family: 4 })) {
    const secondary = addressFlagNames(a.flags).includes('secondary') ? ' secondary' : '';
    console.log(`  ${names.get(a.index)?.padEnd(9)} ${a.address}/${a.prefixLength}${secondary}`);
  }
  const defaults = (await nl.routes.list({ family: 4, table: 'main' })).filter((r) => r.dstLength === 0);
  for (const r of defaults) console.log(`  ${describeDefault(r, names)}`);
  const toClient = await nl.routes.get('172.30.250.77');
  console.log(`  route to 172.30.250.77: dev ${names.get(toClient.oif ?? 0)} src ${toClient.prefsrc}`);
}

async function twoDefaults(nl: Netlink): Promise<void> {
  heading('The failure case from the guide: a second default route with the same metric');
  await nl.links.create({ name: 'enp2s0', kind: 'veth', peer: 'upstream1', up: true });
  await nl.links.setUp('upstream1');
  await nl.addresses.add({ link: 'enp2s0', address: '192.168.77.10/24' });
  // `ip route add` refuses a second equal default (EEXIST); `append` is how hosts end up with one.
  await nl.routes.append({ dst: 'default', gateway: '192.168.77.1', link: 'enp2s0', metric: 100 });
  process.stdout.write(ipIn('route', 'show', 'default'));
  const names = new Map((await nl.links.list()).map((l) => [l.index, l.name]));
  const defaults = (await nl.routes.list({ family: 4, table: 'main' })).filter((r) => r.dstLength === 0);
  const lowest = Math.min(...defaults.map((r) => r.priority ?? 0));
  const tied = defaults.filter((r) => (r.priority ?? 0) === lowest);
  console.log(`  the dump shows ${defaults.length} default routes; ${tied.length} share the lowest metric:`);
  for (const r of tied) console.log(`    ${describeDefault(r, names)}`);
  console.log(
    '  Linux uses the first; PureLB refuses to guess: it logs an error and places addresses on kube-lb0.',
  );
}

async function watchOneChange(nl: Netlink): Promise<void> {
  heading('Monitor: an address added with `ip` arrives as an event');
  const monitor = nl.monitor({ groups: ['ipv4-address'] });
  const seen = new Promise<number>((resolve) => {
    monitor.on('address', (e) => {
      if (e.action === 'new' && e.address.address === '172.31.1.9') resolve(performance.now());
    });
  });
  const started = performance.now();
  ipIn('addr', 'add', '172.31.1.9/32', 'dev', 'kube-lb0');
  const at = await seen;
  console.log(
    `  RTM_NEWADDR 172.31.1.9/32 on kube-lb0 seen ${(at - started).toFixed(1)} ms after 'ip addr add' started`,
  );
  monitor.close();
}

async function main(): Promise<void> {
  if (!unshared) execFileSync('ip', ['netns', 'add', ns]);
  let nl: Netlink | undefined;
  try {
    nl = await Netlink.open(unshared ? {} : { netns: ns });
    await nl.links.setUp('lo');
    await buildSeedNode(nl);
    await show(nl);
    await twoDefaults(nl);
    await watchOneChange(nl);
  } finally {
    nl?.close();
    if (!unshared) execFileSync('ip', ['netns', 'del', ns]);
    console.log(unshared ? '\n(namespace discarded with the process)' : `\nnamespace ${ns} deleted`);
  }
}

await main();
