// `-o json`: the report as one JSON document (shape: Report in report.ts, documented in
// docs/troubleshooting.md). Keys keep their order so diffs between two runs stay readable.
import type { Report } from './report.ts';

export const renderJson = (report: Report): string => `${JSON.stringify(report, null, 2)}\n`;
