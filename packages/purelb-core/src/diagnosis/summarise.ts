// One verdict for a list of findings, ready to become a process exit status.
import type { Finding, Severity } from './finding.ts';

export interface Summary {
  /** healthy: no error and no warning (info findings are context, not problems). */
  verdict: 'healthy' | 'findings';
  /** 0 when healthy, 1 otherwise. */
  exitCode: 0 | 1;
  counts: Record<Severity, number>;
}

export function summarise(findings: readonly Finding[]): Summary {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  const healthy = counts.error === 0 && counts.warning === 0;
  return { verdict: healthy ? 'healthy' : 'findings', exitCode: healthy ? 0 : 1, counts };
}
