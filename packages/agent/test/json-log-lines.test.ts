// The agent logs one JSON object per line; the level filters everything but errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../src/log.ts';

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
});
