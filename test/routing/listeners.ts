// TCP on a LoadBalancer address across the router: a listener in a node's namespace answers with the
// node's name; a client in another namespace connects and reads it. Both are node processes run by
// `ip netns exec`, so the test process itself never opens a socket in any namespace.
import { type ChildProcess, execFile, spawn } from 'node:child_process';

const LISTEN = `const [addr, port, name] = process.argv.slice(1);
require('node:net').createServer((s) => s.end(name)).listen(Number(port), addr, () => console.log('listening'));`;

const CONNECT = `const [addr, port] = process.argv.slice(1);
const s = require('node:net').connect({ host: addr, port: Number(port), timeout: 3000 });
let got = '';
s.setEncoding('utf8').on('data', (d) => { got += d; }).on('end', () => { console.log(got); });
s.on('timeout', () => { console.error('timeout'); process.exit(2); }).on('error', (e) => { console.error(e.message); process.exit(1); });`;

/** Listens on addr:port in namespace ns, answering `name` to every connection; resolves once listening. */
export function listen(ns: string, addr: string, port: number, name: string): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', LISTEN, addr, String(port), name], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
    });
    child.stdout.setEncoding('utf8').once('data', () => resolve(child));
    child.on('close', (code) => reject(new Error(`listener in ${ns} exited (${code}): ${err}`)));
  });
}

/** Connects from namespace ns to addr:port; resolves with what the listener answered. */
export function connect(ns: string, addr: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const args = ['netns', 'exec', ns, process.execPath, '-e', CONNECT, addr, String(port)];
    execFile('ip', args, { encoding: 'utf8', timeout: 10_000 }, (err, out, stderr) =>
      err
        ? reject(new Error(`connect from ${ns} to ${addr}:${port}: ${stderr || err.message}`))
        : resolve(out.trim()),
    );
  });
}
