// Runs the real purelb-agent CLI as a child process inside a test namespace, and builds the seed-shaped
// node (enp1s0 172.30.250.104/24 + default via .1 metric 100) in that namespace.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ip, ipJson, withNetns } from '../../../../test/support/netns.ts';

/**
 * The checkout whose agent the tests run: this one, or the one $PURELB_AGENT_UNDER_TEST names (another
 * clone with its own node_modules), to see how an older version behaves in the same scenario.
 */
export const AGENT_ROOT = process.env.PURELB_AGENT_UNDER_TEST ?? resolve(import.meta.dirname, '../../../..');
const NODE = join(AGENT_ROOT, 'node_modules/.bin/node');
const CLI = join(AGENT_ROOT, 'packages/agent/src/cli.ts');
/** The compiled CLI (`npm run build`), as the image runs it. */
export const DIST_CLI = join(AGENT_ROOT, 'packages/agent/dist/cli.js');

export type LogLine = Record<string, unknown> & { level: string; msg: string };

export interface RunResult {
  code: number | null;
  logs: LogLine[];
  stderr: string;
}

function parseLines(text: string): LogLine[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);
}

/** The seed's node shape: enp1s0 (a veth) with 172.30.250.104/24 and the default route, metric 100. */
export function seedShapedNode(ns: string): void {
  ip(ns, 'link', 'add', 'enp1s0', 'type', 'veth', 'peer', 'name', 'uplink0');
  ip(ns, 'link', 'set', 'enp1s0', 'up');
  ip(ns, 'link', 'set', 'uplink0', 'up');
  ip(ns, 'addr', 'add', '172.30.250.104/24', 'dev', 'enp1s0');
  ip(ns, 'route', 'add', 'default', 'via', '172.30.250.1', 'dev', 'enp1s0', 'metric', '100');
}

/** The seed's failure: a second default route with the same metric through another interface. */
export function addSecondDefault(ns: string): void {
  ip(ns, 'link', 'add', 'enp2s0', 'type', 'veth', 'peer', 'name', 'uplink1');
  ip(ns, 'link', 'set', 'enp2s0', 'up');
  ip(ns, 'link', 'set', 'uplink1', 'up');
  ip(ns, 'addr', 'add', '192.168.122.10/24', 'dev', 'enp2s0');
  ip(ns, 'route', 'append', 'default', 'via', '192.168.122.1', 'dev', 'enp2s0', 'metric', '100');
}

interface IpAddrJson {
  ifname: string;
  addr_info: { family: string; local: string; prefixlen: number; secondary?: boolean; label?: string }[];
}

