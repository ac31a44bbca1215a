// BIRD 2 daemons inside test namespaces: each with its config, control socket and pid file in its own
// temporary directory, run in the foreground (`bird -f`) as a child of the test so stop() kills exactly
// it. Nothing here runs BIRD in the host's namespace.
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIRD_DIRS = ['/usr/sbin', '/usr/bin', '/usr/local/sbin'];

/** The path of `name` (bird or birdc), or undefined when it is not installed. */
function findTool(name: string): string | undefined {
  return BIRD_DIRS.map((d) => join(d, name)).find((p) => existsSync(p));
}

/** Why BIRD 2 cannot run here, or undefined when it can. */
export function birdUnavailableReason(): string | undefined {
  const bird = findTool('bird');
  if (bird === undefined || findTool('birdc') === undefined)
    return 'needs BIRD 2 (Debian package bird2; scripts/ensure-tools.sh installs it when run as root)';
  // BIRD prints its version on stderr.
  const r = spawnSync(bird, ['--version'], { encoding: 'utf8' });
  const version = `${r.stdout}${r.stderr}`.trim();
  if (!/^BIRD version 2\./.test(version)) return `needs BIRD 2; ${bird} says ${JSON.stringify(version)}`;
  return undefined;
}

export class Bird {
  readonly dir = mkdtempSync(join(tmpdir(), 'plb-bird-'));
  readonly socket = join(this.dir, 'bird.ctl');
  readonly child: ChildProcess;
  #log = '';
  readonly #exited: Promise<void>;

  readonly ns: string;

  /** Starts BIRD in namespace `ns` on `config`. */
  constructor(ns: string, config: string) {
    this.ns = ns;
    const conf = join(this.dir, 'bird.conf');
    writeFileSync(conf, `log stderr all;\n${config}`);
    const args = ['netns', 'exec', ns, findTool('bird') as string, '-f', '-c', conf, '-s', this.socket];
    this.child = spawn('ip', [...args, '-P', join(this.dir, 'bird.pid')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const s of [this.child.stdout, this.child.stderr])
      s?.setEncoding('utf8').on('data', (d: string) => {
        this.#log += d;
      });
    this.#exited = new Promise((r) => this.child.on('close', () => r()));
  }

  get log(): string {
    return this.#log;
  }

  /** `birdc -s SOCK ARGS` (the socket is a file: no need to enter the namespace). */
  birdc(...args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(findTool('birdc') as string, ['-s', this.socket, ...args], { encoding: 'utf8' }, (err, out) =>
        err
          ? reject(new Error(`birdc ${args.join(' ')}: ${err.message}\n${out}\nBIRD log:\n${this.#log}`))
          : resolve(out),
      );
    });
  }

  /** Resolves once BIRD answers on its socket; throws with its log if it exits or does not answer. */
  async ready(ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      if (this.child.exitCode !== null || this.child.signalCode !== null)
        throw new Error(`BIRD in ${this.ns} exited:\n${this.#log}`);
      try {
        await this.birdc('show', 'status');
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Kills the daemon and removes its directory. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.#exited;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
