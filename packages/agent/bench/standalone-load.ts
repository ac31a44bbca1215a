// bench:agent's standalone-load scenario: `purelb-agent --standalone FILE --netns NS --once` on a
// file of N Services (a remote pool 10.200.0.0/16 with aggregation /32, so one /32 each on kube-lb0,
// plus a few local ones on enp1s0), in a namespace shaped like the seed's node.
//   1. one document per Service, fresh namespace: load (file read + parse, from the agent's own log
//      timestamps) and place (the reconcile and every address add, until the process exits);
//   2. the same Services as one `kind: List`, in the same namespace: every address is already there
//      (a restarted agent), so this is load + planning without kernel work;
//   3. with --kernel-floor: `ip -batch` adding the same /32s to a fresh interface, the kernel's own
//      price for them (IPv4 adds walk the interface's address list: quadratic).
// Peak RSS is the agent's VmHWM; CPU is split into user (the agent's JavaScript, the addon) and
// system (mostly the kernel adding addresses inside the agent's sendmsg).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Netlink } from '@purelb-ts/netlink-native';
import { stringify } from 'yaml';
import { createNetns, deleteNetns, ip } from '../../../test/support/netns.ts';
import { type RunningAgent, RunningCli, seedShapedNode } from '../test/support/agent-process.ts';
import { group, manifests, seedGroups, service } from '../test/support/manifests.ts';
import { onInterrupt } from './interrupt.ts';

export interface StandaloneLoadOptions {
  services: number;
  kernelFloor: boolean;
  say: (s: string) => void;
  /** Called with every agent started, so an interrupt can kill it. */
  track: (agent: RunningAgent) => void;
}

export interface Cpu {
  userS: number;
  sysS: number;
}

export interface OnceRun {
  form: 'documents' | 'List';
  fileMB: number;
  /** 'purelb-agent starting' → 'manifests loaded', by the agent's own log timestamps. */
  loadMs: number;
  /** 'manifests loaded' → the process exited. */
  placeMs: number;
  exitCode: number | null;
  peakRssMB: number;
  loadCpu: Cpu;
  placeCpu: Cpu;
  /** Addresses on kube-lb0 afterwards. */
  onKubeLb0: number;
}

export interface StandaloneLoadResult {
  services: number;
  fresh: OnceRun;
  present: OnceRun;
  kernelFloor?: { addresses: number; wallMs: number } & Cpu;
}

const LOCALS = 5;
const TICKS_PER_SECOND = 100; // USER_HZ
const POLL_MS = 50;

const config = (): object[] => [
  seedGroups()[0] as object, // the LBNodeAgent: local on the default interface, kube-lb0
  group('local', 'local', '172.30.250.110-172.30.250.250', '172.30.250.0/24', 'default'),
  group('remote', 'remote', '10.200.0.0/16', '10.200.0.0/16', '/32'),
];

/** The k-th remote address, skipping 10.200.0.0/24 (no pool network address). */
const remoteIP = (k: number): string => `10.200.${(256 + k) >> 8}.${(256 + k) & 255}`;

function servicesOf(n: number): { name: string; ip: string }[] {
  if (n - LOCALS > 65_000) throw new Error('the remote pool holds at most 65,000 bench Services');
  return Array.from({ length: n }, (_, i) => ({
    name: `svc-${i}`,
    ip: i < LOCALS ? `172.30.250.${110 + i}` : remoteIP(i - LOCALS),
  }));
}

/** utime and stime of pid (fields 14 and 15 of /proc/PID/stat) in ticks; undefined once it is gone. */
function cpuTicks(pid: number): { user: number; sys: number } | undefined {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return { user: Number(f[11]), sys: Number(f[12]) };
  } catch {
    return undefined;
  }
}

function vmHwmMB(pid: number): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? undefined : Math.round((Number(m[1]) / 1024) * 10) / 10;
  } catch {
    return undefined;
  }
}

const seconds = (ticks: number): number => Math.round((ticks / TICKS_PER_SECOND) * 100) / 100;
const cpuBetween = (a: { user: number; sys: number }, b: { user: number; sys: number }): Cpu => ({
  userS: seconds(b.user - a.user),
  sysS: seconds(b.sys - a.sys),
});

const logTime = (agent: RunningCli, prefix: string): number | undefined => {
  const line = agent.logs.find((l) => l.msg.startsWith(prefix));
  return line === undefined ? undefined : Date.parse(String(line.ts));
};

/**
 * Runs `--once` on `file` in `ns`, polling /proc every POLL_MS: the CPU split at the 'manifests
 * loaded' line and the last VmHWM and CPU before the exit (a poll interval at most is missed).
 */
