// What one reconcile did and found, as the metrics, the write-back and --once read it.
import type { DesiredState, Finding, InvalidConfig, RejectedObject } from '@purelb-ts/core';
import type { InvalidObject } from '../kubernetes/writeback.ts';
import type { OpResult } from '../network/apply-plan.ts';
import type { ConflictRecord } from '../network/conflicts.ts';
import type { ClusterState } from '../sources/source.ts';

export interface ReconcileSummary {
  /** Milliseconds the run took. */
  durationMs: number;
  placements: DesiredState['placements'];
  ops: OpResult[];
  failedOps: number;
  /** ServiceGroups / LBNodeAgents that are invalid (each logged with its field path), as log lines. */
  invalidConfig: string[];
  /** The same, as the objects they are about (for events regarding them). */
  invalidObjects: InvalidObject[];
  /** Objects left out because they are malformed (each logged with its field paths). */
  rejected: RejectedObject[];
  /** Configuration accepted but probably not as meant. */
  warnings: Finding[];
  /** Addresses another host answered for, with when each may be claimed again. */
  conflicts: [string, ConflictRecord][];
  /** Error skips of the desired state (e.g. an ambiguous default route). */
  errorSkips: DesiredState['skips'];
  /** Set when the run itself failed (reading the network, planning). */
  failure?: string;
  /** The desired state and the (checked) snapshot it came from (absent when the run failed before deciding). */
  desired?: DesiredState;
  state?: ClusterState;
  /** true when local placements were dropped because this node is fenced (its Lease may lapse). */
  fenced: boolean;
  /** How the election for local addresses moved since the previous run (absent when the run failed). */
  election?: ElectionChanges;
}

/** Local-address election transitions between two successive desired states, by IP. */
export interface ElectionChanges {
  /** This node wins these now and did not at the previous run. */
  wins: string[];
  /** This node won these at the previous run; they are still wanted, but another node (or none) wins. */
  losses: string[];
  /** The known winner of these differs from the last known winner. */
  winnerChanges: string[];
}

export function invalidObject(c: InvalidConfig): InvalidObject {
  return {
    kind: c.kind,
    namespace: c.object.metadata?.namespace ?? '',
    name: String(c.object.metadata?.name),
    uid: c.object.metadata?.uid,
    resourceVersion: c.object.metadata?.resourceVersion,
    field: c.errors[0]?.path,
    reason: c.reason,
    inForce: c.inForce.kind,
  };
}

export type { InvalidObject };