/** "ip/prefix" strings per interface, IPv4 only. */
export function v4Addresses(ns: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const link of ipJson<IpAddrJson[]>(ns, 'addr', 'show')) {
    const list = link.addr_info.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`);
    out.set(link.ifname, list);
  }
  return out;
}

export function addressInfo(ns: string, link: string, address: string) {
  const l = ipJson<IpAddrJson[]>(ns, 'addr', 'show', 'dev', link)[0];
  return l?.addr_info.find((a) => a.local === address);
}

export class ManifestFile {
  readonly dir = mkdtempSync(join(tmpdir(), 'purelb-agent-test-'));
  readonly path = join(this.dir, 'manifests.yaml');

  constructor(text: string) {
    this.write(text);
  }

  /** Writes a new file and renames it over the old one, as editors do. */
  write(text: string): void {
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, this.path);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Extra node flags for every agent process, from $PURELB_AGENT_NODE_FLAGS (space-separated): the agent
 * benchmark measures with them what the image's $PURELB_NODE_FLAGS would change, e.g. a heap cap.
 */
const AGENT_NODE_FLAGS = (process.env.PURELB_AGENT_NODE_FLAGS ?? '').split(' ').filter(Boolean);

/**
 * How agent processes are started: from the TypeScript sources (the default, what the tests get), or
 * as the image runs them, the compiled `dist/cli.js` with the given node flags (the agent benchmark).
 */
export type AgentRuntime = { compiled: false } | { compiled: true; nodeFlags: readonly string[] };
let runtime: AgentRuntime = { compiled: false };

/** Every agent started after this call runs so (see AgentRuntime). */
export function setAgentRuntime(r: AgentRuntime): void {
  runtime = r;
}

/** Node's arguments up to and including the CLI's path; `flags` are the PURELB_AGENT_NODE_FLAGS ones. */
function cliPrefix(flags: readonly string[]): string[] {
  return runtime.compiled ? [...runtime.nodeFlags, DIST_CLI] : [...flags, '--conditions=purelb-source', CLI];
}

/**
 * The agents' environment: this process's, without what would point them at the host's own addresses
 * ($HOST_IP / $METRICS_ADDRESS, set in a CI pod, would make an agent in a test namespace try to listen
 * there).
 */
function agentEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.HOST_IP;
  delete env.METRICS_ADDRESS;
  return env;
}

/** An empty `file` runs Kubernetes mode (the caller passes --kubeconfig). The CLI's own arguments. */
const baseArgs = (ns: string, file: string) => [
  ...(file === '' ? [] : ['--standalone', file]),
  '--netns',
  ns,
  '--node',
  'purelb2-1',
  '--metrics-port',
  '0',
];

/** `purelb-agent --once`: resolves with its exit code and logs. */
export function runOnce(ns: string, file: string, extra: string[] = []): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(NODE, [...cliPrefix([]), ...baseArgs(ns, file), '--once', ...extra], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: agentEnv(),
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, logs: parseLines(stderr), stderr }));
  });
}

/** Any long-running purelb-agent command (`args` follow the CLI path); its JSON log lines accumulate in `logs`. */
export class RunningCli {
  readonly child: ChildProcess;
  #stderr = '';
  readonly #exited: Promise<number | null>;

  constructor(args: string[]) {
    this.child = spawn(NODE, [...cliPrefix(AGENT_NODE_FLAGS), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: agentEnv(),
    });
    this.child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      this.#stderr += d;
    });
    this.#exited = new Promise((r) => this.child.on('close', (code) => r(code)));
  }

  get logs(): LogLine[] {
    return parseLines(this.#stderr);
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** Polls until the predicate holds; throws with the agent's log when it does not within `ms`. */
  async until(what: string, predicate: () => boolean, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}; agent log:\n${this.#stderr}`);
      if (this.child.exitCode !== null)
        throw new Error(`agent exited while waiting for ${what}:\n${this.#stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.#exited;
  }
}

/** A long-running agent in namespace `ns` (standalone on `file`, or Kubernetes mode when `file` is ''). */
export class RunningAgent extends RunningCli {
  constructor(ns: string, file: string, extra: string[] = []) {
    super([...baseArgs(ns, file), '--resync', '0', ...extra]);
  }
}

export interface WatchingAgentOptions {
  /** More agent arguments (after --resync 0, so a later --resync wins). */
  args?: string[];
  /** Builds more of the node after the seed's shape, before the agent starts. */
  node?: (ns: string) => void;
}

/**
 * The seed-shaped node in a fresh namespace, a manifest file holding `text`, and the agent watching
 * both; the agent is killed, the file removed and the namespace deleted whatever `fn` does.
 */
export async function withWatchingAgent(
  text: string,
  fn: (ns: string, agent: RunningAgent, file: ManifestFile) => Promise<void>,
  options: WatchingAgentOptions = {},
): Promise<void> {
  const file = new ManifestFile(text);
  try {
    await withNetns(async (ns) => {
      seedShapedNode(ns);
      options.node?.(ns);
      const agent = new RunningAgent(ns, file.path, options.args);
      try {
        await fn(ns, agent, file);
      } finally {
        await agent.stop('SIGKILL');
      }
    });
  } finally {
    file.remove();
  }
}
