// purelb-agent: the node agent. Standalone mode reads a YAML file of manifests; the Kubernetes mode
// (--kubeconfig / in-cluster) comes from src/kubernetes/.
//   node --conditions=source packages/agent/src/cli.ts --standalone FILE [--netns NAME] [--once]
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { Netlink } from '@purelb-ts/netlink-native';
import { serveHttp } from './http.ts';
import { createLogger, isLogLevel, type Logger } from './log.ts';
import { AgentMetrics } from './metrics.ts';
import { applyPlan } from './network/apply-plan.ts';
import { readNetwork } from './network/read-network.ts';
import { watchNetwork } from './network/watch.ts';
import { Reconciler, type ReconcileSummary } from './reconciler.ts';
import { StandaloneSource } from './sources/standalone.ts';

const USAGE = `usage: purelb-agent --standalone FILE [options]
  --standalone FILE     read Services, EndpointSlices, ServiceGroups and LBNodeAgents from a YAML file and watch it
  --node NAME           this node's name (default: $NODE_NAME, else the hostname)
  --netns NAME          act inside the named network namespace (as 'ip netns' lists it)
  --once                reconcile once and exit: 0 when everything applied, 1 otherwise
  --metrics-port N      port for /metrics, /healthz, /readyz (default 7472, $METRICS_PORT; 0 = any free port)
  --log-level LEVEL     debug | info | warn | error (default info, $LOG_LEVEL); errors are always logged
  --resync SECONDS      periodic full reconcile (default 30, $RESYNC_SECONDS; 0 = off)`;

class UsageError extends Error {}

interface Options {
  file: string;
  node: string;
  netns: string | undefined;
  once: boolean;
  metricsPort: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  resyncSeconds: number;
}

function intOption(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) {
    throw new UsageError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return n;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        standalone: { type: 'string' },
        kubeconfig: { type: 'string' },
        node: { type: 'string' },
        netns: { type: 'string' },
        once: { type: 'boolean' },
        'metrics-port': { type: 'string' },
        'log-level': { type: 'string' },
        resync: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) throw new UsageError('');
  if (values.kubeconfig !== undefined || values.standalone === undefined) {
    throw new UsageError(
      'Kubernetes mode (--kubeconfig or in-cluster) is not wired into this command yet; run with --standalone FILE',
    );
  }
  const logLevel = String(values['log-level'] ?? env.LOG_LEVEL ?? 'info');
  if (!isLogLevel(logLevel))
    throw new UsageError(`--log-level must be debug, info, warn or error, got ${logLevel}`);
  const node = String(values.node ?? env.NODE_NAME ?? hostname());
  if (node === '') throw new UsageError('--node must not be empty');
  return {
    file: String(values.standalone),
    node,
    netns: values.netns === undefined ? undefined : String(values.netns),
    once: values.once === true,
    metricsPort: intOption(
      '--metrics-port',
      String(values['metrics-port'] ?? env.METRICS_PORT ?? '7472'),
      0,
      65535,
    ),
    logLevel,
    resyncSeconds: intOption('--resync', String(values.resync ?? env.RESYNC_SECONDS ?? '30'), 0, 86400),
  };
}

/** Why a --once run did not fully succeed, or undefined when it did. */
export function onceProblems(s: ReconcileSummary): string | undefined {
  const problems: string[] = [];
  if (s.failure !== undefined) problems.push(`the reconcile failed: ${s.failure}`);
  if (s.failedOps > 0) problems.push(`${s.failedOps} operation(s) failed`);
  if (s.invalidConfig.length > 0) problems.push(`invalid configuration: ${s.invalidConfig.join('; ')}`);
  return problems.length === 0 ? undefined : problems.join('; ');
}

async function run(o: Options, log: Logger): Promise<number> {
  const nl = await Netlink.open(o.netns === undefined ? {} : { netns: o.netns });
  const source = new StandaloneSource(o.file, log);
  const metrics = new AgentMetrics();
  const reconciler = new Reconciler({
    node: o.node,
    source,
    readNetwork: () => readNetwork(nl),
    apply: (plan, network) => applyPlan(nl, plan, network, log),
    log,
    standalone: true,
    resyncMs: o.resyncSeconds * 1000,
    onSummary: (s) => metrics.record(s),
  });
  log.info('purelb-agent starting', { node: o.node, file: o.file, netns: o.netns, once: o.once });

  if (o.once) {
    try {
      await source.start(() => {});
      const summary = await reconciler.reconcileOnce();
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

  const watch = watchNetwork(nl, (why) => reconciler.markDirty(why), log);
  await source.start(() => reconciler.markDirty('manifest change'));
  const http = await serveHttp(o.metricsPort, metrics.registry, () => reconciler.runs > 0);
  log.info('serving /metrics, /healthz and /readyz', { port: http.port });
  reconciler.startResync();
  reconciler.markDirty('start-up');

  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info('shutting down: withdrawing local addresses', { reason: signal });
      (async () => {
        watch.close();
        await source.stop();
        const results = await reconciler.withdrawLocal();
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
