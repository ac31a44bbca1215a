// Contender: iproute2's `ip`, driven from a Node process inside the namespace so that every timing
// is the wall time around one `ip` process, start-up included (what a program shelling out pays).
//   batch <file>          `ip -batch FILE`                                  -> ok <ns>
//   ipjson <4|6> <table>  `ip -json route show` + JSON.parse into objects   -> ok <ns> <routes>
//   iptext <4|6> <table>  `ip route show`, output read and split into lines -> ok <ns> <routes>
import { spawn } from 'node:child_process';
import { parseFamily } from './addresses.ts';
import { elapsedSince, intArg, serve } from './protocol.ts';

/** Runs `ip ARGS`, resolving to its whole stdout; rejects with its stderr when it fails. */
function ip(args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`ip ${args.join(' ')} exited ${code}: ${Buffer.concat(err).toString().trim()}`));
    });
  });
}

function routeArgs(args: string[]): string[] {
  const family = parseFamily(args[0]);
  const table = intArg(args, 1, 'table');
  return [`-${family}`, 'route', 'show', 'table', String(table)];
}

serve('ip-tools', {
  batch: async ([file]) => {
    if (!file) throw new Error('batch needs a file');
    const t0 = process.hrtime.bigint();
    await ip(['-batch', file]);
    return [elapsedSince(t0)];
  },
  ipjson: async (args) => {
    const argv = ['-json', ...routeArgs(args)];
    const t0 = process.hrtime.bigint();
    const routes = JSON.parse((await ip(argv)).toString('utf8')) as unknown[];
    return [elapsedSince(t0), routes.length];
  },
  iptext: async (args) => {
    const argv = routeArgs(args);
    const t0 = process.hrtime.bigint();
    const text = (await ip(argv)).toString('utf8');
    const lines = text.split('\n');
    return [elapsedSince(t0), lines.length - (lines.at(-1) === '' ? 1 : 0)];
  },
});
