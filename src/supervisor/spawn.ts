import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * The only `new Worker` in cambist (DESIGN §2): everything that starts a thread comes through here,
 * which keeps thread creation behind one seam the supervisor and tests share.
 *
 * A `.ts` entry (running from sources under tsx) starts through `ts-bootstrap.mjs`; a `.js` entry
 * (compiled build) starts directly.
 */
const BOOTSTRAP = new URL('../actors/runtime/ts-bootstrap.mjs', import.meta.url);

export function spawnWorker(entry: URL, opts: WorkerOptions = {}): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, opts);
  return new Worker(BOOTSTRAP, { ...opts, argv: [entry.href, ...(opts.argv ?? [])] });
}
