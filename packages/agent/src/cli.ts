// purelb-agent: the node agent. Standalone mode reads a YAML file of manifests; Kubernetes mode
// (--kubeconfig FILE, or the in-cluster service account) watches the API server, keeps this node's
// election Lease and writes announcements back.
//   node --conditions=source packages/agent/src/cli.ts --standalone FILE [--netns NAME] [--once]
import { hostname, release } from 'node:os';
import type { DesiredState } from '@purelb-ts/core';
import { Netlink } from '@purelb-ts/netlink-native';
import { logLevelFlag, metricsAddressesFlag, namespaceFlag, parseFlags, wholeNumber } from './flags.ts';
import { serveHttp } from './http.ts';
import { type KubernetesMode, startKubernetesMode, type WritebackInput } from './kubernetes/index.ts';
import { latestOnly } from './latest-only.ts';
import { createLogger, type Logger } from './log.ts';
import { AgentMetrics } from './metrics.ts';
import { announcer } from './network/announce.ts';
import { applyPlan } from './network/apply-plan.ts';
import { kernelDropsAddressProtocol } from './network/kernel.ts';
import { OwnEchoes } from './network/own-echoes.ts';
import { claimProbe } from './network/probe.ts';
import type { ClaimProbe } from './network/probe-claims.ts';
import { readNetwork } from './network/read-network.ts';
import { watchNetwork } from './network/watch.ts';
import { Reconciler, type ReconcileSummary } from './reconciler.ts';
import type { ObjectSource } from './sources/source.ts';
import { StandaloneSource } from './sources/standalone.ts';

const USAGE = `usage: purelb-agent --standalone FILE [options]
       purelb-agent [--kubeconfig FILE] [options]      (Kubernetes; in-cluster config without --kubeconfig)
       purelb-agent allocator [options]                (the address allocator: purelb-agent allocator --help)
  --standalone FILE     read Services, EndpointSlices, ServiceGroups and LBNodeAgents from a YAML file and watch it
  --kubeconfig FILE     talk to the API server of this kubeconfig instead of the in-cluster service account
  --namespace NS        PureLB's namespace: ServiceGroups, LBNodeAgents, Leases ($POD_NAMESPACE, default purelb)
  --lease-duration S    election Lease duration in seconds ($LEASE_DURATION, default 10)
  --node NAME           this node's name (default: $NODE_NAME, else the hostname)
  --netns NAME          act inside the named network namespace (as 'ip netns' lists it)
  --once                standalone only: reconcile once and exit: 0 when everything applied, 1 otherwise
  --metrics-port N      port for /metrics, /healthz, /readyz (default 7472, $METRICS_PORT; 0 = any free port)
  --metrics-address A,B addresses they listen on ($METRICS_ADDRESS; default $HOST_IP, the node's address,
                        and loopback; loopback alone without $HOST_IP). 0.0.0.0 or :: = every address,
                        which includes every LoadBalancer address on this node: the world can read them
  --log-level LEVEL     debug | info | warn | error (default info, $LOG_LEVEL); errors are always logged
  --resync SECONDS      periodic full reconcile (default 30, $RESYNC_SECONDS; 0 = off)
  --probe-ms MS         before first claiming a local address, ask the segment whether another host uses it
                        (ARP probe / IPv6 DAD solicitation) and listen this long (default 200, $PROBE_MS;
                        0 = claim without asking, as upstream PureLB)`;

class UsageError extends Error {}

