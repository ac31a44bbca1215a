// `purelb-agent` (the node agent): standalone mode reads a YAML file of manifests; Kubernetes mode
// (--kubeconfig FILE, or the in-cluster service account) watches the API server, keeps this node's
// election Lease and writes announcements back. One run: wire the pieces (set-up), then either one
// reconcile (--once) or the long-running loop until SIGTERM/SIGINT.
import { release } from 'node:os';
import type { DesiredState } from '@purelb-ts/core';
import { Netlink } from '@purelb-ts/netlink-native';
import { serveHttp } from '../http.ts';
import { ElectionView } from '../kubernetes/election-view.ts';
import type { KubernetesMode, WritebackInput } from '../kubernetes/index.ts';
import { createLogger, type Logger } from '../log.ts';
import { announcer } from '../network/announce.ts';
import { applyPlan, applyRefreshes } from '../network/apply-plan.ts';
import { EvidenceFence } from '../network/evidence-fence.ts';
import { kernelDropsAddressProtocol } from '../network/kernel.ts';
import type { MonitorInterest } from '../network/monitor-interest.ts';
import { OwnEchoes } from '../network/own-echoes.ts';
import { claimProbe } from '../network/probe.ts';
import { readNetwork } from '../network/read-network.ts';
import { watchNetwork } from '../network/watch.ts';
import type { ObjectSource } from '../sources/source.ts';
import { latestOnly } from './latest-only.ts';
import { LeaseReporter } from './lease-reporter.ts';
import { AgentMetrics } from './metrics.ts';
import {
  LBNODEAGENT_USAGE,
  type LbnodeagentOptions,
  parseLbnodeagentOptions,
  UsageError,
} from './options.ts';
import { Reconciler, type ReconcilerOptions } from './reconciler.ts';
import type { ReconcileSummary } from './summary.ts';

export interface LbnodeagentIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

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

/** Everything one run of the agent holds. */
interface Agent {
  o: LbnodeagentOptions;
  log: Logger;
  nl: Netlink;
  metrics: AgentMetrics;
  kube: KubernetesMode | undefined;
  source: ObjectSource;
  echoes: OwnEchoes;
  rec: Reconciler;
  /** What the Lease reports besides the subnets (carrier-down, refused). */
  reporter: LeaseReporter;
  writeback: { idle(): Promise<void> };
  /** The network watch, once `forever` started it: each decision's interest goes to it. */
  interest: { follow?: (interest: MonitorInterest) => void };
}

/**
 * Kubernetes mode's informers, Lease and write-back; the reconciler is asked for once it exists. The
 * module is loaded here only: standalone mode loads no Kubernetes client at all.
 */
async function startKube(
  o: LbnodeagentOptions,
  log: Logger,
  metrics: AgentMetrics,
  rec: () => Reconciler | undefined,
  reporter: LeaseReporter,
): Promise<KubernetesMode> {
  const { startKubernetesMode } = await import('../kubernetes/index.ts');
  const kube: KubernetesMode = startKubernetesMode({
    ...(o.kubeconfig === undefined ? {} : { kubeconfig: o.kubeconfig }),
    namespace: o.namespace,
    node: o.node,
    leaseDurationSeconds: o.leaseDurationSeconds,
    subnets: () => rec()?.subnets ?? [],
    reports: () => reporter.reports(),
    onFence: (fenced) => {
      metrics.leaseFenced.set(fenced ? 1 : 0);
      log[fenced ? 'error' : 'info'](
        !fenced
          ? 'the election Lease is renewed again: local addresses may return'
          : o.fence === 'silence'
            ? 'the election Lease could not be renewed in time: withdrawing local addresses (--fence silence)'
            : 'the election Lease could not be renewed in time: keeping local addresses until another host announces one (--fence evidence)',
        { reason: kube.lease.health().lastError },
      );
      rec()?.markDirty('lease fence change');
    },
    logger: log,
    onCutOff: () => rec()?.markDirty('API contact change'),
    onSlotSteal: (_ip, from) => metrics.slotSteals.inc({ from, to: o.node }),
  });
  return kube;
}

