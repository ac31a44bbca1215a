// Run by scripts/test.sh after the other tests (named *.image-test.ts so the main run skips it).
// The image as a user gets it: built with podman from the Dockerfile (scripts/image/build.sh, local
// stand-ins for the base images where no registry is reachable), then run as the DaemonSet runs it, in
// a namespace shaped like the seed's node: only NET_ADMIN and NET_RAW, the ambient and inheritable sets
// cleared (podman fills ambient for a non-root user; Kubernetes does not), uid 65532, a read-only root
// filesystem with no tmpfs. The container joins the test's own namespace (--network ns:…): no podman
// network, nothing on the host's interfaces or firewall.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { ip, ipJson, netnsUnavailableReason, withNetns } from '../support/netns.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const TAG = 'localhost/purelb-ts:test';
const SEED = join(ROOT, 'packages/agent/examples/seed-node.yaml');
const NODE_NAME = 'purelb2-1';
const MESSAGE = 'needs NET_ADMIN and NET_RAW (e.g. --cap-add NET_ADMIN --cap-add NET_RAW)';
const env = { ...process.env, CONTAINERS_CONF: join(ROOT, 'scripts/image/containers.conf') };

const skip =
  netnsUnavailableReason() ??
  (spawnSync('sh', ['-c', 'command -v podman || command -v apt-get'], { stdio: 'ignore' }).status === 0
    ? undefined
    : 'needs podman, or apt-get to install it');

function podman(args: string[], timeout = 60_000): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('podman', args, { encoding: 'utf8', env, timeout });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** The DaemonSet's securityContext, as podman flags. */
const AS_DAEMONSET = [
  '--cap-drop',
  'all',
  '--cap-add',
  'NET_ADMIN',
  '--cap-add',
  'NET_RAW',
  '--user',
  '65532',
  '--read-only',
  '--read-only-tmpfs=false',
];
const NO_CAPS = ['--cap-drop', 'all', '--user', '65532', '--read-only', '--read-only-tmpfs=false'];

function capsOf(pid: string): Record<string, string> {
  const status = execFileSync('cat', [`/proc/${pid}/status`], { encoding: 'utf8' });
  return Object.fromEntries([...status.matchAll(/^(Cap\w+):\s*(\w+)$/gm)].map((m) => [m[1], m[2]]));
}

async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Removes containers of earlier runs whose test process is gone (their namespace is gone too). */
function sweepLeftoverContainers(): void {
  const names = podman(['ps', '-a', '--filter', 'name=^plbt-image-', '--format', '{{.Names}}']).stdout;
  for (const name of names.split('\n').filter(Boolean)) {
    const pid = Number(name.slice('plbt-image-'.length));
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = true;
    } catch (err) {
      alive = (err as NodeJS.ErrnoException).code === 'EPERM';
    }
    if (!alive) podman(['rm', '-f', '-t', '0', name]);
  }
}

