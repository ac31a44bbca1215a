// The monitor side of the churn phase (bench/churn.ts): a monitor on the groups a network watcher
// joins, left to receive while another program adds and deletes addresses, then asked what that
// cost the process. Two commands of our worker (workers/ours.ts):
//   watch <none|filtered> <ifindex>  opens the monitor (filtered: main-table routes, and host
//                                    addresses only on <ifindex>) and starts counting -> ok 0
//   watched <address>                waits for that address to be added (the harness adds it after
//                                    the churn, on <ifindex>, so every earlier notification has been
//                                    handled), closes the monitor -> ok <cpu ns> <user ns> <system ns>
//                                    <address events> <route events> <overruns>
import type { Monitor, Netlink } from '../../src/index.ts';
import { intArg } from './protocol.ts';

interface Watch {
  monitor: Monitor;
  cpu0: NodeJS.CpuUsage;
  counts: { address: number; route: number };
  added: Set<string>;
  waiter: ((address: string) => void) | undefined;
}

let current: Watch | undefined;

export async function watch(nl: Netlink, args: string[]): Promise<number[]> {
  const mode = args[0];
  if (mode !== 'none' && mode !== 'filtered') throw new Error(`watch: none or filtered, got ${mode}`);
  const link = intArg(args, 1, 'ifindex');
  if (current) throw new Error('watch: already watching');
  const monitor = nl.monitor({
    groups: ['link', 'ipv4-address', 'ipv6-address', 'ipv4-route', 'ipv6-route'],
    ...(mode === 'filtered' ? { filter: { routeTables: ['main'], hostAddressLinks: [link] } } : {}),
  });
  const w: Watch = {
    monitor,
    cpu0: process.cpuUsage(),
    counts: { address: 0, route: 0 },
    added: new Set(),
    waiter: undefined,
  };
  monitor.on('address', (e) => {
    w.counts.address++;
    if (e.action !== 'new') return;
    w.added.add(e.address.address);
    w.waiter?.(e.address.address);
  });
  monitor.on('route', () => w.counts.route++);
  current = w;
  return [0];
}

export async function watched(args: string[]): Promise<number[]> {
  const w = current;
  const sentinel = args[0];
  if (!w || !sentinel) throw new Error('watched: no watch, or no address to wait for');
  try {
    if (!w.added.has(sentinel)) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no event for ${sentinel} within 600 s`)), 600_000);
        w.waiter = (address) => {
          if (address !== sentinel) return;
          clearTimeout(timer);
          resolve();
        };
      });
    }
    const cpu = process.cpuUsage(w.cpu0);
    return [
      (cpu.user + cpu.system) * 1000,
      cpu.user * 1000,
      cpu.system * 1000,
      w.counts.address,
      w.counts.route,
      w.monitor.overruns,
    ];
  } finally {
    w.monitor.close();
    current = undefined;
  }
}
