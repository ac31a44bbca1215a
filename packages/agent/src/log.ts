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

export function createLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = (line) => process.stderr.write(line),
  now: () => Date = () => new Date(),
): Logger {
  const emit = (lvl: LogLevel, msg: string, fields?: LogFields): void => {
    if (lvl !== 'error' && RANK[lvl] < RANK[level]) return;
    write(`${JSON.stringify({ ts: now().toISOString(), level: lvl, msg, ...fields }, replacer)}\n`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}