test('the agent image, built with podman and run as the DaemonSet runs it', {
  skip,
  timeout: 20 * 60_000,
}, async (t) => {
  const started = Date.now();
  execFileSync('bash', ['scripts/image/build.sh', TAG], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.diagnostic(`built in ${Math.round((Date.now() - started) / 1000)} s`);
  sweepLeftoverContainers();

  await t.test('≤ 300 MB, one node binary with exactly the two file capabilities, no setuid/setgid', () => {
    const size = Number(podman(['image', 'inspect', '-f', '{{.Size}}', TAG]).stdout);
    t.diagnostic(`image size ${Math.round(size / 1e6)} MB`);
    assert.ok(size > 0 && size <= 300e6, `image is ${size} bytes`);
    const mount = podman(['image', 'mount', TAG]);
    assert.equal(mount.status, 0, mount.stderr);
    const root = mount.stdout.trim();
    try {
      const caps = execFileSync('getcap', ['-r', root], { encoding: 'utf8' }).trim();
      assert.equal(caps.replace(root, ''), '/usr/local/bin/node cap_net_admin,cap_net_raw=ep');
      const setid = execFileSync('find', [root, '-xdev', '-type', 'f', '-perm', '/6000'], {
        encoding: 'utf8',
      });
      assert.equal(setid, '', 'setuid/setgid files remain');
      // One node: no other executable of node's size (a copy under another name).
      const big = execFileSync('find', [root, '-xdev', '-type', 'f', '-size', '+50M'], { encoding: 'utf8' });
      assert.deepEqual(big.trim().split('\n'), [`${root}/usr/local/bin/node`]);
      // Compiled JavaScript only: no TypeScript of ours in the image.
      const ts = execFileSync('find', [`${root}/opt/purelb-ts/packages`, '-name', '*.ts'], {
        encoding: 'utf8',
      });
      assert.equal(ts, '');
    } finally {
      podman(['image', 'unmount', TAG]);
    }
  });

  await t.test('without the capabilities: the message, not EPERM; allocator and --help need none', () => {
    const agent = podman(['run', '--rm', '--network', 'none', ...NO_CAPS, TAG, '--standalone', '/x.yaml']);
    assert.equal(agent.status, 1, agent.stderr);
    assert.match(agent.stderr, new RegExp(MESSAGE.replace(/[().]/g, '\\$&')));
    assert.doesNotMatch(agent.stderr, /Operation not permitted/);
    // The capabilities but no_new_privs (allowPrivilegeEscalation: false): node would start without them.
    const nnp = ['--security-opt', 'no-new-privileges', '--network', 'none'];
    const agentNnp = podman(['run', '--rm', ...nnp, ...AS_DAEMONSET, TAG, '--standalone', '/x.yaml']);
    assert.equal(agentNnp.status, 1, agentNnp.stderr);
    assert.match(agentNnp.stderr, /no_new_privs withholds \(in Kubernetes, allowPrivilegeEscalation: true/);
    // The allocator's pod: every capability dropped and no_new_privs (allowPrivilegeEscalation: false).
    const noPriv = [...NO_CAPS, '--security-opt', 'no-new-privileges', '--network', 'none'];
    const help = podman(['run', '--rm', ...noPriv, '--entrypoint', 'purelb', TAG, '--help']);
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /usage: purelb COMMAND/);
    const alloc = podman(['run', '--rm', ...noPriv, TAG, 'allocator', '--help']);
    assert.equal(alloc.status, 0, alloc.stderr);
    assert.match(alloc.stdout, /allocator/);
    // Really started: it gets as far as looking for its cluster.
    const run = podman(['run', '--rm', ...noPriv, TAG, 'allocator', '--metrics-port', '0']);
    assert.doesNotMatch(run.stderr, /Operation not permitted|needs NET_ADMIN/);
    assert.match(run.stderr, /kube|cluster|KUBERNETES/i, run.stderr);
  });

  await t.test("in the seed's node: the addresses appear and purelb diagnose exits 0", async () => {
    await withNetns(async (ns) => {
      // enp1s0 with the node's address and the default route (metric 100), a CNI-style bridge.
      ip(ns, 'link', 'add', 'enp1s0', 'type', 'veth', 'peer', 'name', 'uplink0');
      ip(ns, 'link', 'set', 'uplink0', 'up');
      ip(ns, 'link', 'set', 'enp1s0', 'up');
      ip(ns, 'addr', 'add', '172.30.250.104/24', 'dev', 'enp1s0');
      ip(ns, 'route', 'add', 'default', 'via', '172.30.250.1', 'dev', 'enp1s0', 'metric', '100');
      ip(ns, 'link', 'add', 'cni0', 'type', 'bridge');
      ip(ns, 'link', 'set', 'cni0', 'up');
      ip(ns, 'addr', 'add', '10.129.0.1/24', 'dev', 'cni0');
      const dir = mkdtempSync(join(tmpdir(), 'plbt-image-'));
      copyFileSync(SEED, join(dir, 'seed-node.yaml'));
      // Readable by uid 65532 (mkdtemp makes it 0700).
      chmodSync(dir, 0o755);
      chmodSync(join(dir, 'seed-node.yaml'), 0o644);
      const name = `plbt-image-${process.pid}`;
      try {
        const run = podman([
          'run',
          '-d',
          '--name',
          name,
          '--network',
          `ns:/run/netns/${ns}`,
          ...AS_DAEMONSET,
          '-v',
          `${dir}:/etc/purelb:ro`,
          // Clear what podman alone adds (ambient, inheritable): the capabilities must come from node's file.
          '--entrypoint',
          'setpriv',
          TAG,
          ...['--ambient-caps', '-all', '--inh-caps', '-all', 'purelb-agent'],
          ...['--standalone', '/etc/purelb/seed-node.yaml', '--node', NODE_NAME, '--metrics-port', '0'],
        ]);
        assert.equal(run.status, 0, run.stderr);
        const has = () => {
          const text = ipJson<{ addr_info: { local: string; prefixlen: number }[] }[]>(ns, 'addr', 'show')
            .flatMap((l) => l.addr_info.map((a) => `${a.local}/${a.prefixlen}`))
            .join(' ');
          return ['172.30.250.53/24', '172.31.1.5/32', '172.31.2.128/24', '172.31.1.9/32'].every((a) =>
            text.split(' ').includes(a),
          );
        };
        await until('the seed addresses', has).catch((err) => {
          throw new Error(`${(err as Error).message}\n${podman(['logs', name]).stderr}`);
        });
        // The agent's capabilities are node's file capabilities, nothing more.
        const pid = podman(['inspect', '-f', '{{.State.Pid}}', name]).stdout.trim();
        const caps = capsOf(pid);
        assert.equal(caps.CapEff, '0000000000003000');
        assert.equal(caps.CapAmb, '0000000000000000');
        const diagnose = podman([
          'exec',
          name,
          ...['purelb', 'diagnose', '--standalone', '/etc/purelb/seed-node.yaml', '--node', NODE_NAME],
        ]);
        assert.equal(diagnose.status, 0, `${diagnose.stdout}\n${diagnose.stderr}`);
        // The seed's troubleshooting commands, as written.
        const routes = podman(['exec', name, 'ip', 'route', 'show']);
        assert.equal(routes.status, 0, routes.stderr);
        assert.match(routes.stdout, /172\.31\.2\.0\/24 dev kube-lb0 .*src 172\.31\.2\.128/);
        const lb0 = podman(['exec', name, 'ip', 'addr', 'show', 'dev', 'kube-lb0']);
        assert.equal(lb0.status, 0, lb0.stderr);
        assert.match(lb0.stdout, /inet 172\.31\.1\.5\/32 scope global kube-lb0/);
      } finally {
        podman(['rm', '-f', '-t', '0', name]);
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
