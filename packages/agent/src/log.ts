// JSON-lines logging: one object per line (ts, level, msg, then the fields an operator filters on:
// service, ip, interface, reason). Errors are always written, whatever the level.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export const isLogLevel = (v: string): v is LogLevel => v in RANK;

/** Serialises values JSON cannot carry as is (bigint, Error, Infinity) into readable text. */
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return value.message;
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

/**
 * Log bytes the writer may hold, not yet taken by the reader, before debug and info lines are dropped:
 * a burst (10k addresses placed at start) into a slow log reader must not grow the agent's memory
 * without bound. Warnings and errors are always written; the drops are counted in a warning line.
 */
export const MAX_PENDING_LOG_BYTES = 256 * 1024;

export interface LogSink {
  write: (line: string) => void;
  /** Bytes written but not yet taken by the reader (stderr's writableLength). */
  pending: () => number;
}

const stderrSink: LogSink = {
  write: (line) => process.stderr.write(line),
  pending: () => process.stderr.writableLength,
};

export function createLogger(
  level: LogLevel = 'info',
  write: ((line: string) => void) | LogSink = stderrSink,
  now: () => Date = () => new Date(),
): Logger {
  const sink: LogSink = typeof write === 'function' ? { write, pending: () => 0 } : write;
  let dropped = 0;
  const line = (lvl: LogLevel, msg: string, fields?: LogFields) =>
    `${JSON.stringify({ ts: now().toISOString(), level: lvl, msg, ...fields }, replacer)}\n`;
  const emit = (lvl: LogLevel, msg: string, fields?: LogFields): void => {
    if (lvl !== 'error' && RANK[lvl] < RANK[level]) return;
    if (RANK[lvl] < RANK.warn && sink.pending() > MAX_PENDING_LOG_BYTES) {
      dropped++;
      return;
    }
    if (dropped > 0) {
      const reason = `the log reader fell ${MAX_PENDING_LOG_BYTES} bytes behind`;
      sink.write(line('warn', 'log lines dropped', { dropped, reason }));
      dropped = 0;
    }
    sink.write(line(lvl, msg, fields));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}
