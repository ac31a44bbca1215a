// How the bench runs the agent: as the image does, the compiled dist/cli.js with the node flags of
// deploy/image/node-flags, after making sure dist/ is not older than the sources (else `npm run build`).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_ROOT } from '../test/support/agent-process.ts';

/** The image's default node flags file (deploy/image/node-run.sh reads the same one). */
export const NODE_FLAGS_FILE = join(AGENT_ROOT, 'deploy/image/node-flags');

/** The flags of a node-flags file: its lines not starting with #, split on blanks. */
export function parseNodeFlags(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .flatMap((l) => l.split(/\s+/));
}

/**
 * The agents' node flags, as node-run.sh chooses them: $PURELB_AGENT_NODE_FLAGS when set (even empty,
 * as a set $PURELB_NODE_FLAGS replaces the image's default), else deploy/image/node-flags.
 */
export function imageNodeFlags(): { flags: string[]; from: string } {
  const env = process.env.PURELB_AGENT_NODE_FLAGS;
  if (env !== undefined) return { flags: env.split(/\s+/).filter(Boolean), from: '$PURELB_AGENT_NODE_FLAGS' };
  return { flags: parseNodeFlags(readFileSync(NODE_FLAGS_FILE, 'utf8')), from: 'deploy/image/node-flags' };
}

const PACKAGES = ['netlink-native', 'purelb-core', 'agent'] as const;

/** The newest (or oldest) mtime of the files under dir whose name matches. */
function mtimes(dir: string, match: (name: string) => boolean): number[] {
  if (!existsSync(dir)) return [];
  const out: number[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && match(e.name)) out.push(statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return out;
}

/** Why the compiled agent is not current (a package whose sources are newer than its dist/), or undefined. */
export function distStale(): string | undefined {
  for (const p of PACKAGES) {
    const pkg = join(AGENT_ROOT, 'packages', p);
    const built = mtimes(join(pkg, 'dist'), (n) => n.endsWith('.js'));
    if (built.length === 0) return `packages/${p}/dist has no JavaScript`;
    const sources = [
      ...mtimes(join(pkg, 'src'), (n) => n.endsWith('.ts')),
      ...['tsconfig.build.json', 'package.json']
        .map((n) => join(pkg, n))
        .filter((f) => existsSync(f))
        .map((f) => statSync(f).mtimeMs),
    ];
    if (Math.max(...sources) > Math.min(...built)) return `packages/${p}/src is newer than its dist/`;
  }
  const prebuilds = join(AGENT_ROOT, 'packages/netlink-native/prebuilds');
  if (mtimes(prebuilds, (n) => n.endsWith('.node')).length === 0) return 'no netlink-native prebuild';
  return undefined;
}

/**
 * Makes sure dist/ is current: builds with `npm run build` (scripts/build.sh, its output on stderr)
 * when it is not, unless `mayBuild` is false, then throws saying why.
 */
export function ensureDist(say: (s: string) => void, mayBuild: boolean): void {
  const why = distStale();
  if (why === undefined) {
    say('dist/ is newer than every source: running the compiled agent as built');
    return;
  }
  if (!mayBuild)
    throw new Error(`the compiled agent is out of date (${why}); run npm run build, or drop --no-build`);
  say(`${why}: building (npm run build)`);
  execFileSync('bash', [join(AGENT_ROOT, 'scripts/build.sh')], {
    cwd: AGENT_ROOT,
    stdio: ['ignore', process.stderr, process.stderr],
  });
  const still = distStale();
  if (still !== undefined) throw new Error(`npm run build left the compiled agent out of date: ${still}`);
}
