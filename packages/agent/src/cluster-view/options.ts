// Flags of the cluster-wide commands (`purelb status|pools|services|election`). A bad flag is a
// CannotLook (exit 2), as for `purelb diagnose`: the command never guesses what was meant.
import { parseArgs } from 'node:util';
import { CannotLook } from '../diagnose/options.ts';
import { namespaceFlag, wholeNumber } from '../flags.ts';

export { CannotLook };

/** The question names something the cluster does not have (an unknown IP, no such node): exit 1. */
export class NotInCluster extends Error {
  override name = 'NotInCluster';
}

export type ViewCommand = 'status' | 'pools' | 'services' | 'election';

export const VIEW_COMMANDS: readonly ViewCommand[] = ['status', 'pools', 'services', 'election'];

const COMMON = `  --kubeconfig FILE   the cluster's kubeconfig (default: $KUBECONFIG, else ~/.kube/config, else the
                      in-cluster service account)
  -n, --namespace NS  PureLB's namespace: ServiceGroups, LBNodeAgents, Leases ($POD_NAMESPACE, default purelb)
  -o, --output FMT    table (default) or json
  --timeout SECONDS   give up on an API server that does not answer (default 10)
  Exit status: 0 answered, 1 the cluster has no such IP or node, 2 could not look (flags, API server).`;

export const VIEW_USAGE: Record<ViewCommand, string> = {
  status: `usage: purelb status [options]
  Every node: whether its election Lease is live, the subnets it advertises (purelb.io/subnets), the
  LBNodeAgent that selects it, and the addresses it announces (the Services' purelb.io/announcing-*).
${COMMON}`,
  pools: `usage: purelb pools [options]
  Every ServiceGroup per address family: its size, the addresses Services hold and those still free.
${COMMON}`,
  services: `usage: purelb services [options]
  Every LoadBalancer Service: its addresses, their pool, which node announces each and why, or why not.
${COMMON}`,
  election: `usage: purelb election IP [--drain NODE] [options]
  Who wins the election for a local address, the candidates in order, and with --drain NODE who would
  win were NODE gone (its Lease lapsed, cordoned, drained).
  --drain NODE        also show the election without NODE
${COMMON}`,
};

export interface ViewOptions {
  command: ViewCommand;
  kubeconfig: string | undefined;
  namespace: string;
  output: 'table' | 'json';
  timeoutMs: number;
  /** election only: the address asked about and the node to drain. */
  ip?: string;
  drain?: string;
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        kubeconfig: { type: 'string' },
        namespace: { type: 'string', short: 'n' },
        output: { type: 'string', short: 'o' },
        timeout: { type: 'string' },
        drain: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new CannotLook((err as Error).message);
  }
}

/** The election's IP and --drain; none of the other commands takes either. */
function electionArgs(command: ViewCommand, positionals: string[], drain: string | undefined) {
  if (command !== 'election') {
    if (positionals.length > 0) throw new CannotLook(`unexpected argument ${JSON.stringify(positionals[0])}`);
    if (drain !== undefined) throw new CannotLook('--drain is an option of purelb election only');
    return {};
  }
  if (positionals.length !== 1) {
    throw new CannotLook(`purelb election takes one IP address, got ${positionals.length} arguments`);
  }
  if (drain === '') throw new CannotLook('--drain must name a node');
  return { ip: positionals[0], ...(drain === undefined ? {} : { drain }) };
}

/** The options, or 'help' when --help was asked for. Throws CannotLook naming the bad flag. */
export function parseViewOptions(
  command: ViewCommand,
  argv: string[],
  env: NodeJS.ProcessEnv,
): ViewOptions | 'help' {
  const { values, positionals } = parse(argv);
  if (values.help === true) return 'help';
  const output = values.output ?? 'table';
  if (output !== 'table' && output !== 'json') {
    throw new CannotLook(`-o/--output must be table or json, got ${JSON.stringify(output)}`);
  }
  const timeout = wholeNumber('--timeout', values.timeout ?? '10', 1, 300, CannotLook);
  return {
    command,
    kubeconfig: values.kubeconfig,
    namespace: namespaceFlag(values, env, CannotLook),
    output,
    timeoutMs: timeout * 1000,
    ...electionArgs(command, positionals, values.drain),
  };
}
