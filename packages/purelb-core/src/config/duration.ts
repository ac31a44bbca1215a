// Go duration strings ("100ms", "1.5s", "1m30s"), as LBNodeAgent garpConfig writes them.

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** Milliseconds, or an error message. Negative durations are refused: no delay can be negative. */
export function parseGoDuration(text: string): number | string {
  if (text === '0') return 0;
  if (text === '') return 'a duration must not be empty (e.g. "100ms")';
  if (text.startsWith('-')) return `"${text}" is negative`;
  const body = text.startsWith('+') ? text.slice(1) : text;
  let ms = 0;
  PART.lastIndex = 0;
  let consumed = 0;
  while (consumed < body.length) {
    const m = PART.exec(body);
    if (m === null) return `"${text}" is not a duration (e.g. "100ms", "1.5s", "1m30s")`;
    ms += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    consumed = PART.lastIndex;
  }
  if (body.length === 0) return `"${text}" is not a duration (e.g. "100ms", "1.5s", "1m30s")`;
  return ms;
}
