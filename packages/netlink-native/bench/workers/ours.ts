// Contender: this library (src/index.ts), opened inside the namespace the process runs in.
//   --mode seq      await each add/delete
//   --mode batched  issue every request at once; the transport coalesces what one tick issues
//                   into one sendmsg and bounds what is in flight by its window
// Commands: add|del <4|6> <count> <ifindex>, routes <4|6> <table>, monitor <count> <ifindex>,
// watch|watched (the churn phase: workers/churn-watch.ts), rules add|del <count> (bench/rules.ts).
// neigh add|del <count> <ifindex> (bench/neighbours.ts).
// nexthops add|del <count> <ifindex> (bench/nexthops.ts).
// multipath add|del <count> <ifindex> (bench/multipath.ts).
// --window N / --sndbuf BYTES override the library's defaults (tuning variants only).
import { createRequire } from 'node:module';
import { Netlink } from '../../src/index.ts';
import { addressAt, type Family, parseFamily, prefixLengthOf } from './addresses.ts';
import { watch, watched } from './churn-watch.ts';
import { MULTIPATH_HOPS, multipathRouteAt } from './multipath-sequence.ts';
import { neighbourAt } from './neighbour-sequence.ts';
import { nexthopAt } from './nexthop-sequence.ts';
import { elapsedSince, intArg, measured, serve } from './protocol.ts';
import { RULE_SOURCE_LENGTH, RULE_TABLE, ruleAt } from './rule-sequence.ts';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const mode = option('mode') ?? 'batched';
if (mode !== 'seq' && mode !== 'batched') throw new Error(`--mode must be seq or batched, got ${mode}`);
// The library's defaults unless a tuning variant asks otherwise (bench --tuning).
const window = option('window');
const sndbuf = option('sndbuf');
// bench/run.sh builds the addon from the current sources for the run; without it, the default load.
const addon = process.env.BENCH_ADDON;
const binding = addon ? createRequire(import.meta.url)(addon) : undefined;
const nl = await Netlink.open({
  ...(binding ? { binding } : {}),
  ...(window ? { window: Number(window) } : {}),
  ...(sndbuf ? { sndbuf: Number(sndbuf) } : {}),
});
const NODAD = ['nodad' as const];

function change(add: boolean, family: Family, link: number, i: number): Promise<void> {
  const address = addressAt(family, i);
  const prefixLength = prefixLengthOf(family);
  if (!add) return nl.addresses.delete({ link, address, prefixLength });
  return nl.addresses.add({ link, address, prefixLength, ...(family === 6 ? { flags: NODAD } : {}) });
}

/**
 * Times `one(i)` for i in [0, count): awaited one by one (`--mode seq`), or all issued at once and
 * then awaited together (`--mode batched`).
 */
function timedRun(count: number, one: (i: number) => Promise<unknown>) {
  return measured(async () => {
    if (mode === 'seq') {
      for (let i = 0; i < count; i++) await one(i);
    } else {
      const all: Promise<unknown>[] = new Array(count);
      for (let i = 0; i < count; i++) all[i] = one(i);
      await Promise.all(all);
    }
  });
}

async function run(add: boolean, args: string[]) {
  const family = parseFamily(args[0]);
  const count = intArg(args, 1, 'count');
  const link = intArg(args, 2, 'ifindex');
  return timedRun(count, (i) => change(add, family, link, i));
}

/** Adds or deletes the first `count` rules of the sequence (bench/rules.ts), as `ip rule add|del`. */
async function rules(args: string[]) {
  const op = args[0];
  if (op !== 'add' && op !== 'del') throw new Error(`rules needs add or del, got ${op}`);
  const count = intArg(args, 1, 'count');
  const one = (i: number): Promise<void> => {
    const r = ruleAt(i);
    const rule = { priority: r.priority, from: `${r.source}/${RULE_SOURCE_LENGTH}`, table: RULE_TABLE };
    return op === 'add' ? nl.rules.add(rule) : nl.rules.delete(rule);
  };
  return timedRun(count, one);
}

