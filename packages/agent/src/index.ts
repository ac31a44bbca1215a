// @purelb-ts/agent: the node agent's pieces, for embedding and tests. The command is src/cli.ts.
export { type HttpEndpoints, serveHttp } from './http.ts';
export { createLogger, isLogLevel, type LogFields, type Logger, type LogLevel } from './log.ts';
export { AgentMetrics } from './metrics.ts';
export { type Announce, announcer } from './network/announce.ts';
export { applyPlan, type OpResult, opFields, opSummary } from './network/apply-plan.ts';
export { readNetwork } from './network/read-network.ts';
export { type NetworkWatch, watchNetwork } from './network/watch.ts';
export { Reconciler, type ReconcilerOptions, type ReconcileSummary } from './reconciler.ts';
export { type ClusterState, emptyClusterState, type ObjectSource } from './sources/source.ts';
export { parseManifests, StandaloneSource } from './sources/standalone.ts';
