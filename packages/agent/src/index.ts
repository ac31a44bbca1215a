// @purelb-ts/agent: the node agent's pieces, for embedding and tests. The command is src/cli.ts
// (lbnodeagent/main.ts; `allocator` dispatches to allocator/main.ts).
export { type HttpEndpoints, serveHttp } from './http.ts';
export { AgentMetrics } from './lbnodeagent/metrics.ts';
export { Reconciler, type ReconcilerOptions } from './lbnodeagent/reconciler.ts';
export type { ReconcileSummary } from './lbnodeagent/summary.ts';
export { createLogger, isLogLevel, type LogFields, type Logger, type LogLevel } from './log.ts';
export { type Announce, announcer } from './network/announce.ts';
export { applyPlan, type OpResult, opFields, opSummary } from './network/apply-plan.ts';
export { readNetwork } from './network/read-network.ts';
export { type NetworkWatch, watchNetwork } from './network/watch.ts';
export { type ClusterState, emptyClusterState, type ObjectSource } from './sources/source.ts';
export { parseManifests, StandaloneSource } from './sources/standalone.ts';