/**
 * Kubernetes mode: subnets that change (a link lost carrier) and carrier that changes go into the
 * Lease at once (renewSoon, rate-limited there), not at the next renewal.
 */
function leaseHooks(
  kube: KubernetesMode,
  log: Logger,
  reporter: LeaseReporter,
): Pick<ReconcilerOptions, 'onSubnets' | 'onCarrierDown'> {
  return {
    onSubnets: (subnets) => {
      log.info('advertised subnets changed: renewing the Lease now', { subnets: subnets.join(',') });
      kube.lease.renewSoon();
    },
    onCarrierDown: (interfaces) => {
      if (reporter.carrierChanged(interfaces)) kube.lease.renewSoon();
    },
  };
}

/** Opens the netlink handle and wires the source, the reconciler and (Kubernetes mode) the write-back. */
async function setUp(o: LbnodeagentOptions, log: Logger): Promise<Agent> {
  const nl = await Netlink.open(o.netns === undefined ? {} : { netns: o.netns });
  const metrics = new AgentMetrics();
  let rec: Reconciler | undefined;
  const reporter = new LeaseReporter(log, () => rec?.carrierDown ?? []);
  const kube = o.mode === 'kubernetes' ? await startKube(o, log, metrics, () => rec, reporter) : undefined;
  // Each mode loads only its own source (the manifest parser is standalone's).
  const source: ObjectSource =
    kube?.source ??
    new (await import('../sources/standalone.ts')).StandaloneSource(o.file as string, log, {
      resyncMs: o.resyncSeconds * 1000,
    });
  // One write-back at a time, over the newest reconcile's view.
  const writeback = latestOnly<WritebackInput>(
    (input) => (kube as KubernetesMode).writeback.apply(input),
    (err) => log.error('write-back failed', { reason: err }),
  );
  const echoes = new OwnEchoes();
  const probe = claimProbe(nl, log, o.probeMs);
  const view =
    kube === undefined
      ? undefined
      : new ElectionView(kube.contact, () =>
          kube.lease.health().lastRenew === undefined
            ? undefined
            : o.fence === 'evidence' || !kube.lease.fenced,
        );
  const interest: Agent['interest'] = {};
  rec = new Reconciler({
    node: o.node,
    source,
    readNetwork: () => readNetwork(nl),
    apply: (plan, network) => applyPlan(nl, plan, network, log),
    echoes,
    log,
    standalone: o.mode === 'standalone',
    resyncMs: o.resyncSeconds * 1000,
    // --fence silence withdraws every local address before the Lease lapses; evidence keeps them.
    fenced: () => o.fence === 'silence' && (kube?.lease.fenced ?? false),
    ...(view === undefined ? {} : { membership: (state) => view.membership(state) }),
    ...(kube === undefined || o.fence !== 'evidence'
      ? {}
      : {
          evidence: {
            fence: new EvidenceFence(nl, log, (ip) => rec?.markDirty(`evidence against ${ip}`)),
            cutOff: () => kube.contact.cutOff || kube.lease.fenced,
          },
        }),
    announce: announcer(nl, log),
    ...(probe === undefined ? {} : { probe }),
    labelFallback: kernelDropsAddressProtocol(release()),
    // Local addresses outlive a dead agent by less than its Lease; renewed while it runs.
    ...(o.mode === 'kubernetes' ? { leaseSeconds: o.leaseDurationSeconds } : {}),
    refresh: (ops, network) => applyRefreshes(nl, ops, network, log),
    carrierHoldMs: o.carrierHoldSeconds * 1000,
    ...(kube === undefined ? {} : leaseHooks(kube, log, reporter)),
    onInterest: (i) => interest.follow?.(i),
    onSummary: (s) => {
      metrics.record(s);
      if (kube === undefined || s.desired === undefined || s.state === undefined) return;
      // Only a decided run: a failed one knows nothing of the skips and must not clear the report.
      if (reporter.decided(s.desired.skips)) kube.lease.renewSoon();
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
  return { o, log, nl, metrics, kube, source, echoes, rec, reporter, writeback, interest };
}

/** --once: one reconcile, DAD settled for IPv6 addresses just added; 0 when everything applied. */
async function once(a: Agent): Promise<number> {
  try {
    await a.source.start(() => {});
    let summary = await a.rec.reconcileOnce();
    // An IPv6 address is the node's only once duplicate address detection passes: wait for it, and
    // when it failed, decide again (the address is then held back and reported).
    if ((await a.rec.settleDuplicateAddressDetection()).length > 0) summary = await a.rec.reconcileOnce();
    await a.rec.whenAnnounced();
    const problem = onceProblems(summary);
    if (problem === undefined) return 0;
    a.log.error('the reconcile did not fully apply', { reason: problem });
    process.stderr.write(`purelb-agent: ${problem}\n`);
    return 1;
  } finally {
    await a.source.stop();
    a.nl.close();
  }
}

/** Withdraw first, THEN give up the Lease: another node takes over only once ours are gone. */
async function shutDown(a: Agent, close: () => Promise<void>): Promise<number> {
  const results = await a.rec.withdrawAll();
  if (a.kube !== undefined) {
    await a.writeback.idle();
    await a.kube.lease.release().catch(() => {});
    await a.kube.stop();
  } else {
    await a.source.stop();
  }
  await close();
  a.nl.close();
  return results.every((r) => r.ok) ? 0 : 1;
}

/** The long-running agent: watch the kernel and the source, reconcile, until SIGTERM or SIGINT. */
async function forever(a: Agent): Promise<number> {
  const { o, log, rec } = a;
  const watch = watchNetwork(a.nl, (why) => rec.markDirty(why), log, {
    isOwnEcho: (action, address) => a.echoes.isEcho(action, address),
    onAddress: (action, address) => rec.observeAddress(action, address),
  });
  a.interest.follow = (i) => watch.follow(i);
  const http = await serveHttp(
    o.metricsPort,
    a.metrics.registry,
    () => rec.runs > 0,
    o.metricsAddresses,
  ).catch((err: unknown) => {
    // Only the netlink watch runs yet: close it, or it would keep the failed process alive.
    watch.close();
    a.nl.close();
    throw err;
  });
  log.info('serving /metrics, /healthz and /readyz', { port: http.port, addresses: http.addresses });
  await a.source.start(() => rec.markDirty('source change'));
  if (a.kube !== undefined) {
    // The Lease carries the subnets before the first reconcile, so a restarted winner is a member
    // again (and keeps its local addresses) rather than withdrawing and re-adding them.
    await rec.computeSubnets();
    a.reporter.carrierChanged(rec.carrierDown);
    await a.kube.startLease();
  }
  rec.startResync();
  rec.markDirty('start-up');
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info('shutting down: withdrawing local addresses', { reason: signal });
      watch.close();
      shutDown(a, () => http.close()).then(resolve, (err: unknown) => {
        log.error('shutdown failed', { reason: err instanceof Error ? err.message : String(err) });
        resolve(1);
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

/** The command: 0 on a clean stop (or a fully applied --once), 1 on failure, 2 on a usage error. */
export async function lbnodeagentCommand(argv: string[], io: LbnodeagentIo): Promise<number> {
  let o: LbnodeagentOptions;
  try {
    o = parseLbnodeagentOptions(argv, io.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    if (err.message === '') {
      io.stdout(`${LBNODEAGENT_USAGE}\n`);
      return 0;
    }
    io.stderr(`purelb-agent: ${err.message}\n${LBNODEAGENT_USAGE}\n`);
    return 2;
  }
  const log = createLogger(o.logLevel);
  try {
    log.info('purelb-agent starting', {
      mode: o.mode,
      node: o.node,
      file: o.file,
      netns: o.netns,
      once: o.once,
    });
    const agent = await setUp(o, log);
    return await (o.once ? once(agent) : forever(agent));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.error('purelb-agent failed', { reason: message });
    io.stderr(`purelb-agent: ${message}\n`);
    return 1;
  }
}
