// A namespace shaped like the troubleshooting page's node purelb2-1 (/work/shared/seeds/
// troubleshooting-purelb.md), for reading real `ip` output and netlink dumps of the same state. Only
// veth and bridge links: the kernel here has no dummy driver, so kube-lb0 is a bridge with ARP off. Each
// bridge gets one veth port so it has carrier, as the seed's interfaces do.
// (seedShapedNode in agent-process.ts is the page's uplink alone, for running the agent; this is the
// whole page, for comparing what `ip` prints with what the library reads.)
import { inNetns, ip } from '../../../../test/support/netns.ts';

const bridge = (ns: string, name: string, port: string): void => {
  ip(ns, 'link', 'add', name, 'type', 'bridge');
  ip(ns, 'link', 'add', port, 'type', 'veth', 'peer', 'name', `${port}p`);
  ip(ns, 'link', 'set', port, 'master', name);
  for (const l of [name, port, `${port}p`]) ip(ns, 'link', 'set', l, 'up');
};

const addr = (ns: string, ...args: string[]): void => void ip(ns, 'addr', 'add', ...args);
const route = (ns: string, ...args: string[]): void => void ip(ns, 'route', 'add', ...args);

/** Builds the seed node's interfaces, addresses and main-table routes in the (fresh) namespace. */
export function shapeLikeSeed(ns: string): void {
  // No duplicate address detection: link-local addresses are final at once, so two reads agree.
  for (const conf of ['all', 'default']) inNetns(ns, 'sysctl', ['-qw', `net.ipv6.conf.${conf}.accept_dad=0`]);
  ip(ns, 'link', 'add', 'enp1s0', 'address', '52:54:00:76:05:b6', 'type', 'veth', 'peer', 'name', 'uplink');
  ip(ns, 'link', 'set', 'uplink', 'up');
  ip(ns, 'link', 'set', 'enp1s0', 'up');
  bridge(ns, 'docker0', 'vethd0');
  bridge(ns, 'cni0', 'vethc0');
  bridge(ns, 'kube-lb0', 'vethk0');
  ip(ns, 'link', 'set', 'kube-lb0', 'arp', 'off', 'alias', 'purelb virtual interface');

  addr(ns, '172.30.250.104/24', 'brd', '+', 'dev', 'enp1s0');
  addr(ns, '172.30.250.53/24', 'brd', '+', 'dev', 'enp1s0');
  addr(ns, '172.30.250.54/24', 'brd', '+', 'dev', 'enp1s0', 'noprefixroute');
  addr(
    ns,
    '2001:470:8bf5:1:1::2/128',
    'dev',
    'enp1s0',
    'nodad',
    'valid_lft',
    '3367',
    'preferred_lft',
    '2367',
  );
  addr(ns, '172.17.0.1/16', 'brd', '+', 'dev', 'docker0');
  addr(ns, '10.129.0.1/24', 'brd', '+', 'dev', 'cni0');
  for (const a of ['172.31.1.225/32', '172.31.1.5/32', '172.31.1.2/32', '172.31.1.7/32', '172.31.1.9/32'])
    addr(ns, a, 'dev', 'kube-lb0');
  addr(ns, '172.31.2.128/24', 'brd', '+', 'dev', 'kube-lb0');
  addr(ns, '172.31.0.9/24', 'brd', '+', 'dev', 'kube-lb0');

  route(
    ns,
    'default',
    'via',
    '172.30.250.1',
    'dev',
    'enp1s0',
    'proto',
    'dhcp',
    'src',
    '172.30.250.104',
    'metric',
    '100',
  );
  route(
    ns,
    '172.30.250.1',
    'dev',
    'enp1s0',
    'proto',
    'dhcp',
    'scope',
    'link',
    'src',
    '172.30.250.104',
    'metric',
    '100',
  );
  const pods: [number, string][] = [
    [1, '103'],
    [2, '101'],
    [3, '102'],
    [4, '105'],
  ];
  for (const [third, host] of pods)
    route(ns, `10.129.${third}.0/24`, 'via', `172.30.250.${host}`, 'dev', 'enp1s0');
  route(ns, '10.2.0.0/16', 'via', '172.30.250.3', 'dev', 'enp1s0', 'onlink', 'mtu', '1400');
  route(
    ns,
    '10.3.0.0/16',
    'nexthop',
    'via',
    '172.30.250.5',
    'dev',
    'enp1s0',
    'weight',
    '2',
    'nexthop',
    'via',
    '172.30.250.6',
    'dev',
    'enp1s0',
  );
  route(ns, 'blackhole', '10.4.0.0/16');
  ip(
    ns,
    '-6',
    'route',
    'add',
    'default',
    'via',
    'fe80::1',
    'dev',
    'enp1s0',
    'proto',
    'ra',
    'metric',
    '1024',
    'pref',
    'high',
  );
}
