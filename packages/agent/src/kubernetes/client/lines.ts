// A watch stream, one JSON document per line: each complete line goes to onLine as it arrives (a
// document may span chunks, and a chunk may hold many). Resolves with the number of lines when the
// server ends the stream or when nothing at all arrives for idleMs (the stream is then destroyed: a
// half-open connection looks exactly like a quiet one until then); rejects when the connection fails or
// onLine throws (the stream is destroyed first).
import type { IncomingMessage } from 'node:http';

const NEWLINE = 0x0a;

export function lines(res: IncomingMessage, idleMs: number, onLine: (line: string) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    let pending: Buffer[] = [];
    let count = 0;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (err?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      res.removeAllListeners('data');
      if (err !== undefined) {
        res.destroy();
        reject(err);
      } else resolve(count);
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        res.destroy();
        finish();
      }, idleMs);
    };
    arm();
    res.on('data', (chunk: Buffer) => {
      arm();
      let from = 0;
      for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, from)) {
        const piece = chunk.subarray(from, at);
        const line = pending.length === 0 ? piece : Buffer.concat([...pending, piece]);
        pending = [];
        from = at + 1;
        if (line.length === 0) continue;
        count++;
        try {
          onLine(line.toString('utf8'));
        } catch (err) {
          finish(err);
          return;
        }
      }
      if (from < chunk.length) pending.push(chunk.subarray(from));
    });
    res.on('end', () => finish());
    res.on('error', (err) => finish(err));
    res.on('aborted', () => finish(new Error('watch connection closed by the server')));
    res.on('close', () => finish(res.complete ? undefined : new Error('watch connection closed')));
  });
}
