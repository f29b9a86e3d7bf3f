// One side of the ring benchmark (see README.md). Roles: producer / consumer; transports: ring
// (consumer waits by `wait` = Atomics.wait, `spin` = busy poll, `async` = Atomics.waitAsync) or
// postMessage over a MessageChannel between the two workers.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { systemClock } from '../../src/shared/clock.ts';
import { Doorbell, RingConsumer, RingProducer, type RingDescriptor } from '../../src/shared/ring/index.ts';

interface Job {
  role: 'producer' | 'consumer';
  transport: 'ring' | 'postMessage';
  wait: 'wait' | 'spin' | 'async';
  ring: RingDescriptor;
  bell: SharedArrayBuffer;
  port: MessagePort;
  /** paced messages for latency, then back-to-back messages for throughput */
  latencyN: number;
  gapUs: number;
  burstN: number;
  go: SharedArrayBuffer;
}
const job = workerData as Job;
const now = () => systemClock.monoUs();
const go = new Int32Array(job.go);
const PAYLOAD = 64;

const pace = new Int32Array(new SharedArrayBuffer(4));
/** Sleep-pace the latency phase: ticks arrive sparsely, as market data does, and the producer
 * leaves the second core to a spinning consumer. */
function gap(us: number): void {
  Atomics.wait(pace, 0, 0, us / 1000);
}

if (job.role === 'producer') {
  // Wait until the consumer says it is listening, so the first samples are not boot time.
  Atomics.wait(go, 0, 0);
  const total = job.latencyN + job.burstN;
  if (job.transport === 'ring') {
    const p = new RingProducer(job.ring);
    const bell = new Doorbell(job.bell);
    for (let i = 0; i < total; i++) {
      if (i < job.latencyN) gap(job.gapUs);
      let off = p.claim(PAYLOAD);
      while (off < 0) off = p.claim(PAYLOAD);
      p.mem.dv.setFloat64(off, now(), true);
      p.mem.dv.setFloat64(off + 8, i, true);
      p.publish();
      bell.ring();
    }
  } else {
    for (let i = 0; i < total; i++) {
      if (i < job.latencyN) gap(job.gapUs);
      job.port.postMessage({ t: now(), i });
    }
  }
  parentPort!.postMessage({ done: true });
} else {
  const lat = new Float64Array(job.latencyN);
  let n = 0;
  let firstBurstSend = 0;
  let lastRecv = 0;
  const total = job.latencyN + job.burstN;
  const onMsg = (t: number, i: number) => {
    const r = now();
    if (i < job.latencyN) lat[i] = r - t;
    else if (i === job.latencyN) firstBurstSend = t;
    lastRecv = r;
    n++;
  };
  const finish = () => {
    const sorted = lat.slice().sort();
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
    parentPort!.postMessage({
      received: n,
      p50_us: q(0.5),
      p99_us: q(0.99),
      p999_us: q(0.999),
      msgs_per_s: job.burstN / ((lastRecv - firstBurstSend) / 1e6),
    });
  };
  const start = () => {
    Atomics.store(go, 0, 1);
    Atomics.notify(go, 0);
  };
  if (job.transport === 'postMessage') {
    job.port.on('message', (m: { t: number; i: number }) => {
      onMsg(m.t, m.i);
      if (n === total) {
        job.port.close();
        finish();
      }
    });
    start();
  } else {
    const c = new RingConsumer(job.ring);
    const bell = new Doorbell(job.bell);
    const isEmpty = () => c.isEmpty();
    const handler = (mem: { dv: DataView }, off: number) => onMsg(mem.dv.getFloat64(off, true), mem.dv.getFloat64(off + 8, true));
    start();
    if (job.wait === 'async') {
      // A pending waitAsync does not keep the thread alive: hold it with a ref'd timer.
      const keep = setInterval(() => undefined, 1_000);
      void (async () => {
        while (n < total) {
          if (c.drain(handler, 4096) === 0) await bell.sleepAsync(isEmpty, 100);
        }
        clearInterval(keep);
        finish();
      })();
    } else {
      while (n < total) {
        if (c.drain(handler, 4096) === 0 && job.wait === 'wait') bell.sleep(isEmpty, 100);
      }
      finish();
    }
  }
}