async function onceRun(
  ns: string,
  file: string,
  form: OnceRun['form'],
  o: StandaloneLoadOptions,
): Promise<OnceRun> {
  const zero = { user: 0, sys: 0 };
  const agent = new RunningCli([
    '--standalone',
    file,
    '--netns',
    ns,
    '--node',
    'purelb2-1',
    '--metrics-port',
    '0',
    '--once',
  ]);
  o.track(agent as RunningAgent);
  const pid = agent.child.pid as number;
  let exited = false;
  const exit = new Promise<number | null>((r) =>
    agent.child.once('close', (code) => {
      exited = true;
      r(code);
    }),
  );
  let last = zero;
  let atLoaded: { user: number; sys: number } | undefined;
  let peak = 0;
  while (!exited) {
    last = cpuTicks(pid) ?? last;
    peak = Math.max(peak, vmHwmMB(pid) ?? 0);
    if (atLoaded === undefined && logTime(agent, 'manifests loaded') !== undefined) atLoaded = last;
    await Promise.race([exit, new Promise((r) => setTimeout(r, POLL_MS))]);
  }
  const exitCode = await exit;
  const exitedAt = Date.now();
  const started = logTime(agent, 'purelb-agent starting');
  const loaded = logTime(agent, 'manifests loaded');
  if (started === undefined || loaded === undefined) {
    throw new Error(`the agent did not load the file (exit ${exitCode}):\n${agent.stderr.slice(-4000)}`);
  }
  const onKubeLb0 = await addressesOn(ns, 'kube-lb0');
  return {
    form,
    fileMB: Math.round((statSync(file).size / 1e6) * 10) / 10,
    loadMs: loaded - started,
    placeMs: exitedAt - loaded,
    exitCode,
    peakRssMB: peak,
    loadCpu: cpuBetween(zero, atLoaded ?? last),
    placeCpu: cpuBetween(atLoaded ?? last, last),
    onKubeLb0,
  };
}

/** How many addresses `link` in `ns` has (read with netlink: `ip -j` output outgrows a pipe buffer). */
async function addressesOn(ns: string, link: string): Promise<number> {
  const nl = await Netlink.open({ netns: ns });
  try {
    const index = (await nl.links.list()).find((l) => l.name === link)?.index;
    return (await nl.addresses.list()).filter((a) => a.index === index).length;
  } finally {
    nl.close();
  }
}

/** `ip -batch` adding the remote /32s to a fresh ifb: what the kernel alone charges for them. */
async function kernelFloor(n: number): Promise<NonNullable<StandaloneLoadResult['kernelFloor']>> {
  const ns = createNetns();
  try {
    ip(ns, 'link', 'add', 'kube-lb0', 'type', 'ifb');
    ip(ns, 'link', 'set', 'kube-lb0', 'up');
    const lines: string[] = [];
    for (let k = 0; k < n; k++) lines.push(`addr add ${remoteIP(k)}/32 dev kube-lb0\n`);
    const t0 = performance.now();
    const child = spawn('ip', ['-n', ns, '-batch', '-'], { stdio: ['pipe', 'ignore', 'inherit'] });
    const pid = child.pid as number;
    const closed = new Promise<number | null>((r) => child.once('close', r));
    child.stdin.end(lines.join(''));
    let last = { user: 0, sys: 0 };
    let done = false;
    void closed.then(() => {
      done = true;
    });
    while (!done) {
      last = cpuTicks(pid) ?? last;
      await Promise.race([closed, new Promise((r) => setTimeout(r, POLL_MS))]);
    }
    const code = await closed;
    if (code !== 0) throw new Error(`ip -batch exited ${code}`);
    return {
      addresses: n,
      wallMs: Math.round(performance.now() - t0),
      ...cpuBetween({ user: 0, sys: 0 }, last),
    };
  } finally {
    deleteNetns(ns);
  }
}

export async function standaloneLoad(o: StandaloneLoadOptions): Promise<StandaloneLoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'purelb-bench-load-'));
  const forget = onInterrupt(() => rmSync(dir, { recursive: true, force: true }));
  let ns: string | undefined;
  try {
    const services = servicesOf(o.services);
    o.say(`writing ${o.services} Services as documents and as one List`);
    const docsFile = join(dir, 'documents.yaml');
    writeFileSync(docsFile, [...config(), ...services.map(service)].map((d) => stringify(d)).join('---\n'));
    const listFile = join(dir, 'list.yaml');
    writeFileSync(listFile, manifests(services, config()));
    ns = createNetns();
    seedShapedNode(ns);
    o.say(`--once on ${o.services} Services, one document each, fresh namespace`);
    const fresh = await onceRun(ns, docsFile, 'documents', o);
    o.say(`--once on the same Services as one List, every address already present`);
    const present = await onceRun(ns, listFile, 'List', o);
    const result: StandaloneLoadResult = { services: o.services, fresh, present };
    if (o.kernelFloor) {
      o.say(`kernel floor: ip -batch adding ${o.services - LOCALS} /32s to a fresh interface`);
      result.kernelFloor = await kernelFloor(o.services - LOCALS);
    }
    return result;
  } finally {
    if (ns !== undefined) deleteNetns(ns);
    rmSync(dir, { recursive: true, force: true });
    forget();
  }
}
