// Captures Ethernet frames on a device inside a test namespace: a python3 AF_PACKET socket run
// with `ip netns exec` (Debian's /usr/bin/python3, which any Debian host has). Race-free: the
// exit is observed from the moment the child starts, and every wait ends on a timeout.
import { spawn } from 'node:child_process';

export interface Capture {
  /** Resolves once the socket is bound (frames sent afterwards are seen). */
  ready: Promise<void>;
  /** The frames seen, once `want` have arrived; rejects if the capture fails or times out. */
  frames: Promise<Buffer[]>;
  stop(): void;
}

/**
 * Starts capturing on `device` in `ns` until `want` frames pass `filter` (a python expression over
 * the frame `f`, e.g. `f[12:14].hex() == "0806"`), or `timeoutS` seconds pass without one.
 */
export function captureFrames(
  ns: string,
  device: string,
  want: number,
  filter = 'True',
  timeoutS = 5,
): Capture {
  const script = `
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind((sys.argv[1], 0))
s.settimeout(${timeoutS})
print("ready", flush=True)
got = 0
while got < ${want}:
    f = s.recv(65536)
    if ${filter}:
        print(f.hex(), flush=True); got += 1
`;
  const child = spawn('ip', ['netns', 'exec', ns, '/usr/bin/python3', '-c', script, device], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.startsWith('ready\n')) markReady();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const frames = new Promise<Buffer[]>((resolve, reject) => {
    child.on('close', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`capture on ${device} in ${ns} failed (${code ?? signal}): ${err.trim()}`));
        return;
      }
      const lines = out.split('\n').slice(1).filter(Boolean);
      resolve(lines.map((h) => Buffer.from(h, 'hex')));
    });
  });
  // A capture that dies before it is ready must not leave `ready` waiting forever.
  return {
    ready: Promise.race([ready, frames.then(() => undefined)]),
    frames,
    stop: () => child.kill('SIGKILL'),
  };
}
