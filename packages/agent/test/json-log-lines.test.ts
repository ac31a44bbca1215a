// The agent logs one JSON object per line; the level filters everything but errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger, MAX_PENDING_LOG_BYTES } from '../src/log.ts';

describe('JSON-lines logger', () => {
  it('writes ts, level, msg and the fields, one object per line', () => {
    const lines: string[] = [];
    const log = createLogger(
      'info',
      (l) => lines.push(l),
      () => new Date('2026-11-26T03:00:00Z'),
    );
    log.info('address placed', {
      service: 'default/web',
      ip: '172.30.250.53',
      interface: 'enp1s0',
      life: Infinity,
    });
    assert.equal(lines.length, 1);
    assert.ok(lines[0]?.endsWith('\n'));
    assert.deepEqual(JSON.parse(lines[0] as string), {
      ts: '2026-11-26T03:00:00.000Z',
      level: 'info',
      msg: 'address placed',
      service: 'default/web',
      ip: '172.30.250.53',
      interface: 'enp1s0',
      life: 'Infinity',
    });
  });

  it('drops lines below the level, but never errors', () => {
    const lines: string[] = [];
    const log = createLogger('warn', (l) => lines.push(l));
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e', { reason: new Error('boom') });
    assert.deepEqual(
      lines.map((l) => JSON.parse(l).msg),
      ['w', 'e'],
    );
    assert.equal(JSON.parse(lines[1] as string).reason, 'boom');
    const quiet = createLogger('error', (l) => lines.push(l));
    quiet.warn('hidden');
    quiet.error('shown');
    assert.equal(JSON.parse(lines.at(-1) as string).msg, 'shown');
  });

  it('a log reader far behind: info and debug lines are dropped and counted, warnings and errors kept', () => {
    const lines: string[] = [];
    let behind = MAX_PENDING_LOG_BYTES + 1;
    const log = createLogger('debug', { write: (l) => lines.push(l), pending: () => behind });
    log.info('placed 1');
    log.debug('placed 2');
    log.warn('kept');
    log.error('kept too');
    // The count goes out with the first line that is written, before it.
    assert.deepEqual(
      lines.map((l) => [JSON.parse(l).msg, JSON.parse(l).dropped]),
      [
        ['log lines dropped', 2],
        ['kept', undefined],
        ['kept too', undefined],
      ],
    );
    behind = 0;
    log.info('caught up');
    assert.equal(JSON.parse(lines.at(-1) as string).msg, 'caught up');
    assert.equal(lines.length, 4);
  });
});
