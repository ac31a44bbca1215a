// The long-running agent: it follows the manifest file (moved, removed), restores an owned address
// deleted behind its back, and withdraws its local addresses on SIGTERM.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ip, netnsUnavailableReason, withNetns } from '../../../test/support/netns.ts';
import {
  addSecondDefault,
  ManifestFile,
  RunningAgent,
  seedShapedNode,
  v4Addresses,
  withWatchingAgent,
} from './support/agent-process.ts';
import { manifests } from './support/manifests.ts';

const skip = netnsUnavailableReason();
// The agents here trust carrier that comes back after 1 s, not the default 10 (--carrier-hold): the
// interface's return is what moves addresses back in these tests; dead-link-fails-over pins the hold.
process.env.CARRIER_HOLD_SECONDS ??= '1';

const has = (ns: string, link: string, cidr: string): boolean =>
  v4Addresses(ns).get(link)?.includes(cidr) ?? false;

/** The agent watching a manifest file holding `services` on the seed-shaped node. */
const withAgentFor = (
  services: Parameters<typeof manifests>[0],
  fn: (ns: string, agent: RunningAgent, file: ManifestFile) => Promise<void>,
): Promise<void> => withWatchingAgent(manifests(services), fn);

describe('purelb-agent watching its manifest file and the kernel', { skip }, () => {
  it('moves an address when the file changes, removes it when its Service goes, withdraws local ones on SIGTERM', async () => {
    await withAgentFor(
      [
        { name: 'web', ip: '172.30.250.53' },
        { name: 'api', ip: '172.31.1.5' },
      ],
      async (ns, agent, file) => {
        await agent.until(
          'first placements',
          () => has(ns, 'enp1s0', '172.30.250.53/24') && has(ns, 'kube-lb0', '172.31.1.5/32'),
        );
        // Changed: api's address moves to another IP of the /24-aggregated pool.
        file.write(
          manifests([
            { name: 'web', ip: '172.30.250.53' },
            { name: 'api', ip: '172.31.2.7' },
          ]),
        );
        await agent.until(
          'api moved',
          () => has(ns, 'kube-lb0', '172.31.2.7/24') && !has(ns, 'kube-lb0', '172.31.1.5/32'),
        );
        // Deleted from the file: its address goes.
        file.write(manifests([{ name: 'web', ip: '172.30.250.53' }]));
        const withdrawnIPs = () =>
          agent.logs.filter((l) => l.msg.startsWith('address withdrawn')).map((l) => l.ip);
        // The log line follows the kernel change; wait for both so the log check below is not a race.
        await agent.until(
          'api removed',
          () => !has(ns, 'kube-lb0', '172.31.2.7/24') && withdrawnIPs().length === 2,
        );
        assert.ok(has(ns, 'enp1s0', '172.30.250.53/24'));
        assert.deepEqual(withdrawnIPs(), ['172.31.1.5', '172.31.2.7']);
        assert.equal(await agent.stop('SIGTERM'), 0);
        assert.ok(!has(ns, 'enp1s0', '172.30.250.53/24'), 'the local address is withdrawn on SIGTERM');
      },
    );
  });

  it('keeps the previous state when the file is broken, naming file and line, and applies the fixed file', async () => {
    await withAgentFor([{ name: 'api', ip: '172.31.1.5' }], async (ns, agent, file) => {
      await agent.until('placed', () => has(ns, 'kube-lb0', '172.31.1.5/32'));
      file.write(`${manifests([])}---\nkind: Service\nmetadata: [unclosed\n`);
      await agent.until('the broken file reported', () =>
        agent.logs.some((l) => l.level === 'error' && String(l.reason).includes(`${file.path}:`)),
      );
      assert.ok(has(ns, 'kube-lb0', '172.31.1.5/32'), 'the previous state is kept');
      file.write(manifests([{ name: 'api', ip: '172.31.1.6' }]));
      await agent.until(
        'the fixed file applied',
        () => has(ns, 'kube-lb0', '172.31.1.6/32') && !has(ns, 'kube-lb0', '172.31.1.5/32'),
      );
    });
  });

  it('restores an owned address deleted with `ip addr del`', async () => {
    await withAgentFor(
      [
        { name: 'web', ip: '172.30.250.53' },
        { name: 'api', ip: '172.31.1.5' },
      ],
      async (ns, agent, _file) => {
        await agent.until(
          'first placements',
          () => has(ns, 'enp1s0', '172.30.250.53/24') && has(ns, 'kube-lb0', '172.31.1.5/32'),
        );
        ip(ns, 'addr', 'del', '172.31.1.5/32', 'dev', 'kube-lb0');
        ip(ns, 'addr', 'del', '172.30.250.53/24', 'dev', 'enp1s0');
        // Polled for up to 2 s: the assertion is that both come back, not how fast.
        await agent.until(
          'restored',
          () => has(ns, 'kube-lb0', '172.31.1.5/32') && has(ns, 'enp1s0', '172.30.250.53/24'),
          2000,
        );
      },
    );
  });

  it('follows default-route changes: a second equal default moves the local address to kube-lb0 with an error, removing it moves it back', async () => {
    await withAgentFor([{ name: 'web', ip: '172.30.250.53' }], async (ns, agent, _file) => {
      await agent.until('placed on enp1s0', () => has(ns, 'enp1s0', '172.30.250.53/24'));
      addSecondDefault(ns);
      await agent.until(
        'moved to kube-lb0 with the error logged',
        () =>
          has(ns, 'kube-lb0', '172.30.250.53/32') &&
          !has(ns, 'enp1s0', '172.30.250.53/24') &&
          agent.logs.some((l) => l.level === 'error' && l.code === 'ambiguous-default-route'),
      );
      ip(ns, 'route', 'del', 'default', 'via', '192.168.122.1', 'dev', 'enp2s0');
      await agent.until(
        'back on enp1s0',
        () => has(ns, 'enp1s0', '172.30.250.53/24') && !has(ns, 'kube-lb0', '172.30.250.53/32'),
      );
    });
  });

  it('when the local interface goes away its address moves to kube-lb0, and back when it returns', async () => {
    await withAgentFor([{ name: 'web', ip: '172.30.250.53' }], async (ns, agent, _file) => {
      await agent.until('placed on enp1s0', () => has(ns, 'enp1s0', '172.30.250.53/24'));
      // Deleting the veth takes its addresses and the default route with it.
      ip(ns, 'link', 'del', 'enp1s0');
      await agent.until('moved to kube-lb0', () => has(ns, 'kube-lb0', '172.30.250.53/32'));
      seedShapedNode(ns);
      await agent.until(
        'back on enp1s0',
        () => has(ns, 'enp1s0', '172.30.250.53/24') && !has(ns, 'kube-lb0', '172.30.250.53/32'),
      );
    });
  });

  it('after SIGKILL and a restart, sweeps the stale owned address of a Service removed meanwhile and leaves live ones untouched', async () => {
    const file = new ManifestFile(
      manifests([
        { name: 'web', ip: '172.30.250.53' },
        { name: 'api', ip: '172.31.1.5' },
        { name: 'old', ip: '172.31.1.6' },
      ]),
    );
    try {
      await withNetns(async (ns) => {
        seedShapedNode(ns);
        const first = new RunningAgent(ns, file.path);
        try {
          await first.until(
            'first placements',
            () => has(ns, 'kube-lb0', '172.31.1.6/32') && has(ns, 'enp1s0', '172.30.250.53/24'),
          );
        } finally {
          await first.stop('SIGKILL');
        }
        // Killed: nothing was withdrawn.
        assert.ok(has(ns, 'enp1s0', '172.30.250.53/24'));
        file.write(
          manifests([
            { name: 'web', ip: '172.30.250.53' },
            { name: 'api', ip: '172.31.1.5' },
          ]),
        );
        const second = new RunningAgent(ns, file.path);
        try {
          await second.until(
            'stale swept and logged',
            () =>
              !has(ns, 'kube-lb0', '172.31.1.6/32') &&
              second.logs.some((l) => l.msg.startsWith('address withdrawn')),
          );
          assert.ok(has(ns, 'kube-lb0', '172.31.1.5/32'));
          assert.ok(has(ns, 'enp1s0', '172.30.250.53/24'));
          const changed = second.logs
            .filter((l) => l.msg.startsWith('address '))
            .map((l) => `${l.msg.split(':')[0]} ${l.ip}`);
          assert.deepEqual(changed, ['address withdrawn 172.31.1.6']);
        } finally {
          await second.stop('SIGKILL');
        }
      });
    } finally {
      file.remove();
    }
  });
});
