// `purelb diagnose`: read the expectations and the kernel, build the report, print it, and give the exit
// status: 0 healthy, 1 findings, 2 could not look (with one line on stderr saying why).
import { readExpectations } from './expectations.ts';
import { readKernel } from './kernel.ts';
import { CannotLook, DIAGNOSE_USAGE, parseDiagnoseOptions } from './options.ts';
import { renderJson } from './render-json.ts';
import { renderTable } from './render-table.ts';
import { buildReport } from './report.ts';

export const EXIT_HEALTHY = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_CANNOT_LOOK = 2;

export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  now: () => number;
}

export async function diagnoseCommand(argv: string[], io: CommandIO): Promise<number> {
  try {
    const o = parseDiagnoseOptions(argv, io.env);
    if (o === 'help') {
      io.stdout(`${DIAGNOSE_USAGE}\n`);
      return EXIT_HEALTHY;
    }
    // The kernel first: a missing namespace is reported without waiting on an API server.
    const network = await readKernel(o.netns);
    const { state, from } = await readExpectations(o);
    const report = buildReport({
      node: o.node,
      mode: o.source.kind,
      source: from,
      netns: o.netns,
      state,
      network,
      now: io.now(),
    });
    io.stdout(o.output === 'json' ? renderJson(report) : renderTable(report));
    return report.exitCode === 0 ? EXIT_HEALTHY : EXIT_FINDINGS;
  } catch (err) {
    if (!(err instanceof CannotLook)) throw err;
    io.stderr(`purelb diagnose: ${err.message.replace(/\s*\n\s*/g, ' ')}\n`);
    return EXIT_CANNOT_LOOK;
  }
}
