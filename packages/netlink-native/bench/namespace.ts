// The benchmark's namespace, created and deleted by bench/run.sh (plbb-<pid>-N): this module only
// furnishes it (veth pair, DAD off) and inspects it through `ip -n` between timed phases. Nothing
// here touches the host's own interfaces, addresses or routes.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addressAt, type Family, prefixLengthOf, SEQUENCE_MATCH } from './workers/addresses.ts';

export const DEVICE = 'v0';
/** v0's peer: the churn phase's sentinel address goes there. */
export const SIDE_DEVICE = 'v1';
/** v0's own address; preloaded routes go via GATEWAY on this subnet. */
export const DEVICE_ADDRESS = '192.168.0.1/24';
export const GATEWAY = '192.168.0.2';
/** The multipath phase's second hop, on the same subnet. */
export const SECOND_GATEWAY = '192.168.0.3';

function ipIn(ns: string, args: string[], input?: string): string {
  try {
    return execFileSync('ip', ['-n', ns, ...args], {
      encoding: 'utf8',
      input,
      maxBuffer: 1 << 30,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`ip -n ${ns} ${args.join(' ')}: ${e.stderr?.trim() || e.message}`);
  }
}

/** veth v0/v1 up, lo up, DAD off (set before the veth exists so v0 inherits it), v0 addressed. */
export function furnish(ns: string): { ifindex: number } {
  execFileSync('ip', [
    'netns',
    'exec',
    ns,
    'sysctl',
    '-qw',
    'net.ipv6.conf.all.accept_dad=0',
    'net.ipv6.conf.default.accept_dad=0',
  ]);
  ipIn(ns, ['link', 'set', 'lo', 'up']);
  ipIn(ns, ['link', 'add', DEVICE, 'type', 'veth', 'peer', 'name', SIDE_DEVICE]);
  ipIn(ns, ['link', 'set', DEVICE, 'up']);
  ipIn(ns, ['link', 'set', SIDE_DEVICE, 'up']);
  ipIn(ns, ['addr', 'add', DEVICE_ADDRESS, 'dev', DEVICE]);
  return { ifindex: linkIndex(ns, DEVICE) };
}

/** The ifindex of a link of the namespace. */
export function linkIndex(ns: string, name: string): number {
  const [link] = JSON.parse(ipIn(ns, ['-j', 'link', 'show', name])) as Array<{ ifindex: number }>;
  if (!link) throw new Error(`${name} missing`);
  return link.ifindex;
}

/** How many addresses of the benchmark's sequence v0 holds now (a dump by `ip`, not the contender). */
export function sequenceCount(ns: string, family: Family): number {
  const out = ipIn(ns, ['-o', `-${family}`, 'addr', 'show', 'dev', DEVICE]);
  return out.split('\n').filter((line) => SEQUENCE_MATCH[family].test(line)).length;
}

/** Removes whatever a failed contender left of the sequence. */
export function flushSequence(ns: string, family: Family): void {
  ipIn(ns, ['addr', 'flush', 'dev', DEVICE, 'to', family === 4 ? '100.64.0.0/10' : 'fd00:b::/64']);
}

/** Writes the `ip -batch` files for adding and deleting the first n addresses of the sequence. */
export function writeAddressBatches(dir: string, family: Family, n: number): { add: string; del: string } {
  const add: string[] = [];
  const del: string[] = [];
  const plen = prefixLengthOf(family);
  for (let i = 0; i < n; i++) {
    const a = `${addressAt(family, i)}/${plen}`;
    add.push(`addr add ${a} dev ${DEVICE}${family === 6 ? ' nodad' : ''}`);
    del.push(`addr del ${a} dev ${DEVICE}`);
  }
  const files = {
    add: join(dir, `addr${family}-${n}-add.batch`),
    del: join(dir, `addr${family}-${n}-del.batch`),
  };
  writeFileSync(files.add, `${add.join('\n')}\n`);
  writeFileSync(files.del, `${del.join('\n')}\n`);
  return files;
}

/** Route i of the preload: 10.0.0.0 + i + 1 as a /32 via the gateway on v0. */
function routeAt(i: number): string {
  const v = 0x0a000000 + i + 1;
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}/32`;
}

/** Adds routes [from, to) of the preload to the main table with `ip -batch` (not timed). */
export function preloadRoutes(ns: string, dir: string, from: number, to: number): void {
  const lines: string[] = [];
  for (let i = from; i < to; i++) lines.push(`route add ${routeAt(i)} via ${GATEWAY} dev ${DEVICE}`);
  const file = join(dir, `routes-${from}-${to}.batch`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  ipIn(ns, ['-batch', file]);
}

/** IPv4 routes in the main table, counted from `ip route show` output. */
export function mainRouteCount(ns: string): number {
  return ipIn(ns, ['-4', 'route', 'show', 'table', 'main']).split('\n').filter(Boolean).length;
}
