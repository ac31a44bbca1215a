// The cluster-wide commands: read the cluster once (read.ts), decide (view.ts, address.ts and each
// command's report), print a table or JSON. Exit status: 0 answered, 1 the question names what the
// cluster does not have (an unknown IP, no such node), 2 could not look (one line on stderr).
import type { CommandIO } from '../diagnose/command.ts';
import { electionReport, renderElection } from './election.ts';
import {
  CannotLook,
  NotInCluster,
  parseViewOptions,
  VIEW_USAGE,
  type ViewCommand,
  type ViewOptions,
} from './options.ts';
import { poolsReport, renderPools } from './pools.ts';
import { readCluster } from './read.ts';
import { renderServices, servicesReport } from './services.ts';
import { renderStatus, statusReport } from './status.ts';
import { buildView, type ClusterView } from './view.ts';

export { VIEW_COMMANDS, type ViewCommand } from './options.ts';

export const EXIT_ANSWERED = 0;
export const EXIT_NOT_IN_CLUSTER = 1;
export const EXIT_CANNOT_LOOK = 2;

function answer(o: ViewOptions, view: ClusterView): string {
  switch (o.command) {
    case 'status':
      return renderStatus(statusReport(view), o.output);
    case 'pools':
      return renderPools(poolsReport(view), o.output);
    case 'services':
      return renderServices(servicesReport(view), o.output);
    case 'election':
      return renderElection(electionReport(view, o.ip ?? '', o.drain), o.output);
  }
}

export async function clusterViewCommand(
  command: ViewCommand,
  argv: string[],
  io: CommandIO,
): Promise<number> {
  try {
    const o = parseViewOptions(command, argv, io.env);
    if (o === 'help') {
      io.stdout(`${VIEW_USAGE[command]}\n`);
      return EXIT_ANSWERED;
    }
    const view = buildView(await readCluster(o, io.env, io.now));
    io.stdout(answer(o, view));
    return EXIT_ANSWERED;
  } catch (err) {
    if (err instanceof NotInCluster) {
      io.stderr(`purelb ${command}: ${err.message}\n`);
      return EXIT_NOT_IN_CLUSTER;
    }
    if (!(err instanceof CannotLook)) throw err;
    io.stderr(`purelb ${command}: ${err.message.replace(/\s*\n\s*/g, ' ')}\n`);
    return EXIT_CANNOT_LOOK;
  }
}
