// `purelb-agent allocator` flags (and the environment the Deployment sets). A bad flag is a
// UsageError: the command prints it with the usage and exits 2, having started nothing.
import { hostname } from 'node:os';
import { logLevelFlag, metricsAddressesFlag, namespaceFlag, parseFlags, wholeNumber } from '../flags.ts';
import type { LogLevel } from '../log.ts';

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
  --metrics-address A,B   addresses they listen on ($METRICS_ADDRESS; default $POD_IP, the pod's address, and
                          loopback; loopback alone without $POD_IP; 0.0.0.0 or :: = every address)
  --log-level LEVEL       debug | info | warn | error (default info, $LOG_LEVEL); errors are always logged
  --lease-duration S      leader Lease duration in seconds (default 15, $LEASE_DURATION)
  --resync SECONDS        periodic full pass over every Service (default 300, $RESYNC_SECONDS; 0 = off)`;

export interface AllocatorCliOptions {
  kubeconfig: string | undefined;
  namespace: string;
  defaultAnnouncer: boolean;
  metricsPort: number;
  metricsAddresses: string[];
  logLevel: LogLevel;
  leaseDurationSeconds: number;
  resyncSeconds: number;
  /** The leader-election identity: $POD_NAME, else the hostname (a random suffix is added at start). */
  identity: string;
}

/** The options, or 'help'. Throws UsageError naming the bad flag or value. */
export function parseAllocatorOptions(argv: string[], env: NodeJS.ProcessEnv): AllocatorCliOptions | 'help' {
  const values = parseFlags(
    argv,
    {
      kubeconfig: { type: 'string' },
      namespace: { type: 'string' },
      'default-announcer': { type: 'boolean' },
      'metrics-port': { type: 'string' },
      'metrics-address': { type: 'string' },
      'log-level': { type: 'string' },
      'lease-duration': { type: 'string' },
      resync: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    UsageError,
  );
  if (values.help === true) return 'help';
  const logLevel = logLevelFlag(values, env, UsageError);
  const namespace = namespaceFlag(values, env, UsageError);
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
    metricsPort: wholeNumber(
      '--metrics-port',
      String(values['metrics-port'] ?? env.METRICS_PORT ?? '7473'),
      0,
      65535,
      UsageError,
    ),
    // The pod's own address (downward API status.podIP), where the kubelet's probes arrive.
    metricsAddresses: metricsAddressesFlag(values, env, 'POD_IP', UsageError),
    logLevel,
    leaseDurationSeconds: wholeNumber(
      '--lease-duration',
      String(values['lease-duration'] ?? env.LEASE_DURATION ?? '15'),
      2,
      3600,
      UsageError,
    ),
    resyncSeconds: wholeNumber(
      '--resync',
      String(values.resync ?? env.RESYNC_SECONDS ?? '300'),
      0,
      86400,
      UsageError,
    ),
    identity: env.POD_NAME || hostname(),
  };
}
