// `purelb diagnose` flags. A bad flag is a CannotLook (exit 2): the command never guesses what was meant.
import { hostname } from 'node:os';
import { namespaceFlag, parseFlags, wholeNumber } from '../flags.ts';

/** The command could not look at the node or at what it should carry: exit status 2. */
export class CannotLook extends Error {
  override name = 'CannotLook';
}

export const DIAGNOSE_USAGE = `usage: purelb diagnose [--kubeconfig FILE | --standalone FILE] [options]
  Compares what this node should carry (Kubernetes, or a manifest file) with what its kernel has,
  prints one row per address and the findings with a fix for each.
  Exit status: 0 healthy, 1 findings (errors or warnings), 2 could not look.
  --standalone FILE   read Services, EndpointSlices, ServiceGroups, LBNodeAgents from a YAML file
  --kubeconfig FILE   read the cluster through this kubeconfig (default: the in-cluster service account)
  --namespace NS      PureLB's namespace: ServiceGroups, LBNodeAgents, Leases ($POD_NAMESPACE, default purelb)
  --node NAME         the node to diagnose (default: $NODE_NAME, else the hostname)
  --netns NAME        look inside the named network namespace (as 'ip netns' lists it)
  -o, --output FMT    table (default) or json
  --timeout SECONDS   give up on an API server that does not answer (default 10)`;

export type DiagnoseSource =
  | { kind: 'standalone'; file: string }
  | { kind: 'kubernetes'; kubeconfig?: string };

export interface DiagnoseOptions {
  source: DiagnoseSource;
  namespace: string;
  node: string;
  netns: string | undefined;
  output: 'table' | 'json';
  timeoutMs: number;
}

/** The options, or 'help' when --help was asked for. Throws CannotLook naming the bad flag. */
export function parseDiagnoseOptions(argv: string[], env: NodeJS.ProcessEnv): DiagnoseOptions | 'help' {
  const values = parseFlags(
    argv,
    {
      standalone: { type: 'string' },
      kubeconfig: { type: 'string' },
      namespace: { type: 'string' },
      node: { type: 'string' },
      netns: { type: 'string' },
      output: { type: 'string', short: 'o' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    CannotLook,
  );
  if (values.help === true) return 'help';
  if (values.standalone !== undefined && values.kubeconfig !== undefined) {
    throw new CannotLook('--standalone and --kubeconfig exclude each other');
  }
  const output = String(values.output ?? 'table');
  if (output !== 'table' && output !== 'json') {
    throw new CannotLook(`-o/--output must be table or json, got ${JSON.stringify(output)}`);
  }
  const node = String(values.node ?? env.NODE_NAME ?? hostname());
  if (node === '') throw new CannotLook('--node must not be empty');
  const namespace = namespaceFlag(values, env, CannotLook);
  const timeout = wholeNumber('--timeout', String(values.timeout ?? '10'), 1, 300, CannotLook);
  const source: DiagnoseSource =
    values.standalone !== undefined
      ? { kind: 'standalone', file: String(values.standalone) }
      : values.kubeconfig !== undefined
        ? { kind: 'kubernetes', kubeconfig: String(values.kubeconfig) }
        : { kind: 'kubernetes' };
  return {
    source,
    namespace,
    node,
    netns: values.netns === undefined ? undefined : String(values.netns),
    output,
    timeoutMs: timeout * 1000,
  };
}
