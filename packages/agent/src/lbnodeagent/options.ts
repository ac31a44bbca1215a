// `purelb-agent` (the node agent) flags, and the environment the DaemonSet sets. A bad flag is a
// UsageError: the command prints it with the usage and exits 2, having started nothing.
import { hostname } from 'node:os';
import { MAX_LEASE_DURATION_SECONDS } from '@purelb-ts/core';
import { logLevelFlag, metricsAddressesFlag, namespaceFlag, parseFlags, wholeNumber } from '../flags.ts';

export const LBNODEAGENT_USAGE = `usage: purelb-agent --standalone FILE [options]
       purelb-agent [--kubeconfig FILE] [options]      (Kubernetes; in-cluster config without --kubeconfig)
       purelb-agent allocator [options]                (the address allocator: purelb-agent allocator --help)
  --standalone FILE     read Services, EndpointSlices, ServiceGroups and LBNodeAgents from a YAML file and watch it
  --kubeconfig FILE     talk to the API server of this kubeconfig instead of the in-cluster service account
  --namespace NS        PureLB's namespace: ServiceGroups, LBNodeAgents, Leases ($POD_NAMESPACE, default purelb)
  --lease-duration S    election Lease duration in seconds, 2 to 60 ($LEASE_DURATION, default 10)
  --fence RULE          when this node cannot renew its Lease: evidence (default, $FENCE) keeps its local
                        addresses and lets one go the moment another host announces it on the segment;
                        silence withdraws them all before the Lease lapses (upstream PureLB's rule)
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
                        0 = claim without asking, as upstream PureLB)
  --carrier-hold S      an interface whose carrier came back takes local addresses again only after it has
                        held carrier this long (default 10, $CARRIER_HOLD_SECONDS; a loss counts at once)`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface LbnodeagentOptions {
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
  carrierHoldSeconds: number;
  fence: 'evidence' | 'silence';
}

export function parseLbnodeagentOptions(argv: string[], env: NodeJS.ProcessEnv): LbnodeagentOptions {
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
      'carrier-hold': { type: 'string' },
      fence: { type: 'string' },
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
  const fence = String(values.fence ?? env.FENCE ?? 'evidence');
  if (fence !== 'evidence' && fence !== 'silence') {
    throw new UsageError(`--fence must be evidence or silence, got ${JSON.stringify(fence)}`);
  }
  return {
    fence,
    mode,
    file: values.standalone === undefined ? undefined : String(values.standalone),
    kubeconfig: values.kubeconfig === undefined ? undefined : String(values.kubeconfig),
    namespace,
    leaseDurationSeconds: wholeNumber(
      '--lease-duration',
      String(values['lease-duration'] ?? env.LEASE_DURATION ?? '10'),
      2,
      MAX_LEASE_DURATION_SECONDS,
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
    carrierHoldSeconds: wholeNumber(
      '--carrier-hold',
      String(values['carrier-hold'] ?? env.CARRIER_HOLD_SECONDS ?? '10'),
      0,
      3600,
      UsageError,
    ),
  };
}
