// Who is measured, and how each is started. Every contender is its own process inside the
// namespace; Node contenders run on the Node that runs the harness (Node 24).
import { join } from 'node:path';
import type { WorkerSpec } from './worker.ts';
import type { Family } from './workers/addresses.ts';

export interface Paths {
  /** packages/netlink-native/bench */
  bench: string;
  /** Cache holding c-limit and the npm peer (bench/run.sh fills it). */
  peers: string;
}

export interface AddressContender extends WorkerSpec {
  label: string;
  /** The command for one timed phase (add or delete of the first n addresses of the sequence). */
  command(
    op: 'add' | 'del',
    family: Family,
    n: number,
    ifindex: number,
    batch: { add: string; del: string },
  ): string;
}

const phase = (op: 'add' | 'del', family: Family, n: number, ifindex: number) =>
  `${op} ${family} ${n} ${ifindex}`;

function node(paths: Paths, script: string, ...args: string[]): string[] {
  return [process.execPath, '--conditions=purelb-source', join(paths.bench, script), ...args];
}

function profiled(dir: string | undefined, name: string, argv: string[]): string[] {
  if (!dir) return argv;
  return [
    argv[0]!,
    '--cpu-prof',
    `--cpu-prof-dir=${dir}`,
    `--cpu-prof-name=${name}.cpuprofile`,
    ...argv.slice(1),
  ];
}

/** `profile`: a directory for V8 CPU profiles of our workers (node --cpu-prof, written at exit). */
export function addressContenders(paths: Paths, profile?: string): AddressContender[] {
  const npm = join(paths.peers, 'npm', 'node_modules', 'netlink');
  const pyroute2 = join(paths.bench, 'peers', 'pyroute2_worker.py');
  const worker = (name: string, label: string, argv: string[]): AddressContender => ({
    name,
    label,
    argv,
    command: phase,
  });
  return [
    worker(
      'ours',
      'ours, batched (all issued at once)',
      profiled(profile, 'ours', node(paths, 'workers/ours.ts', '--mode', 'batched')),
    ),
    worker(
      'ours_seq',
      'ours, sequential (await each)',
      profiled(profile, 'ours_seq', node(paths, 'workers/ours.ts', '--mode', 'seq')),
    ),
    {
      // Pinning puts the JS thread and the addon's I/O thread on one core, so neither can work
      // while the other does: this row shows what the second core buys.
      ...worker(
        'ours_2cpu',
        'ours, batched, unpinned (2 cores)',
        node(paths, 'workers/ours.ts', '--mode', 'batched'),
      ),
      pinned: false,
    },
    worker('c_limit', 'C limit (64/sendmsg, ACKs only)', [join(paths.peers, 'c-limit')]),
    {
      name: 'ip_batch',
      label: 'ip -batch (process wall time)',
      argv: node(paths, 'workers/ip-tools.ts'),
      command: (op, _family, _n, _ifindex, batch) => `batch ${op === 'add' ? batch.add : batch.del}`,
    },
    worker('pyroute2', 'pyroute2 0.7.2, IPRoute.addr()', ['/usr/bin/python3', pyroute2, '--mode', 'seq']),
    worker('pyroute2_batch', 'pyroute2 0.7.2, nlm_request_batch x64', [
      '/usr/bin/python3',
      pyroute2,
      '--mode',
      'batch',
    ]),
    worker(
      'npm_netlink',
      'npm netlink 0.3.0, sequential',
      node(paths, 'peers/npm-netlink.ts', '--module', npm),
    ),
    worker(
      'npm_netlink_window',
      'npm netlink 0.3.0, window 256, 4 MiB rcvbuf',
      node(paths, 'peers/npm-netlink.ts', '--module', npm, '--mode', 'window', '--window', '256'),
    ),
  ];
}

/**
 * Variants of ours with other transport settings (`--tuning`): how the in-flight window and the
 * most bytes per sendmsg (sndbuf) move the cost per request.
 */
export function tuningContenders(paths: Paths): AddressContender[] {
  const variant = (name: string, label: string, ...args: string[]): AddressContender => ({
    name,
    label,
    argv: node(paths, 'workers/ours.ts', '--mode', 'batched', ...args),
    command: phase,
  });
  return [
    variant('ours_w64', 'ours, batched, window 64', '--window', '64'),
    variant('ours_w256', 'ours, batched, window 256', '--window', '256'),
    variant('ours_dgram8k', 'ours, batched, sndbuf 8 KiB (~200 requests/sendmsg)', '--sndbuf', '8192'),
  ];
}

/** Route dump contenders: the worker (by address-contender name) and the command it is sent. */
export interface DumpContender {
  name: string;
  label: string;
  worker: string;
  command: string;
}

export const dumpContenders: DumpContender[] = [
  { name: 'ours', label: 'ours, routes.list() into typed objects', worker: 'ours', command: 'routes 4 254' },
  { name: 'ip_json', label: 'ip -json route show + JSON.parse', worker: 'ip_batch', command: 'ipjson 4 254' },
  { name: 'ip_text', label: 'ip route show (text lines)', worker: 'ip_batch', command: 'iptext 4 254' },
  {
    name: 'npm_netlink',
    label: 'npm netlink getRoutes() + table filter',
    worker: 'npm_netlink',
    command: 'routes 4 254',
  },
  { name: 'pyroute2', label: 'pyroute2 get_routes(table=254)', worker: 'pyroute2', command: 'routes 4 254' },
];
