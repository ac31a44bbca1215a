// The node agent shares the node's network namespace, where every LoadBalancer address is an address
// of the host: its /metrics (Service names and IPs) must not answer on them. Run inside a node-shaped
// namespace (enp1s0 holding the node's address and a second one), the agent listens by default on the
// node's address from $HOST_IP and on loopback, and refuses connections on the other address;
// --metrics-address moves it; an address the node does not have stops it at start-up, naming it.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ip, netnsUnavailableReason, withNetns } from '../../../test/support/netns.ts';
import { ManifestFile, seedShapedNode } from './support/agent-process.ts';
import { manifests } from './support/manifests.ts';

const skip = netnsUnavailableReason();
const ROOT = resolve(import.meta.dirname, '../../..');
const NODE = join(ROOT, 'node_modules/.bin/node');
const CLI = join(ROOT, 'packages/agent/src/cli.ts');
const PORT = 7472; // the default: each test namespace is fresh, so nothing else holds it

const NODE_IP = '172.30.250.104'; // seedShapedNode's address on enp1s0
const OTHER_IP = '172.30.250.200'; // as a LoadBalancer address would be

/** The agent run inside `ns` itself (not --netns), so its HTTP server binds there. */
class AgentInNetns {
  readonly child: ChildProcess;
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(ns: string, file: string, extra: string[], env: Record<string, string>) {
    const args = [
      '--conditions=purelb-source',
      CLI,
      '--standalone',
      file,
      '--node',
      'purelb2-1',
      '--resync',
      '0',
    ];
    this.child = spawn('ip', ['netns', 'exec', ns, NODE, ...args, ...extra], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    });
    this.child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      this.stderr += d;
    });
    this.exited = new Promise((r) => this.child.on('close', (code) => r(code)));
  }

  async serving(): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!this.stderr.includes('"msg":"serving /metrics, /healthz and /readyz"')) {
      if (this.child.exitCode !== null) throw new Error(`agent exited:\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`agent never served:\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}

// GET /metrics from inside the namespace: "200 agent" when the agent's metrics answer, else the status
// or the connection error's code.
const PROBE = `
const [host, port] = process.argv.slice(1);
const req = require('node:http').request({ host, port: Number(port), path: '/metrics', agent: false, timeout: 3000 }, (res) => {
  let body = '';
  res.setEncoding('utf8').on('data', (d) => { body += d; });
  res.on('end', () => console.log(res.statusCode + (body.includes('purelb_lbnodeagent_') ? ' agent' : '')));
});
req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
req.on('error', (err) => console.log(err.code));
req.end();
`;

async function probe(ns: string, host: string): Promise<string> {
  const { stdout } = await promisify(execFile)('ip', [
    'netns',
    'exec',
    ns,
    NODE,
    '-e',
    PROBE,
    host,
    String(PORT),
  ]);
  return stdout.trim();
}

/** Runs `fn` with the agent started in a node-shaped namespace; stops it and cleans up whatever happens. */
async function withAgent(
  extra: string[],
  env: Record<string, string>,
  fn: (ns: string, agent: AgentInNetns) => Promise<void>,
): Promise<void> {
  await withNetns(async (ns) => {
    seedShapedNode(ns);
    ip(ns, 'addr', 'add', `${OTHER_IP}/24`, 'dev', 'enp1s0');
    ip(ns, 'addr', 'add', 'fd00:30::104/64', 'dev', 'enp1s0', 'nodad');
    ip(ns, 'addr', 'add', 'fd00:30::200/64', 'dev', 'enp1s0', 'nodad');
    const file = new ManifestFile(manifests([]));
    const agent = new AgentInNetns(ns, file.path, extra, env);
    try {
      await fn(ns, agent);
    } finally {
      await agent.stop();
      file.remove();
    }
  });
}

describe("the node agent's metrics address", { skip }, () => {
  it("by default answers on the node's address (HOST_IP) and 127.0.0.1, and refuses another address", () =>
    withAgent([], { HOST_IP: NODE_IP }, async (ns, agent) => {
      await agent.serving();
      assert.equal(await probe(ns, NODE_IP), '200 agent');
      assert.equal(await probe(ns, '127.0.0.1'), '200 agent');
      assert.equal(await probe(ns, OTHER_IP), 'ECONNREFUSED');
      assert.equal(await probe(ns, 'fd00:30::104'), 'ECONNREFUSED', 'no IPv6 address was asked for');
      assert.match(agent.stderr, /"addresses":\["172\.30\.250\.104","127\.0\.0\.1"\]/);
    }));

  it('with an IPv6 HOST_IP answers on it and ::1, and refuses another IPv6 address', () =>
    withAgent([], { HOST_IP: 'fd00:30::104' }, async (ns, agent) => {
      await agent.serving();
      assert.equal(await probe(ns, 'fd00:30::104'), '200 agent');
      assert.equal(await probe(ns, '::1'), '200 agent');
      assert.equal(await probe(ns, 'fd00:30::200'), 'ECONNREFUSED');
      assert.equal(await probe(ns, NODE_IP), 'ECONNREFUSED');
    }));

  it('without HOST_IP answers on loopback only', () =>
    withAgent([], {}, async (ns, agent) => {
      await agent.serving();
      assert.equal(await probe(ns, '127.0.0.1'), '200 agent');
      assert.equal(await probe(ns, NODE_IP), 'ECONNREFUSED');
    }));

  it('--metrics-address answers only where it says, whatever HOST_IP says', () =>
    withAgent(['--metrics-address', OTHER_IP], { HOST_IP: NODE_IP }, async (ns, agent) => {
      await agent.serving();
      assert.equal(await probe(ns, OTHER_IP), '200 agent');
      assert.equal(await probe(ns, NODE_IP), 'ECONNREFUSED');
      assert.equal(await probe(ns, '127.0.0.1'), 'ECONNREFUSED');
    }));

  it('an address the node does not have stops start-up, naming it (exit 1)', () =>
    withAgent([], { HOST_IP: '192.0.2.1' }, async (_ns, agent) => {
      const code = await Promise.race([
        agent.exited,
        new Promise((r) => setTimeout(() => r('still running after 15 s'), 15_000)),
      ]);
      assert.equal(code, 1, agent.stderr);
      assert.match(
        agent.stderr,
        /purelb-agent: cannot serve \/metrics on 192\.0\.2\.1:7472: .*EADDRNOTAVAIL.*\(not an address of this host: see --metrics-address\)/,
      );
    }));
});
