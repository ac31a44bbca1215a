#!/usr/bin/env node
// purelb-agent: the node agent (lbnodeagent/) and, as `purelb-agent allocator`, the address allocator
// (allocator/): one command and one image for both.
//   node --conditions=purelb-source packages/agent/src/cli.ts --standalone FILE [--netns NAME] [--once]
import { nodeIsRecentEnough } from './node-version.ts';

const io = {
  stdout: (t: string) => process.stdout.write(t),
  stderr: (t: string) => process.stderr.write(t),
  env: process.env,
};

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'allocator') {
    // Each is loaded only when asked for.
    const { allocatorCommand } = await import('./allocator/main.ts');
    return allocatorCommand(argv.slice(1), io);
  }
  const { lbnodeagentCommand } = await import('./lbnodeagent/main.ts');
  return lbnodeagentCommand(argv, io);
}

process.exitCode = nodeIsRecentEnough('purelb-agent') ? await main(process.argv.slice(2)) : 1;
