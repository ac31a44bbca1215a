// Kubernetes mode's pieces, built from one ClusterAccess: the informer source, the election Lease and
// the write-back. The runtime wires them to the reconciler (source → snapshot, lease.fenced →
// withdraw local addresses, writeback after each reconcile, lease.release() after the withdrawal
// at shutdown).
import { randomUUID } from 'node:crypto';
import { createLogger, type Logger } from '../log.ts';
import { ApiContact } from './api-contact.ts';
import { type ClusterAccess, inClusterAccess, kubeconfigAccess } from './client/access.ts';
import { Transport } from './client/transport.ts';
import { LeaseKeeper, type LeaseOptions, leaseName } from './lease.ts';
import { KubeRest } from './rest.ts';
import { KubernetesSource } from './source.ts';
import { Writeback, type WritebackOptions } from './writeback.ts';

export { ApiContact, type ContactProbe } from './api-contact.ts';
export { type ClusterAccess, inClusterAccess, kubeconfigAccess } from './client/access.ts';
export { Transport } from './client/transport.ts';
export {
  type LeaseHealth,
  LeaseKeeper,
  type LeaseOptions,
  type LeaseReports,
  leaseName,
} from './lease.ts';
export { formatMicroTime } from './micro-time.ts';
export { isStatus, KubeApiError, KubeRest, type PatchType } from './rest.ts';
export { KubernetesSource, type KubernetesSourceOptions, PURELB_API } from './source.ts';
export {
  REPORTING_CONTROLLER,
  type ServiceEvent,
  Writeback,
  type WritebackInput,
  type WritebackOptions,
} from './writeback.ts';

export interface KubernetesModeOptions {
  /** Path of a kubeconfig file; without it, the in-cluster service account is used. */
  kubeconfig?: string;
  /** Already-loaded access (tests, or a caller that loaded it itself); wins over `kubeconfig`. */
  access?: ClusterAccess;
  namespace: string;
  node: string;
  leaseDurationSeconds: number;
  /** The node's advertised subnets for its Lease (core's advertisedSubnets over the current network). */
  subnets: () => readonly string[];
  /** What the Lease reports besides the subnets (carrier-down, refused); read at each renewal. */
  reports?: LeaseOptions['reports'];
  /** Called with true when the Lease is about to lapse (withdraw local addresses), false when renewed. */
  onFence: (fenced: boolean) => void;
  /** purelb.io/instance: default env POD_UID, else a random id for this process. */
  instance?: string;
  logger?: Logger;
  /** Called when this agent is cut off from the API server (true) and back in contact (false). */
  onCutOff?: (cutOff: boolean) => void;
  /** Called when this node's write-back takes over an IP's announcing slot from another node. */
  onSlotSteal?: WritebackOptions['onSlotSteal'];
}

export interface KubernetesMode {
  access: ClusterAccess;
  rest: KubeRest;
  source: KubernetesSource;
  lease: LeaseKeeper;
  /** Whether the API server hears this node, as a clock Lease expiries are measured on. */
  contact: ApiContact;
  writeback: Writeback;
  /** Starts renewing the Lease (first renewal awaited; failure is in lease.health(), not thrown). */
  startLease(): Promise<void>;
  /** Stops informers and renewals without deleting the Lease (it lapses). */
  stop(): Promise<void>;
}

/** The access of --kubeconfig or the in-cluster service account; throws an error naming the problem. */
export function loadAccess(options: Pick<KubernetesModeOptions, 'kubeconfig' | 'access'>): ClusterAccess {
  if (options.access !== undefined) return options.access;
  return options.kubeconfig !== undefined ? kubeconfigAccess(options.kubeconfig) : inClusterAccess();
}

/** Builds Kubernetes mode from flags; throws an error naming the bad option, having started nothing. */
export function startKubernetesMode(options: KubernetesModeOptions): KubernetesMode {
  if (options.node === '') throw new Error('node name is empty (set --node or NODE_NAME)');
  if (options.namespace === '') throw new Error('namespace is empty (set --namespace or POD_NAMESPACE)');
  const logger = options.logger ?? createLogger();
  const access = loadAccess(options);
  // One connection pool for every request and watch of this agent.
  const transport = new Transport(access);
  const rest = new KubeRest(transport);
  const own = leaseName(options.node);
  // A renewal that never shows on the Lease watch: the watch is stalled; list and watch again.
  const contact: ApiContact = new ApiContact({
    onStale: () => {
      logger.warn("this node's Lease renewal did not come back on the Lease watch: watching again", {
        lease: own,
      });
      source.relist('Lease');
    },
    onCutOff: (cutOff) => {
      logger[cutOff ? 'warn' : 'info'](
        cutOff
          ? 'cut off from the API server: holding what this node holds, taking nothing new'
          : 'in contact with the API server again',
        { lease: own },
      );
      options.onCutOff?.(cutOff);
    },
  });
  const source: KubernetesSource = new KubernetesSource(rest, {
    namespace: options.namespace,
    node: options.node,
    logger,
    onObject: (kind, obj) => {
      if (kind === 'Lease' && obj.metadata?.name === own) contact.seen(obj.metadata?.resourceVersion);
    },
  });
  // A renewal must not outlive its period: a blackholed request would otherwise hold the next one.
  const period = options.leaseDurationSeconds > 0 ? (options.leaseDurationSeconds * 1000) / 2 : 1000;
  const leaseRest = new KubeRest(transport, { timeoutMs: period });
  const lease = new LeaseKeeper(leaseRest, {
    namespace: options.namespace,
    node: options.node,
    leaseDurationSeconds: options.leaseDurationSeconds,
    instance: options.instance ?? process.env.POD_UID ?? randomUUID(),
    subnets: options.subnets,
    ...(options.reports === undefined ? {} : { reports: options.reports }),
    onFence: options.onFence,
    logger,
    contact,
  });
  const writeback = new Writeback(rest, { node: options.node, logger, onSlotSteal: options.onSlotSteal });
  return {
    access,
    rest,
    source,
    lease,
    contact,
    writeback,
    startLease: () => lease.start(),
    stop: async () => {
      contact.close();
      await lease.stop();
      await source.stop();
      transport.close();
    },
  };
}
