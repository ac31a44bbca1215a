// `purelb-agent allocator` flags (and the environment the Deployment sets). A bad flag is a
// UsageError: the command prints it with the usage and exits 2, having started nothing.
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { isLogLevel, type LogLevel } from '../log.ts';

export class UsageError extends Error {
  override name = 'UsageError';
}

export const ALLOCATOR_USAGE = `usage: purelb-agent allocator [--kubeconfig FILE] [options]
  Assigns addresses from ServiceGroup pools to LoadBalancer Services of class purelb.io/purelbv2.
  --kubeconfig FILE       talk to the API server of this kubeconfig instead of the in-cluster service account
  --namespace NS          PureLB's namespace: ServiceGroups and the leader Lease ($POD_NAMESPACE, default purelb)
  --default-announcer     also serve LoadBalancer Services without spec.loadBalancerClass
                          ($DEFAULT_ANNOUNCER=PureLB does the same)
  --metrics-port N        port for /metrics, /healthz, /readyz (default 7473, $METRICS_PORT; 0 = any free port)
  --log-level LEVEL       debug | info | warn | error (default info, $LOG_LEVEL); errors are always logged
  --lease-duration S      leader Lease duration in seconds (default 15, $LEASE_DURATION)
  --resync SECONDS        periodic full pass over every Service (default 300, $RESYNC_SECONDS; 0 = off)`;

export interface AllocatorCliOptions {
  kubeconfig: string | undefined;
  namespace: string;
  defaultAnnouncer: boolean;
  metricsPort: number;
  logLevel: LogLevel;
  leaseDurationSeconds: number;
  resyncSeconds: number;
  /** The leader-election identity: $POD_NAME, else the hostname (a random suffix is added at start). */
  identity: string;
}

function whole(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) {
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return n;
}

/** The options, or 'help'. Throws UsageError naming the bad flag or value. */
export function parseAllocatorOptions(argv: string[], env: NodeJS.ProcessEnv): AllocatorCliOptions | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        kubeconfig: { type: 'string' },
        namespace: { type: 'string' },
        'default-announcer': { type: 'boolean' },
        'metrics-port': { type: 'string' },
        'log-level': { type: 'string' },
        'lease-duration': { type: 'string' },
        resync: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help === true) return 'help';
  const logLevel = String(values['log-level'] ?? env.LOG_LEVEL ?? 'info');
  if (!isLogLevel(logLevel)) {
    throw new UsageError(`--log-level must be debug, info, warn or error, got ${JSON.stringify(logLevel)}`);
  }
  const namespace = String(values.namespace ?? env.POD_NAMESPACE ?? 'purelb');
  if (namespace === '') throw new UsageError('--namespace must not be empty');
  const announcerEnv = env.DEFAULT_ANNOUNCER ?? '';
  if (announcerEnv !== '' && announcerEnv !== 'PureLB') {
    throw new UsageError(
      `DEFAULT_ANNOUNCER must be PureLB or empty (another announcer serves class-less Services), got ${JSON.stringify(announcerEnv)}`,
    );
  }
  return {
    kubeconfig: values.kubeconfig === undefined ? undefined : String(values.kubeconfig),
    namespace,
    defaultAnnouncer: values['default-announcer'] === true || announcerEnv === 'PureLB',
    metricsPort: whole(
      '--metrics-port',
      String(values['metrics-port'] ?? env.METRICS_PORT ?? '7473'),
      0,
      65535,
    ),
    logLevel,
    leaseDurationSeconds: whole(
      '--lease-duration',
      String(values['lease-duration'] ?? env.LEASE_DURATION ?? '15'),
      2,
      3600,
    ),
    resyncSeconds: whole('--resync', String(values.resync ?? env.RESYNC_SECONDS ?? '300'), 0, 86400),
    identity: env.POD_NAME || hostname(),
  };
}
