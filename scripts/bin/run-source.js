// `npx purelb-agent` / `npx purelb` in a checkout: the TypeScript sources under Node's type stripping
// with the `purelb-source` condition (installed from npm, the package's own bins run dist/ instead).
// The addon is built on first use, so a fresh clone needs no step between `npm ci` and the command.
// Plain JS, so that an older Node gets the version sentence rather than a syntax error.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function addonPresent() {
  if (existsSync(join(root, 'build', 'Release', 'netlink_native.node'))) return true;
  const prebuilds = join(
    root,
    'packages',
    'netlink-native',
    'prebuilds',
    `${process.platform}-${process.arch}`,
  );
  return existsSync(prebuilds) && readdirSync(prebuilds).some((f) => f.endsWith('.node'));
}

/** Runs packages/agent/src/<entry> with `args`; resolves to the exit code. */
export async function runSource(command, entry, args) {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 19)) {
    process.stderr.write(`${command}: needs Node.js >= 22.19 (this is Node.js ${process.version})\n`);
    return 1;
  }
  const helpOnly = args.length > 0 && args.every((a) => a === '--help' || a === '-h' || a === 'help');
  if (!helpOnly && !addonPresent()) {
    process.stderr.write(`${command}: building the netlink addon first (npm run build:native)\n`);
    const built = spawnSync('bash', [join(root, 'scripts', 'build-native.sh')], {
      cwd: root,
      stdio: ['ignore', process.stderr, 'inherit'],
    });
    if (built.status !== 0) return 1;
  }
  const child = spawn(
    process.execPath,
    ['--conditions=purelb-source', join(root, 'packages', 'agent', 'src', entry), ...args],
    {
      stdio: 'inherit',
    },
  );
  // A supervisor's SIGTERM reaches this process only: pass it on, so the agent stops cleanly.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  const [code, signal] = await new Promise((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  return signal ? 128 + (signal === 'SIGINT' ? 2 : signal === 'SIGHUP' ? 1 : 15) : (code ?? 1);
}
