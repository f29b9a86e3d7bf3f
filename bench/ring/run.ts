// Ring vs postMessage between two real worker threads: one-way latency (paced) and saturation
// throughput (back to back). Usage: npm run bench:ring -- [--json FILE] [--latency N] [--burst N]
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { MessageChannel } from 'node:worker_threads';
import { createDoorbell, createRing } from '../../src/shared/ring/index.ts';
import { spawnWorker } from '../../src/supervisor/spawn.ts';

const { values } = parseArgs({ options: { json: { type: 'string' }, latency: { type: 'string' }, burst: { type: 'string' }, gap: { type: 'string' } } });
const latencyN = Number(values.latency ?? 20_000);
const burstN = Number(values.burst ?? 1_000_000);
const gapUs = Number(values.gap ?? 50);
const WORKER = new URL('./worker.ts', import.meta.url);

interface Result { received: number; p50_us: number; p99_us: number; p999_us: number; msgs_per_s: number }

async function variant(transport: 'ring' | 'postMessage', wait: 'wait' | 'spin' | 'async', burst: number): Promise<Result> {
  const ring = createRing({ name: 'bench', capacityBytes: 1 << 20, policy: 'reject' });
  const bell = createDoorbell();
  const go = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  const base = { transport, wait, ring, bell, go, latencyN, gapUs, burstN: burst };
  const consumer = spawnWorker(WORKER, { workerData: { ...base, role: 'consumer', port: port2 }, transferList: [port2] });
  const producer = spawnWorker(WORKER, { workerData: { ...base, role: 'producer', port: port1 }, transferList: [port1] });
  const [[res]] = await Promise.all([once(consumer, 'message') as Promise<[Result]>, once(producer, 'message')]);
  await Promise.all([consumer.terminate(), producer.terminate()]);
  return res;
}

const round = (r: Result) => ({ p50_us: +r.p50_us.toFixed(3), p99_us: +r.p99_us.toFixed(3), p999_us: +r.p999_us.toFixed(3), msgs_per_s: Math.round(r.msgs_per_s) });
const out = {
  ring: round(await variant('ring', 'wait', burstN)),
  ring_spin: round(await variant('ring', 'spin', burstN)),
  ring_async: round(await variant('ring', 'async', burstN)),
  // postMessage saturates two orders of magnitude lower: a fifth of the burst keeps the run short.
  postMessage: round(await variant('postMessage', 'wait', Math.round(burstN / 5))),
};
const ratios = {
  throughput_ring_over_postMessage: +(out.ring.msgs_per_s / out.postMessage.msgs_per_s).toFixed(1),
  p50_ring_wait_over_postMessage: +(out.ring.p50_us / out.postMessage.p50_us).toFixed(2),
};
const doc = { bench: 'ring', at: new Date().toISOString(), node: process.version, params: { latencyN, burstN, gapUs }, ...out, ratios };
console.table(out);
console.log(ratios);
if (values.json) {
  mkdirSync(dirname(values.json), { recursive: true });
  writeFileSync(values.json, `${JSON.stringify(doc, null, 2)}\n`);
}
