// The demo behind `npm run demo`: a throw-away namespace shaped like the seed's node, the real agent run
// on seed-node.yaml, the kernel's view next to what the agent decided and why, then the seed's failure
// (a second equal default route) and what `purelb diagnose` says about it. `--here` uses the current namespace (scripts/demo.sh passes it when
// it has re-executed itself under `unshare -rn`, where `ip netns add` is not allowed).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const here = process.argv.includes('--here');
const ns = here ? undefined : `purelb-demo-${process.pid}`;
const CLI = resolve(import.meta.dirname, '../src/cli.ts');
const PURELB = resolve(import.meta.dirname, '../src/purelb.ts');
const MANIFESTS = resolve(import.meta.dirname, 'seed-node.yaml');
const NODE_NAME = 'purelb2-1';

type Log = Record<string, unknown> & { level: string; msg: string };

function ip(...args: string[]): string {
  return execFileSync('ip', ns === undefined ? args : ['-n', ns, ...args], { encoding: 'utf8' });
}

function heading(text: string): void {
  console.log(`\n=== ${text} ${'='.repeat(Math.max(0, 96 - text.length))}`);
}

function agentArgs(file: string, extra: string[]): string[] {
  return [
    '--conditions=purelb-source',
    CLI,
    '--standalone',
    file,
    '--node',
    NODE_NAME,
    '--metrics-port',
    '0',
    ...(ns === undefined ? [] : ['--netns', ns]),
    ...extra,
  ];
}

const parseLogs = (text: string): Log[] =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Log);

/** What the agent decided and why: one line per decision, the reason indented under it. */
function summarise(logs: Log[]): void {
  for (const l of logs) {
    if (l.level === 'debug' || l.msg === 'purelb-agent starting') continue;
    const who = [l.service, l.ip && l.interface ? `${l.ip} on ${l.interface}` : l.ip]
      .filter(Boolean)
      .join(' ');
    console.log(`  [${l.level.toUpperCase()}] ${l.msg}${who ? `  (${who})` : ''}`);
    if (typeof l.reason === 'string' && !l.msg.includes(l.reason)) console.log(`      why: ${l.reason}`);
  }
}

/** `purelb diagnose` on the node: its table as it prints it, and its exit status (0 healthy, 1 findings). */
function diagnose(file: string): void {
  const args = ['--standalone', file, '--node', NODE_NAME, ...(ns === undefined ? [] : ['--netns', ns])];
  console.log(`$ purelb diagnose ${args.join(' ')}`);
  const r = spawnSync(process.execPath, ['--conditions=purelb-source', PURELB, 'diagnose', ...args], {
    encoding: 'utf8',
  });
  process.stdout.write(r.stdout);
  if (r.stderr !== '') process.stdout.write(r.stderr);
  console.log(`  (exit status ${r.status})`);
}

function once(file: string): number {
  const r = spawnSync(process.execPath, agentArgs(file, ['--once']), { encoding: 'utf8' });
  summarise(parseLogs(r.stderr));
  const plain = r.stderr.split('\n').filter((l) => l.startsWith('purelb-agent:'));
  for (const l of plain) console.log(`  ${l}`);
  console.log(`  (agent exit status ${r.status})`);
  return r.status ?? 1;
}

function showKernel(): void {
  console.log('\n$ ip -4 addr show');
  process.stdout.write(ip('-4', 'addr', 'show'));
  console.log('$ ip route');
  process.stdout.write(ip('route'));
}

function buildNode(): void {
  ip('link', 'set', 'lo', 'up');
  // enp1s0 as the seed shows it: the node's address and the default route, metric 100.
  ip('link', 'add', 'enp1s0', 'type', 'veth', 'peer', 'name', 'uplink0');
  ip('link', 'set', 'uplink0', 'up');
  ip('link', 'set', 'enp1s0', 'up');
  ip('addr', 'add', '172.30.250.104/24', 'dev', 'enp1s0');
  ip('route', 'add', 'default', 'via', '172.30.250.1', 'dev', 'enp1s0', 'metric', '100');
  // A CNI-style bridge: never a candidate for local addresses (no default route through it).
  ip('link', 'add', 'cni0', 'type', 'bridge');
  ip('link', 'set', 'cni0', 'up');
  ip('addr', 'add', '10.129.0.1/24', 'dev', 'cni0');
}

async function watchRun(file: string): Promise<void> {
  const child = spawn(process.execPath, agentArgs(file, ['--resync', '0']), {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const until = async (what: string, ok: () => boolean) => {
    for (let i = 0; i < 250 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
    if (!ok()) throw new Error(`the agent did not ${what}; its log:\n${stderr}`);
  };
  const placed = (addr: string) => ip('-4', 'addr', 'show').includes(`inet ${addr}`);
  try {
    await until('settle', () => stderr.includes('manifests loaded'));
    console.log('  the agent is running; removing the Service dns (172.31.1.9) from its file...');
    const text = readFileSync(file, 'utf8');
    const cut = text.replace(
      /\n {2}- apiVersion: v1\n {4}kind: Service\n {4}metadata:\n {6}name: dns[\s\S]*$/,
      '\n',
    );
    writeFileSync(`${file}.new`, cut);
    execFileSync('mv', [`${file}.new`, file]);
    await until(
      'withdraw 172.31.1.9',
      () => !placed('172.31.1.9/32') && stderr.includes('address withdrawn'),
    );
    console.log('  ...and deleting 172.31.1.5 behind its back with `ip addr del`:');
    ip('addr', 'del', '172.31.1.5/32', 'dev', 'kube-lb0');
    await until(
      'restore 172.31.1.5',
      () => placed('172.31.1.5/32') && stderr.split('add 172.31.1.5/32').length > 1,
    );
    console.log('  restored. Stopping the agent with SIGTERM (it withdraws its local addresses):');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.on('close', r));
  }
  summarise(parseLogs(stderr).filter((l) => !l.msg.startsWith('manifests') && !l.msg.startsWith('serving')));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'purelb-demo-'));
  const file = join(dir, 'seed-node.yaml');
  copyFileSync(MANIFESTS, file);
  let failed = false;
  let created = false;
  try {
    heading("1. a namespace shaped like the seed's node");
    if (ns !== undefined) {
      execFileSync('ip', ['netns', 'add', ns]);
      created = true;
      console.log(`namespace ${ns} created`);
    }
    buildNode();
    showKernel();

    heading('2. purelb-agent --standalone examples/seed-node.yaml --once: what it decided and why');
    once(file);
    showKernel();

    heading('3. the agent watching: a Service removed from the file, an address deleted behind its back');
    await watchRun(file);
    showKernel();

    heading("4. the seed's failure: a second default route with the same metric (ip route append)");
    copyFileSync(MANIFESTS, file);
    ip('link', 'add', 'enp2s0', 'type', 'veth', 'peer', 'name', 'uplink1');
    ip('link', 'set', 'uplink1', 'up');
    ip('link', 'set', 'enp2s0', 'up');
    ip('addr', 'add', '192.168.122.10/24', 'dev', 'enp2s0');
    ip('route', 'append', 'default', 'via', '192.168.122.1', 'dev', 'enp2s0', 'metric', '100');
    once(file);
    showKernel();
    console.log(
      '\nThe local address 172.30.250.53 went to kube-lb0, and the error above names both default routes.',
    );

    heading('5. purelb diagnose: what is wrong on this node, and how to fix it');
    diagnose(file);
  } catch (err) {
    failed = true;
    console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (created && ns !== undefined) {
      execFileSync('ip', ['netns', 'del', ns]);
      console.log(`\nnamespace ${ns} deleted`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}

await main();
