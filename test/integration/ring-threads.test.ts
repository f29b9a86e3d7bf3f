import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createDoorbell, createRing, ringStats } from '../../src/shared/ring/index.ts';
import { spawnWorker } from '../../src/supervisor/spawn.ts';

const PRODUCER = new URL('../fixtures/workers/ring-producer.ts', import.meta.url);
const CONSUMER = new URL('../fixtures/workers/ring-consumer.ts', import.meta.url);

async function result<T>(w: Worker): Promise<T> {
  const [msg] = (await once(w, 'message')) as [T];
  await w.terminate();
  return msg;
}

describe('SPSC ring between two real worker threads', () => {
  it('carries 1,000,000 variable-size records with no loss, duplication or reordering (reject)', async () => {
    const count = 1_000_000;
    const ring = createRing({ name: 'stress', capacityBytes: 1 << 16, policy: 'reject' });
    const bell = createDoorbell();
    const consumer = spawnWorker(CONSUMER, { workerData: { ring, bell, last: count - 1, strict: true } });
    const producer = spawnWorker(PRODUCER, { workerData: { ring, bell, count } });
    const [c] = await Promise.all([result<{ received: number; bad: number; reordered: number }>(consumer), result(producer)]);
    expect(c).toMatchObject({ received: count, bad: 0, reordered: 0 });
    const st = ringStats(ring);
    expect(st.published).toBe(count);
    expect(st.consumed).toBe(count);
    expect(st.depth_bytes).toBe(0);
  }, 90_000);

  it('never loses a wake-up: a parked consumer with a 60 s sleep still sees every sparse record at once', async () => {
    const count = 3_000;
    const ring = createRing({ name: 'sparse', capacityBytes: 1 << 12, policy: 'reject' });
    const bell = createDoorbell();
    const consumer = spawnWorker(CONSUMER, { workerData: { ring, bell, last: count - 1, strict: true, sleepMs: 60_000 } });
    const producer = spawnWorker(PRODUCER, { workerData: { ring, bell, count, pauseEvery: 3 } });
    const t0 = Date.now();
    const [c] = await Promise.all([result<{ received: number; bad: number; reordered: number }>(consumer), result(producer)]);
    expect(c).toMatchObject({ received: count, bad: 0, reordered: 0 });
    // A single lost wake-up would cost a 60 s sleep and time this test out.
    expect(Date.now() - t0).toBeLessThan(30_000);
  }, 45_000);

  it('counts drops exactly under drop-oldest with a slow consumer', async () => {
    const count = 200_000;
    const ring = createRing({ name: 'md', capacityBytes: 4096, policy: 'drop-oldest' });
    const bell = createDoorbell();
    const consumer = spawnWorker(CONSUMER, { workerData: { ring, bell, last: count - 1, strict: false, slow: true } });
    const producer = spawnWorker(PRODUCER, { workerData: { ring, bell, count } });
    const [c] = await Promise.all([result<{ received: number; bad: number; reordered: number; prev: number }>(consumer), result(producer)]);
    const st = ringStats(ring);
    expect(c.bad).toBe(0);
    expect(c.reordered).toBe(0);
    expect(c.prev).toBe(count - 1);
    expect(st.published).toBe(count);
    expect(c.received).toBe(st.consumed);
    expect(st.dropped).toBeGreaterThan(0);
    expect(st.consumed + st.dropped).toBe(count);
  }, 90_000);
});
