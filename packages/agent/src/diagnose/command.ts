// `purelb diagnose`: read the expectations and the kernel, build the report, print it, and give the exit
// status: 0 healthy, 1 findings, 2 could not look (with one line on stderr saying why).

import { release } from 'node:os';
import { kernelDropsAddressProtocol } from '../network/kernel.ts';
import { localClaims } from '../network/probe-claims.ts';
import { readExpectations } from './expectations.ts';
import { ownershipFor } from './findings.ts';
import { type Kernel, readKernel } from './kernel.ts';
import { CannotLook, DIAGNOSE_USAGE, parseDiagnoseOptions } from './options.ts';
import { renderJson } from './render-json.ts';
import { renderTable } from './render-table.ts';
import { buildReport, decideForReport, type ReportInput } from './report.ts';

export const EXIT_HEALTHY = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_CANNOT_LOOK = 2;

export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  now: () => number;
}

/**
 * The report, after asking the kernel how it reaches the node's gateways and subnets and asking the
 * segment whether another host answers for the local addresses this node should hold but does not.
 */
async function diagnoseNode(kernel: Kernel, input: ReportInput) {
  const { desired } = decideForReport(input);
  const ownership = ownershipFor(input.labelFallback);
  const held = new Set(kernel.network.addresses.map((a) => a.address));
  const missing = localClaims(desired.placements.filter((p) => !held.has(p.ip)));
  const [probed, routeLookups] = await Promise.all([
    kernel.probe(missing),
    kernel.lookups(ownership, desired.dummyInterface),
  ]);
  return buildReport({ ...input, conflicts: probed.answered, routeLookups, unprobed: probed.unprobed });
}

export async function diagnoseCommand(argv: string[], io: CommandIO): Promise<number> {
  try {
    const o = parseDiagnoseOptions(argv, io.env);
    if (o === 'help') {
      io.stdout(`${DIAGNOSE_USAGE}\n`);
      return EXIT_HEALTHY;
    }
    // The kernel first: a missing namespace is reported without waiting on an API server.
    const kernel = await readKernel(o.netns);
    try {
      const { state, from } = await readExpectations(o);
      const report = await diagnoseNode(kernel, {
        node: o.node,
        mode: o.source.kind,
        source: from,
        netns: o.netns,
        state,
        network: kernel.network,
        now: io.now(),
        labelFallback: kernelDropsAddressProtocol(release()),
      });
      io.stdout(o.output === 'json' ? renderJson(report) : renderTable(report));
      return report.exitCode === 0 ? EXIT_HEALTHY : EXIT_FINDINGS;
    } finally {
      kernel.close();
    }
  } catch (err) {
    if (!(err instanceof CannotLook)) throw err;
    io.stderr(`purelb diagnose: ${err.message.replace(/\s*\n\s*/g, ' ')}\n`);
    return EXIT_CANNOT_LOOK;
  }
}