interface Options {
  mode: 'standalone' | 'kubernetes';
  file: string | undefined;
  kubeconfig: string | undefined;
  namespace: string;
  leaseDurationSeconds: number;
  node: string;
  netns: string | undefined;
  once: boolean;
  metricsPort: number;
  metricsAddresses: string[];
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  resyncSeconds: number;
  probeMs: number;
}

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const values = parseFlags(
    argv,
    {
      standalone: { type: 'string' },
      kubeconfig: { type: 'string' },
      namespace: { type: 'string' },
      'lease-duration': { type: 'string' },
      node: { type: 'string' },
      netns: { type: 'string' },
      once: { type: 'boolean' },
      'metrics-port': { type: 'string' },
      'metrics-address': { type: 'string' },
      'log-level': { type: 'string' },
      resync: { type: 'string' },
      'probe-ms': { type: 'string' },
      help: { type: 'boolean' },
    },
    UsageError,
  );
  if (values.help) throw new UsageError('');
  if (values.standalone !== undefined && values.kubeconfig !== undefined) {
    throw new UsageError('--standalone and --kubeconfig exclude each other');
  }
  const mode = values.standalone !== undefined ? 'standalone' : 'kubernetes';
  if (mode === 'kubernetes' && values.once === true) {
    throw new UsageError('--once is for --standalone; in Kubernetes mode the agent keeps its Lease and runs');
  }
  const logLevel = logLevelFlag(values, env, UsageError);
  const node = String(values.node ?? env.NODE_NAME ?? hostname());
  if (node === '') throw new UsageError('--node must not be empty');
  const namespace = namespaceFlag(values, env, UsageError);
  return {
    mode,
    file: values.standalone === undefined ? undefined : String(values.standalone),
    kubeconfig: values.kubeconfig === undefined ? undefined : String(values.kubeconfig),
    namespace,
    leaseDurationSeconds: wholeNumber(
      '--lease-duration',
      String(values['lease-duration'] ?? env.LEASE_DURATION ?? '10'),
      2,
      3600,
      UsageError,
    ),
    node,
    netns: values.netns === undefined ? undefined : String(values.netns),
    once: values.once === true,
    metricsPort: wholeNumber(
      '--metrics-port',
      String(values['metrics-port'] ?? env.METRICS_PORT ?? '7472'),
      0,
      65535,
      UsageError,
    ),
    // The node's own address (downward API status.hostIP), never every address: see flags.ts.
    metricsAddresses: metricsAddressesFlag(values, env, 'HOST_IP', UsageError),
    logLevel,
    resyncSeconds: wholeNumber(
      '--resync',
      String(values.resync ?? env.RESYNC_SECONDS ?? '30'),
      0,
      86400,
      UsageError,
    ),
    probeMs: wholeNumber(
      '--probe-ms',
      String(values['probe-ms'] ?? env.PROBE_MS ?? '200'),
      0,
      5000,
      UsageError,
    ),
  };
}

/** The reconciler's probe option, when probing is on. */
const probeOption = (probe: ClaimProbe | undefined): { probe?: ClaimProbe } =>
  probe === undefined ? {} : { probe };

/** Why a --once run did not fully succeed, or undefined when it did. */
function onceProblems(s: ReconcileSummary): string | undefined {
  const problems: string[] = [];
  if (s.failure !== undefined) problems.push(`the reconcile failed: ${s.failure}`);
  if (s.failedOps > 0) problems.push(`${s.failedOps} operation(s) failed`);
  if (s.invalidConfig.length > 0) problems.push(`invalid configuration: ${s.invalidConfig.join('; ')}`);
  const conflicts = s.conflicts.filter(([ip]) => s.errorSkips.some((k) => k.ip === ip));
  for (const [ip, r] of conflicts) problems.push(`${ip} is not claimed: ${r.evidence}`);
  return problems.length === 0 ? undefined : problems.join('; ');
}

/** The failed adds/replaces of a reconcile, by IP, for the AnnouncementFailed events. */
function applyFailures(s: ReconcileSummary): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of s.ops) {
    if (!r.ok && (r.op.op === 'add-address' || r.op.op === 'replace-address')) {
      out.set(r.op.placement.ip, r.error ?? 'failed');
    }
  }
  return out;
}

