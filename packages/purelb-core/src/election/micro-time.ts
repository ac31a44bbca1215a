// Kubernetes MicroTime (RFC 3339). The API server writes exactly six fractional digits, but leases
// written by other clients may carry none or up to nine, so parsing accepts 0-9.

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * Milliseconds since the epoch (fractions of a millisecond kept, to microseconds), or an error message
 * naming the bad text.
 */
export function parseMicroTime(text: string): number | string {
  const m = RFC3339.exec(text);
  if (m === null) return `"${text}" is not an RFC 3339 time (expected e.g. 2026-11-26T02:35:42.123456Z)`;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12) return `"${text}": month ${month} is out of range`;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return `"${text}": day ${day} is out of range`;
  // Second 60 is a leap second; Date.UTC rolls it into the next minute, which is the instant meant.
  if (hour > 23 || minute > 59 || second > 60) return `"${text}": time of day is out of range`;
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return `"${text}": UTC offset is out of range`;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const micros = Number((m[7] ?? '').padEnd(6, '0').slice(0, 6));
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, 0);
  return utc.getTime() - offsetMinutes * 60_000 + micros / 1000;
}
