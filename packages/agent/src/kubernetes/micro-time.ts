// Kubernetes MicroTime as the API server parses it: RFC 3339 UTC with exactly six fractional digits.
// A JavaScript Date only knows milliseconds, and toISOString writes three digits, which the API
// server answers with 400; so the text is built here, microseconds from the fractional millisecond.

/** `2026-11-26T02:35:42.123456Z` for a time in milliseconds since the epoch (fractions kept). */
export function formatMicroTime(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`cannot format ${ms} as a MicroTime`);
  const wholeMs = Math.floor(ms);
  const micros = Math.min(999, Math.round((ms - wholeMs) * 1000));
  const iso = new Date(wholeMs).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
}
