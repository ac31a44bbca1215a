#!/usr/bin/env node
// purelb: the operator's command, shipped next to the node agent (`kubectl exec … -- purelb diagnose`).
// Also the kubectl plugin `kubectl-purelb` (the same program): `kubectl purelb status`.
import { nodeIsRecentEnough } from './node-version.ts';

// Loaded after the Node version check: on an older Node its imports would fail to link.
const { diagnoseCommand, EXIT_CANNOT_LOOK } = nodeIsRecentEnough('purelb')
  ? await import('./diagnose/command.ts')
  : process.exit(1);
const { clusterViewCommand, VIEW_COMMANDS } = await import('./cluster-view/command.ts');

const USAGE = `usage: purelb COMMAND [options]
  diagnose   compare what this node should carry with what its kernel has; findings with fixes
             (purelb diagnose --help for its options)
  status     every node: its election Lease, subnets, LBNodeAgent and the addresses it announces
  pools      every ServiceGroup per family: size, used, free
  services   every LoadBalancer Service: address, pool, who announces it and why (or why nobody)
  election IP [--drain NODE]
             who wins IP, the candidates in order, and who would win with NODE drained
  (purelb COMMAND --help for each command's options; as a kubectl plugin: kubectl purelb COMMAND)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    process.stderr.write(`purelb: no command given\n${USAGE}\n`);
    return EXIT_CANNOT_LOOK;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command === 'diagnose') {
    return diagnoseCommand(rest, {
      stdout: (t) => process.stdout.write(t),
      stderr: (t) => process.stderr.write(t),
      env: process.env,
      now: Date.now,
    });
  }
  const view = VIEW_COMMANDS.find((c) => c === command);
  if (view !== undefined) {
    return clusterViewCommand(view, rest, {
      stdout: (t) => process.stdout.write(t),
      stderr: (t) => process.stderr.write(t),
      env: process.env,
      now: Date.now,
    });
  }
  process.stderr.write(`purelb: unknown command ${JSON.stringify(command)}\n${USAGE}\n`);
  return EXIT_CANNOT_LOOK;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  // A bug, not a finding: say so on one line and exit 2 (the node was not diagnosed).
  process.stderr.write(
    `purelb: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = EXIT_CANNOT_LOOK;
}
