// The agent's side of core's handoffWaits: remembers since when this node waits for each address's
// old holder to let go, takes the waiting addresses out of the desired state (so they are neither
// added nor kept), logs each wait once, and wakes a run when the earliest wait gives up. The release
// itself (the old holder's slot going away) arrives as a Service change, which runs the reconciler.
import {
  type DesiredState,
  type HandoffWait,
  handoffWaits,
  type Member,
  type NodeService,
} from '@purelb-ts/core';
import type { Logger } from '../log.ts';

export interface HandoffOutcome {
  desired: DesiredState;
  /** Addresses this node waited for and may take now that their holder let go: holder by IP. */
  released: Map<string, string>;
  /** Addresses whose holder did not let go in time: to be claimed as first claims (probed). */
  overdue: Set<string>;
}

export class HandoffGate {
  readonly #node: string;
  readonly #timeoutMs: number;
  readonly #log: Logger;
  readonly #wake: () => void;
  #since = new Map<string, HandoffWait>();
  /** The waits that gave up (logged once each). */
  #gaveUp = new Set<string>();
  #timer: NodeJS.Timeout | undefined;

  constructor(node: string, timeoutMs: number, log: Logger, wake: () => void) {
    this.#node = node;
    this.#timeoutMs = timeoutMs;
    this.#log = log;
    this.#wake = wake;
  }

  /** The desired state without the local addresses another live node has not let go of yet. */
  judge(desired: DesiredState, services: readonly NodeService[], members: readonly Member[], now: number) {
    const verdict = handoffWaits({
      node: this.#node,
      placements: desired.placements,
      services,
      live: new Set(members.map((m) => m.node)),
      waitingSince: new Map([...this.#since].map(([ip, w]) => [ip, w.since])),
      now,
      timeoutMs: this.#timeoutMs,
    });
    const released = new Map<string, string>();
    for (const [ip, w] of this.#since) {
      if (verdict.waits.has(ip) || verdict.overdue.has(ip)) continue;
      released.set(ip, w.holder);
    }
    for (const w of verdict.waits.values()) if (!this.#since.has(w.ip)) this.#logWait(w);
    for (const w of verdict.overdue.values()) if (!this.#gaveUp.has(w.ip)) this.#logOverdue(w);
    this.#gaveUp = new Set(verdict.overdue.keys());
    // Overdue ones stay remembered, so a later run does not start waiting for them all over again.
    this.#since = new Map([...verdict.waits, ...verdict.overdue]);
    this.#armTimer(now);
    const waiting = verdict.waits;
    const out: HandoffOutcome = {
      desired:
        waiting.size === 0
          ? desired
          : {
              ...desired,
              placements: desired.placements.filter((p) => p.kind !== 'local' || !waiting.has(p.ip)),
            },
      released,
      overdue: new Set(verdict.overdue.keys()),
    };
    return out;
  }

  #logWait(w: HandoffWait): void {
    this.#log.info(`waiting for node ${w.holder} to let go of ${w.ip} before taking it`, {
      ip: w.ip,
      reason: `node ${w.holder} is live and still announces it (purelb.io/announcing annotation); two holders would answer ARP at once`,
    });
  }

  #logOverdue(w: HandoffWait): void {
    this.#log.warn(`node ${w.holder} did not let go of ${w.ip} in time: claiming it as a first claim`, {
      ip: w.ip,
      reason: `waited ${this.#timeoutMs} ms; the segment is asked first, and an answer holds the address back as a conflict`,
    });
  }

  #armTimer(now: number): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const pending = [...this.#since.values()].filter((w) => w.until > now);
    if (pending.length === 0) return;
    const until = Math.min(...pending.map((w) => w.until));
    this.#timer = setTimeout(this.#wake, Math.max(0, until - now) + 5);
    this.#timer.unref();
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}
