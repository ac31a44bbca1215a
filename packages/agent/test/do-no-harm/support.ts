// Shared by the do-no-harm tests: the seed-shaped node with the rest of its segment in a second
// namespace (uplink0, the far end of enp1s0, moved there: the LAN's gateway and other hosts), the
// kernel's own route lookup, PureLB-tagged addresses written through netlink, and manifests built on
// the seed's configuration.
import { execFileSync } from 'node:child_process';
import { createNetns, deleteNetns, ip, ipJson } from '../../../../test/support/netns.ts';
import { ManifestFile, seedShapedNode } from '../support/agent-process.ts';

/** `ip route get DST` in the namespace: the device and source the kernel would use. */
export function routeGet(ns: string, dst: string): { dev: string; prefsrc?: string } {
  const family = dst.includes(':') ? ['-6'] : [];
  const [r] = ipJson<{ dev: string; prefsrc?: string }[]>(ns, ...family, 'route', 'get', dst);
  if (r === undefined) throw new Error(`no route to ${dst} in ${ns}`);
  return r;
}

/** The seed-shaped node in `ns` and its LAN in a fresh namespace holding 172.30.250.1 (the gateway). */
export async function withSegment<T>(ns: string, fn: (lan: string) => Promise<T>): Promise<T> {
  seedShapedNode(ns);
  const lan = createNetns();
  try {
    ip(ns, 'link', 'set', 'uplink0', 'netns', lan);
    ip(lan, 'link', 'set', 'uplink0', 'up');
    ip(lan, 'addr', 'add', '172.30.250.1/24', 'dev', 'uplink0');
    return await fn(lan);
  } finally {
    deleteNetns(lan);
  }
}

export { addTagged } from '../support/tagged-address.ts';

/** Every address of the namespace as "ip/len dev", both families, link-local left out. */
export function addressesOf(ns: string): string[] {
  const links = ipJson<
    { ifname: string; addr_info: { local: string; prefixlen: number; scope: string }[] }[]
  >(ns, 'addr', 'show');
  return links.flatMap((l) =>
    l.addr_info.filter((a) => a.scope !== 'link').map((a) => `${a.local}/${a.prefixlen} ${l.ifname}`),
  );
}

/** `ip route show` of the main table, both families, one line per route. */
export const routesOf = (ns: string): string =>
  `${execFileSync('ip', ['-n', ns, 'route', 'show'], { encoding: 'utf8' })}${execFileSync('ip', ['-n', ns, '-6', 'route', 'show'], { encoding: 'utf8' })}`;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The seed-shaped node on a bridged LAN: a namespace with bridge br0 (the router, holding the gateway
 * addresses 172.30.250.1/24 and 2001:db8:1::1/64), enp1s0's far end enslaved to it, and `hosts`
 * further namespaces each attached by a veth (eth0 inside). Everything is deleted afterwards.
 */
export async function withBridgedLan<T>(
  ns: string,
  hosts: number,
  fn: (lan: string, others: string[]) => Promise<T>,
): Promise<T> {
  seedShapedNode(ns);
  const lan = createNetns();
  const others: string[] = [];
  try {
    ip(lan, 'link', 'add', 'br0', 'type', 'bridge');
    ip(lan, 'link', 'set', 'br0', 'up');
    ip(lan, 'addr', 'add', '172.30.250.1/24', 'dev', 'br0');
    ip(lan, '-6', 'addr', 'add', '2001:db8:1::1/64', 'dev', 'br0', 'nodad');
    ip(ns, 'link', 'set', 'uplink0', 'netns', lan);
    ip(lan, 'link', 'set', 'uplink0', 'master', 'br0', 'up');
    for (let i = 0; i < hosts; i++) {
      const host = createNetns();
      others.push(host);
      ip(lan, 'link', 'add', `port${i}`, 'type', 'veth', 'peer', 'name', 'eth0');
      ip(lan, 'link', 'set', 'eth0', 'netns', host);
      ip(lan, 'link', 'set', `port${i}`, 'master', 'br0', 'up');
      ip(host, 'link', 'set', 'eth0', 'up');
    }
    return await fn(lan, others);
  } finally {
    for (const h of others) deleteNetns(h);
    deleteNetns(lan);
  }
}

export const macOf = (ns: string, link: string): string =>
  (JSON.parse(ip(ns, '-j', 'link', 'show', link)) as { address: string }[])[0]!.address;

/** A manifest file holding `text` for the length of `fn`, removed afterwards. */
export async function withFile(text: string, fn: (file: ManifestFile) => Promise<void>): Promise<void> {
  const file = new ManifestFile(text);
  try {
    await fn(file);
  } finally {
    file.remove();
  }
}
