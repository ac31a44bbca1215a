// Problems a reconcile finds are logged when they first appear, not at every run (a resync every 30 s
// would repeat each one forever); one that clears and comes back is logged again.
import type { LogFields, Logger } from '../log.ts';

export class ReportedOnce {
  readonly #log: Logger;
  #seen = new Set<string>();
  #next = new Set<string>();

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Starts a run's report: what is not reported again by end() is forgotten. */
  begin(): void {
    this.#next = new Set();
  }

  end(): void {
    this.#seen = this.#next;
  }

  error(msg: string, fields: LogFields): void {
    this.#emit('error', msg, fields);
  }

  warn(msg: string, fields: LogFields): void {
    this.#emit('warn', msg, fields);
  }

  debug(msg: string, fields: LogFields): void {
    this.#emit('debug', msg, fields);
  }

  #emit(level: 'error' | 'warn' | 'debug', msg: string, fields: LogFields): void {
    const key = `${level}\u0000${msg}\u0000${JSON.stringify(fields)}`;
    this.#next.add(key);
    if (!this.#seen.has(key)) this.#log[level](msg, fields);
  }
}
