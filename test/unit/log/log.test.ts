import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, withCorrelation } from '../../../src/shared/log.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, destination };
}

describe('logging', () => {
  it('writes JSON with the actor name and the trade key as correlation id', () => {
    const { lines, destination } = capture();
    const log = createLogger({ name: 'executor:SOL', destination, level: 'info' });
    withCorrelation(log, 'SOL:coinbase:0:1:7:1').info({ leg: 'cex' }, 'submitted');
    expect(lines[0]).toMatchObject({ actor: 'executor:SOL', correlation_id: 'SOL:coinbase:0:1:7:1', leg: 'cex', msg: 'submitted', level: 30 });
  });

  it('redacts secrets by path wherever they ride along', () => {
    const { lines, destination } = capture();
    const log = createLogger({ destination, level: 'info' });
    log.info({
      headers: { authorization: 'Bearer abc', 'X-GEMINI-SIGNATURE': 'deadbeef' },
      credentials: { apiSecret: 'shh', privateKey: '-----BEGIN EC PRIVATE KEY-----' },
      token: 'eyJ...',
    }, 'request');
    const text = JSON.stringify(lines[0]);
    for (const secret of ['Bearer abc', 'deadbeef', 'shh', 'BEGIN EC', 'eyJ']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ headers: { authorization: '[redacted]' }, credentials: { apiSecret: '[redacted]' }, token: '[redacted]' });
  });
});
