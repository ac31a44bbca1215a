// IPv6 duplicate address detection: a local IPv6 address another host on the link already uses is
// never claimed. With the probe on, the agent's own DAD solicitation finds the owner before anything is
// added; with it off, the kernel's DAD fails and deletes the address, and the agent records the conflict
// (error, backoff, no re-add loop, --once exits 1) and never announces the tentative address, so the
// router keeps sending the owner its traffic.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ip, ipJson, netnsUnavailableReason, withNetns } from '../../../../test/support/netns.ts';
import { ManifestFile, RunningAgent, runOnce } from '../support/agent-process.ts';
import { manifests, seedGroups } from '../support/manifests.ts';
import { addressesOf, macOf, sleep, withBridgedLan } from './support.ts';

const skip = netnsUnavailableReason();
const OWNED = '2001:db8:1::56';

/** The seed's configuration with an IPv6 local pool on enp1s0's /64 (and GARP/NA on when asked). */
function config(garp: boolean): object[] {
  const garpConfig = { enabled: true, count: 2, interval: '100ms', initialDelay: '10ms' };
  const agent = {
    apiVersion: 'purelb.io/v2',
    kind: 'LBNodeAgent',
    metadata: { name: 'default', namespace: 'purelb' },
    spec: {
      local: { localInterface: 'default', dummyInterface: 'kube-lb0', ...(garp ? { garpConfig } : {}) },
    },
  };
  const local = {
    apiVersion: 'purelb.io/v2',
    kind: 'ServiceGroup',
    metadata: { name: 'default', namespace: 'purelb' },
    spec: {
      local: {
        v4pool: { pool: '172.30.250.50-172.30.250.60', subnet: '172.30.250.0/24', aggregation: 'default' },
        v6pool: { pool: '2001:db8:1::50-2001:db8:1::60', subnet: '2001:db8:1::/64', aggregation: 'default' },
      },
    },
  };
  return [agent, local, ...seedGroups().slice(2)];
}

/** The node's IPv6 uplink, and a host on the LAN that already holds OWNED. */
function ipv6Lan(ns: string, owner: string): void {
  ip(ns, '-6', 'addr', 'add', '2001:db8:1::104/64', 'dev', 'enp1s0', 'nodad');
  ip(ns, '-6', 'route', 'add', 'default', 'via', '2001:db8:1::1', 'dev', 'enp1s0');
  ip(owner, '-6', 'addr', 'add', `${OWNED}/64`, 'dev', 'eth0', 'nodad');
}

async function withDadScene(
  garp: boolean,
  fn: (ns: string, file: ManifestFile, lan: string, owner: string) => Promise<void>,
) {
  const file = new ManifestFile(manifests([{ name: 'v6', ip: OWNED }], config(garp)));
  try {
    await withNetns(async (ns) => {
      await withBridgedLan(ns, 1, async (lan, [owner]) => {
        ipv6Lan(ns, owner!);
        await fn(ns, file, lan, owner!);
      });
    });
  } finally {
    file.remove();
  }
}

/** Probing off. Agents older than the probe take no such flag: they never probe. */
const PROBE_OFF = process.env.PURELB_AGENT_UNDER_TEST === undefined ? ['--probe-ms', '0'] : [];

const heldHere = (ns: string) => addressesOf(ns).some((a) => a.startsWith(`${OWNED}/`));

describe('IPv6 duplicate address detection', { skip }, () => {
  it('with the probe on, the owner answers the DAD solicitation: nothing is added, the error names its MAC', async () => {
    await withDadScene(false, async (ns, file, _lan, owner) => {
      const r = await runOnce(ns, file.path);
      assert.equal(r.code, 1);
      assert.ok(!heldHere(ns));
      const err = r.logs.find((l) => l.level === 'error' && l.ip === OWNED);
      assert.equal(err?.code, 'address-conflict');
      assert.match(String(err?.reason), new RegExp(`neighbour advertisement from ${macOf(owner, 'eth0')}`));
      assert.ok(!r.logs.some((l) => l.msg.startsWith('address placed') && l.ip === OWNED));
    });
  });

  it('with the probe off, the kernel DAD fails: --once waits for it, says so, and exits 1', async () => {
    await withDadScene(false, async (ns, file) => {
      const r = await runOnce(ns, file.path, PROBE_OFF);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /2001:db8:1::56 is not claimed: IPv6 duplicate address detection failed/);
      assert.ok(!heldHere(ns));
    });
  });

  it('with the probe off and the agent running: no re-add loop, the failure is logged as an error', async () => {
    await withDadScene(false, async (ns, file) => {
      const agent = new RunningAgent(ns, file.path, PROBE_OFF);
      try {
        await agent.until('the DAD failure is recorded', () =>
          agent.logs.some((l) => l.level === 'error' && l.code === 'address-conflict'),
        );
        await sleep(6000);
        const adds = agent.logs.filter((l) => l.msg.startsWith('address placed') && l.ip === OWNED).length;
        // Backoff 2 s then 4 s after each ~1 s DAD: at most three adds in those ~8 s (upstream's loop made 16).
        assert.ok(adds <= 3, `${adds} adds`);
        assert.ok(!agent.logs.some((l) => l.msg === 'reconcile failed'));
      } finally {
        await agent.stop('SIGKILL');
      }
    });
  });

  it('with announcements on, no NA is sent for the tentative address: the router keeps the owner in its cache', async () => {
    await withDadScene(true, async (ns, file, lan, owner) => {
      ip(lan, '-6', 'neigh', 'replace', OWNED, 'lladdr', macOf(owner, 'eth0'), 'dev', 'br0', 'nud', 'stale');
      const r = await runOnce(ns, file.path, PROBE_OFF);
      assert.equal(r.code, 1);
      await sleep(500); // past the announcement window (10 ms + 2 × 100 ms)
      const [entry] = ipJson<{ lladdr?: string }[]>(lan, '-6', 'neigh', 'show', OWNED, 'dev', 'br0');
      assert.equal(entry?.lladdr, macOf(owner, 'eth0'), 'the router still sends the owner its traffic');
      assert.ok(!r.logs.some((l) => l.msg === 'unsolicited neighbour advertisement sent'));
    });
  });
});
