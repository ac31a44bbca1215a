// One L2 segment for multi-node tests and the agent bench: a "switch" namespace holding bridge br0,
// and one namespace per host wired to it by a veth that appears inside the host as enp1s0
// (addr/24, default route via 172.30.250.1). Nothing here touches the host's own network.
import { createNetns, deleteNetns, ip, ipJson } from '../../../../test/support/netns.ts';

export interface SegmentHost {
  name: string;
  /** enp1s0's address in 172.30.250.0/24. */
  ip: string;
}

export interface Segment {
  /** Host name → its namespace. */
  hosts: Map<string, string>;
  /** Every namespace made, the switch first; destroy() deletes them all. */
  namespaces: string[];
  destroy(): void;
}

/** Wires namespace `ns` to the switch's br0 through `port`, as enp1s0 with `addr`/24. */
function attach(sw: string, ns: string, port: string, addr: string): void {
  ip(sw, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'enp1s0', 'netns', ns);
  ip(sw, 'link', 'set', port, 'master', 'br0');
  ip(sw, 'link', 'set', port, 'up');
  ip(ns, 'link', 'set', 'enp1s0', 'up');
  ip(ns, 'addr', 'add', `${addr}/24`, 'dev', 'enp1s0');
  ip(ns, 'route', 'add', 'default', 'via', '172.30.250.1', 'dev', 'enp1s0');
}

/** Builds the segment; on any failure deletes what it made before rethrowing. */
export function buildSegment(hosts: readonly SegmentHost[]): Segment {
  const namespaces: string[] = [];
  const destroy = () => {
    for (const ns of namespaces) deleteNetns(ns);
  };
  try {
    const sw = createNetns();
    namespaces.push(sw);
    ip(sw, 'link', 'add', 'br0', 'type', 'bridge');
    ip(sw, 'link', 'set', 'br0', 'up');
    const made = new Map<string, string>();
    for (const [i, h] of hosts.entries()) {
      const ns = createNetns();
      namespaces.push(ns);
      attach(sw, ns, `port${i}`, h.ip);
      made.set(h.name, ns);
    }
    return { hosts: made, namespaces, destroy };
  } catch (err) {
    destroy();
    throw err;
  }
}

/** enp1s0's MAC address in namespace ns. */
export function macOf(ns: string): string {
  const [link] = ipJson<{ address: string }[]>(ns, 'link', 'show', 'dev', 'enp1s0');
  if (link === undefined) throw new Error(`no enp1s0 in namespace ${ns}`);
  return link.address;
}
