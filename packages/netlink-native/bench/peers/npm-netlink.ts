// Contender: npm `netlink` 0.3.0 (mildsunrise/node_netlink), loaded from the benchmark's peer cache
// (bench/run.sh installs it there; it is not a project dependency). Modes:
//   --mode seq     await each request
//   --mode window  keep at most --window requests in flight, with a 4 MiB receive buffer: without
//                  the larger buffer ~500 requests in flight overflow the socket and abort the process
import { createRequire } from 'node:module';
import { addressBytes, type Family, parseFamily, prefixLengthOf } from '../workers/addresses.ts';
import { neighbourBytes } from '../workers/neighbour-sequence.ts';
import { elapsedSince, intArg, measured, serve, windowed } from '../workers/protocol.ts';
import { RULE_SOURCE_LENGTH, RULE_TABLE, ruleAt, ruleSourceBytes } from '../workers/rule-sequence.ts';

// The slice of the package's API this benchmark uses (its own typings live in the peer cache).
interface RtSocket {
  newAddress(data: object, attrs: object, options: object): Promise<unknown>;
  delAddress(data: object, attrs: object, options: object): Promise<unknown>;
  getRoutes(data?: object): Promise<Array<{ data: { table?: number }; attrs: { table?: number } }>>;
  newRule(data: object, attrs: object, options: object): Promise<unknown>;
  delRule(data: object, attrs: object, options: object): Promise<unknown>;
  newNeighbor(data: object, attrs: object, options: object): Promise<unknown>;
  delNeighbor(data: object, attrs: object, options: object): Promise<unknown>;
}
interface NetlinkModule {
  createRtNetlink(options?: object): RtSocket;
  FlagsNew: { CREATE: number; EXCL: number };
}

function option(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : fallback;
  if (v === undefined) throw new Error(`--${name} is required`);
  return v;
}

const mode = option('mode', 'seq');
const window = Number(option('window', '256'));
const netlink = createRequire(import.meta.url)(option('module')) as NetlinkModule;
const sock = netlink.createRtNetlink(mode === 'window' ? { recvBufferSize: 4 << 20 } : {});
const createExcl = { flags: netlink.FlagsNew.CREATE | netlink.FlagsNew.EXCL };

function request(add: boolean, family: Family, index: number, i: number): Promise<unknown> {
  const bytes = addressBytes(family, i);
  const data = {
    family: family === 4 ? 2 : 10,
    prefixlen: prefixLengthOf(family),
    index,
    ...(family === 6 ? { flags: { nodad: true } } : {}),
  };
  const attrs = { local: bytes, address: bytes };
  return add ? sock.newAddress(data, attrs, createExcl) : sock.delAddress(data, attrs, {});
}

async function run(add: boolean, args: string[]) {
  const family = parseFamily(args[0]);
  const count = intArg(args, 1, 'count');
  const index = intArg(args, 2, 'ifindex');
  return measured(async () => {
    if (mode === 'seq') {
      for (let i = 0; i < count; i++) await request(add, family, index, i);
    } else {
      await windowed(count, window, (i) => request(add, family, index, i));
    }
  });
}

/** Rule i of the sequence (bench/rules.ts), as `ip rule add|del pref P from PREFIX table 100` sends it. */
function ruleRequest(add: boolean, i: number): Promise<unknown> {
  const attrs = { priority: ruleAt(i).priority, src: ruleSourceBytes(i) };
  const data = { family: 2, srcLen: RULE_SOURCE_LENGTH, table: RULE_TABLE, ...(add ? { action: 1 } : {}) };
  return add ? sock.newRule(data, attrs, createExcl) : sock.delRule(data, attrs, {});
}

async function rules(args: string[]) {
  const op = args[0];
  if (op !== 'add' && op !== 'del') throw new Error(`rules needs add or del, got ${op}`);
  const count = intArg(args, 1, 'count');
  return measured(async () => {
    if (mode === 'seq') {
      for (let i = 0; i < count; i++) await ruleRequest(op === 'add', i);
    } else {
      await windowed(count, window, (i) => ruleRequest(op === 'add', i));
    }
  });
}

/** Entry i of the neighbour sequence (bench/neighbours.ts), as `ip neigh add|del ... nud permanent` sends it. */
function neighbourRequest(add: boolean, ifindex: number, i: number): Promise<unknown> {
  const { address, lladdr } = neighbourBytes(i);
  if (!add) return sock.delNeighbor({ family: 2, ifindex, state: { permanent: true } }, { dst: address }, {});
  return sock.newNeighbor(
    { family: 2, ifindex, state: { permanent: true } },
    { dst: address, lladdr },
    createExcl,
  );
}

async function neighbours(args: string[]) {
  const op = args[0];
  if (op !== 'add' && op !== 'del') throw new Error(`neigh needs add or del, got ${op}`);
  const count = intArg(args, 1, 'count');
  const ifindex = intArg(args, 2, 'ifindex');
  return measured(async () => {
    if (mode === 'seq') {
      for (let i = 0; i < count; i++) await neighbourRequest(op === 'add', ifindex, i);
    } else {
      await windowed(count, window, (i) => neighbourRequest(op === 'add', ifindex, i));
    }
  });
}

serve(`npm-netlink-${mode}`, {
  rules,
  neigh: neighbours,
  add: (args) => run(true, args),
  del: (args) => run(false, args),
  // A full IPv4 route dump (the package has no kernel-side filter), main table kept in userspace.
  routes: async (args) => {
    const table = intArg(args, 1, 'table');
    const t0 = process.hrtime.bigint();
    const all = await sock.getRoutes({ family: parseFamily(args[0]) === 4 ? 2 : 10 });
    const kept = all.filter((r) => (r.attrs.table ?? r.data.table) === table);
    return [elapsedSince(t0), kept.length];
  },
});