async function run(o: Options, log: Logger): Promise<number> {
  const nl = await Netlink.open(o.netns === undefined ? {} : { netns: o.netns });
  const metrics = new AgentMetrics();
  let kube: KubernetesMode | undefined;
  let reconciler: Reconciler | undefined;
  if (o.mode === 'kubernetes') {
    kube = startKubernetesMode({
      ...(o.kubeconfig === undefined ? {} : { kubeconfig: o.kubeconfig }),
      namespace: o.namespace,
      node: o.node,
      leaseDurationSeconds: o.leaseDurationSeconds,
      subnets: () => reconciler?.subnets ?? [],
      onFence: (fenced) => {
        metrics.leaseFenced.set(fenced ? 1 : 0);
        log[fenced ? 'error' : 'info'](
          fenced
            ? 'the election Lease could not be renewed in time: withdrawing local addresses (self-fence)'
            : 'the election Lease is renewed again: local addresses may return',
          { reason: kube?.lease.health().lastError },
        );
        reconciler?.markDirty('lease fence change');
      },
      logger: log,
      onSlotSteal: (_ip, from) => metrics.slotSteals.inc({ from, to: o.node }),
    });
  }
  const source: ObjectSource =
    kube?.source ?? new StandaloneSource(o.file as string, log, { resyncMs: o.resyncSeconds * 1000 });
  // One write-back at a time, over the newest reconcile's view.
  const writeback = latestOnly<WritebackInput>(
    (input) => (kube as KubernetesMode).writeback.apply(input),
    (err) => log.error('write-back failed', { reason: err }),
  );
  const echoes = new OwnEchoes();
  const rec = new Reconciler({
    node: o.node,
    source,
    readNetwork: () => readNetwork(nl),
    apply: (plan, network) => applyPlan(nl, plan, network, log),
    echoes,
    log,
    standalone: o.mode === 'standalone',
    resyncMs: o.resyncSeconds * 1000,
    fenced: () => kube?.lease.fenced ?? false,
    announce: announcer(nl, log),
    ...probeOption(claimProbe(nl, log, o.probeMs)),
    labelFallback: kernelDropsAddressProtocol(release()),
    onSummary: (s) => {
      metrics.record(s);
      if (kube === undefined || s.desired === undefined || s.state === undefined) return;
      const input = {
        services: s.state.services,
        desired: s.desired as DesiredState,
        applyFailures: applyFailures(s),
        fenced: s.fenced,
        invalidConfig: s.invalidObjects,
      };
      writeback.submit(input);
    },
  });
  reconciler = rec;
  log.info('purelb-agent starting', {
    mode: o.mode,
    node: o.node,
    file: o.file,
    netns: o.netns,
    once: o.once,
  });

  if (o.once) {
    try {
      await source.start(() => {});
      let summary = await rec.reconcileOnce();
      // An IPv6 address is the node's only once duplicate address detection passes: wait for it, and
      // when it failed, decide again (the address is then held back and reported).
      if ((await rec.settleDuplicateAddressDetection()).length > 0) summary = await rec.reconcileOnce();
      await rec.whenAnnounced();
      const problem = onceProblems(summary);
      if (problem !== undefined) {
        log.error('the reconcile did not fully apply', { reason: problem });
        process.stderr.write(`purelb-agent: ${problem}\n`);
        return 1;
      }
      return 0;
    } finally {
      await source.stop();
      nl.close();
    }
  }

  const watch = watchNetwork(nl, (why) => rec.markDirty(why), log, {
    isOwnEcho: (action, address) => echoes.isEcho(action, address),
    onAddress: (action, address) => rec.observeAddress(action, address),
  });
  const http = await serveHttp(o.metricsPort, metrics.registry, () => rec.runs > 0, o.metricsAddresses).catch(
    (err: unknown) => {
      // Only the netlink watch runs yet: close it, or it would keep the failed process alive.
      watch.close();
      nl.close();
      throw err;
    },
  );
  log.info('serving /metrics, /healthz and /readyz', { port: http.port, addresses: http.addresses });
  await source.start(() => rec.markDirty('source change'));
  if (kube !== undefined) {
    // The Lease carries the subnets before the first reconcile, so a restarted winner is a member
    // again (and keeps its local addresses) rather than withdrawing and re-adding them.
    await rec.computeSubnets();
    await kube.startLease();
  }
  rec.startResync();
  rec.markDirty('start-up');

  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info('shutting down: withdrawing local addresses', { reason: signal });
      (async () => {
        watch.close();
        // Withdraw first, THEN give up the Lease: another node takes over only once ours are gone.
        const results = await rec.withdrawLocal();
        if (kube !== undefined) {
          await writeback.idle();
          await kube.lease.release().catch(() => {});
          await kube.stop();
        } else {
          await source.stop();
        }
        await http.close();
        nl.close();
        resolve(results.every((r) => r.ok) ? 0 : 1);
      })().catch((err: unknown) => {
        log.error('shutdown failed', { reason: err instanceof Error ? err.message : String(err) });
        resolve(1);
      });
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
}

async function main(): Promise<void> {
  if (process.argv[2] === 'allocator') {
    // The allocator shares this command and image; loaded only when asked for.
    const { allocatorCommand } = await import('./allocator/main.ts');
    process.exitCode = await allocatorCommand(process.argv.slice(3), {
      stdout: (t) => process.stdout.write(t),
      stderr: (t) => process.stderr.write(t),
      env: process.env,
    });
    return;
  }
  let o: Options;
  try {
    o = parseOptions(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(err.message === '' ? `${USAGE}\n` : `purelb-agent: ${err.message}\n${USAGE}\n`);
    process.exitCode = err.message === '' ? 0 : 2;
    return;
  }
  const log = createLogger(o.logLevel);
  try {
    process.exitCode = await run(o, log);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.error('purelb-agent failed', { reason: message });
    process.stderr.write(`purelb-agent: ${message}\n`);
    process.exitCode = 1;
  }
}

await main();
