// `purelb-agent allocator`: one process that assigns ServiceGroup addresses to LoadBalancer
// Services (see controller.ts), serves /metrics, /healthz and /readyz on its own port, and on
// SIGTERM/SIGINT hands the leader Lease back so a standby takes over at once.
import { serveHttp } from '../http.ts';
import { loadAccess } from '../kubernetes/index.ts';
import { createLogger, type Logger } from '../log.ts';
import { AllocatorController } from './controller.ts';
import { AllocatorMetrics } from './metrics.ts';
import { ALLOCATOR_USAGE, type AllocatorCliOptions, parseAllocatorOptions, UsageError } from './options.ts';

export interface AllocatorIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

async function run(o: AllocatorCliOptions, log: Logger): Promise<number> {
  const access = loadAccess(o.kubeconfig === undefined ? {} : { kubeconfig: o.kubeconfig });
  const metrics = new AllocatorMetrics();
  const controller = new AllocatorController({
    access,
    namespace: o.namespace,
    defaultAnnouncer: o.defaultAnnouncer,
    logger: log,
    metrics,
    identity: o.identity,
    leaseDurationSeconds: o.leaseDurationSeconds,
    resyncMs: o.resyncSeconds * 1000,
  });
  const http = await serveHttp(
    o.metricsPort,
    metrics.registry,
    () => controller.synced(),
    o.metricsAddresses,
  );
  log.info('purelb allocator starting', {
    namespace: o.namespace,
    defaultAnnouncer: o.defaultAnnouncer,
    port: http.port,
    addresses: http.addresses,
  });
  const stopped = new Promise<number>((resolve) => {
    const shutdown = (signal: string) => {
      log.info('allocator shutting down: handing the leader lease back', { reason: signal });
      controller
        .stop()
        .then(() => http.close())
        .then(
          () => resolve(0),
          (err: unknown) => {
            log.error('allocator shutdown failed', { reason: err });
            resolve(1);
          },
        );
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
  // Not awaited: a SIGTERM while the caches are still filling must still stop the process.
  controller.start().catch((err: unknown) => log.error('allocator start failed', { reason: err }));
  return stopped;
}

/** Runs the allocator command; resolves with the exit status (2: usage error). */
export async function allocatorCommand(argv: string[], io: AllocatorIo): Promise<number> {
  let o: AllocatorCliOptions | 'help';
  try {
    o = parseAllocatorOptions(argv, io.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`purelb-agent allocator: ${err.message}\n${ALLOCATOR_USAGE}\n`);
    return 2;
  }
  if (o === 'help') {
    io.stdout(`${ALLOCATOR_USAGE}\n`);
    return 0;
  }
  const log = createLogger(o.logLevel);
  try {
    return await run(o, log);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.error('purelb allocator failed', { reason: message });
    io.stderr(`purelb-agent allocator: ${message}\n`);
    return 1;
  }
}