/** Adds or deletes the first `count` entries of the neighbour sequence (bench/neighbours.ts) on a link. */
async function neighbours(args: string[]) {
  const op = args[0];
  if (op !== 'add' && op !== 'del') throw new Error(`neigh needs add or del, got ${op}`);
  const count = intArg(args, 1, 'count');
  const link = intArg(args, 2, 'ifindex');
  const one = (i: number): Promise<void> => {
    const e = neighbourAt(i);
    return op === 'add'
      ? nl.neighbours.add({ link, address: e.address, lladdr: e.lladdr })
      : nl.neighbours.delete({ link, address: e.address });
  };
  return timedRun(count, one);
}

/**
 * Latency from issuing an add on the request socket to the monitor (its own socket) delivering the
 * matching event to JS, one add at a time; the addresses are deleted afterwards.
 */
async function monitorLatency(args: string[]) {
  const count = intArg(args, 0, 'count');
  const link = intArg(args, 1, 'ifindex');
  const monitor = nl.monitor({ groups: ['ipv4-address'] });
  let waiting: { address: string; resolve: (t: bigint) => void } | undefined;
  monitor.on('address', (e) => {
    if (e.action === 'new' && waiting && e.address.address === waiting.address)
      waiting.resolve(process.hrtime.bigint());
  });
  const samples: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const address = addressAt(4, i);
      const seen = new Promise<bigint>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no event for ${address} within 5 s`)), 5000);
        waiting = {
          address,
          resolve: (t) => {
            clearTimeout(timer);
            resolve(t);
          },
        };
      });
      const t0 = process.hrtime.bigint();
      await change(true, 4, link, i);
      samples.push(Number((await seen) - t0));
    }
  } finally {
    monitor.close();
    await Promise.allSettled(Array.from({ length: count }, (_, i) => change(false, 4, link, i)));
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)]!;
  return [at(0.5), at(0.99), samples[0]!, samples.at(-1)!, samples.length];
}

/** Adds or deletes the first `count` nexthop objects of the sequence (bench/nexthops.ts) via v0's gateway. */
async function nexthops(args: string[]) {
  const op = args[0];
  if (op !== 'add' && op !== 'del') throw new Error(`nexthops needs add or del, got ${op}`);
  const count = intArg(args, 1, 'count');
  const link = intArg(args, 2, 'ifindex');
  const one = (i: number): Promise<unknown> => {
    const nh = nexthopAt(i);
    return op === 'add'
      ? nl.nexthops.add({ id: nh.id, gateway: nh.gateway, link })
      : nl.nexthops.delete(nh.id);
  };
  return timedRun(count, one);
}

/**
 * Adds or deletes the first `count` routes of the multipath sequence (bench/multipath.ts): two
 * weighted hops via v0's gateways; a delete names only the destination, as `ip route del` does.
 */
async function multipath(args: string[]) {
  const op = args[0];
  if (op !== 'add' && op !== 'del') throw new Error(`multipath needs add or del, got ${op}`);
  const count = intArg(args, 1, 'count');
  const link = intArg(args, 2, 'ifindex');
  const nexthops = MULTIPATH_HOPS.map((h) => ({ gateway: h.gateway, link, weight: h.weight }));
  const one = (i: number): Promise<void> => {
    const dst = `${multipathRouteAt(i)}/32`;
    return op === 'add' ? nl.routes.add({ dst, nexthops }) : nl.routes.delete({ dst });
  };
  return timedRun(count, one);
}

serve(`ours-${mode}`, {
  add: (args) => run(true, args),
  del: (args) => run(false, args),
  routes: async (args) => {
    const family = parseFamily(args[0]);
    const table = intArg(args, 1, 'table');
    const t0 = process.hrtime.bigint();
    const routes = await nl.routes.list({ family, table });
    return [elapsedSince(t0), routes.length];
  },
  monitor: monitorLatency,
  watch: (args) => watch(nl, args),
  watched,
  neigh: neighbours,
  nexthops,
  multipath,
  rules,
});
