import { existsSync } from 'node:fs';
import { MessageChannel, threadId } from 'node:worker_threads';
import * as Comlink from 'comlink/dist/esm/comlink.mjs';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { CambistError } from '../../shared/errors.ts';
import { spawnWorker } from '../../supervisor/spawn.ts';
import { startSim, type Sim, type SimOptions } from '../index.ts';
import { controlApi, type SimControlApi, type SimHostInfo, type SimWorkerOptions } from './api.ts';

/**
 * The simulator as the engine holds it: in its own worker thread (sim mode's default), or in-process
 * for tests that read the model directly (`local`). Either way the engine talks to it through the
 * same asynchronous calls.
 */
export interface SimHost extends Omit<SimControlApi, 'info'> {
  readonly thread: 'worker' | 'main';
  readonly info: SimHostInfo;
  /** The in-process simulator; undefined when it runs in a worker. */
  readonly local: Sim | undefined;
  /** Settles when the simulator is gone: the worker's exit (forced = it had to be terminated), or close() in-process. */
  readonly exited: Promise<{ code: number; forced: boolean; error?: Error }>;
}

export interface SimHostOptions {
  /** Run in this thread (and allow `clock`/`scheduler`) instead of a worker. */
  in_process: boolean;
  /** A worker that exits without close() (a crash): the engine logs it; its feeds then go stale. */
  onExit?(info: { code: number; error?: Error }): void;
}

/** After close() the worker gets this long to exit by itself before it is terminated. */
const EXIT_GRACE_MS = 3_000;

// Same rule as the actor entries (supervisor/topology.ts): from sources the entry is .ts, from the
// build .js; tests running from sources start it from the fresh dist/ build when asked to
// (CAMBIST_WORKERS_FROM_DIST=1), since a worker on plain JS boots several times faster.
const FROM_SRC = import.meta.url.endsWith('.ts');
export function simWorkerEntry(): URL {
  if (FROM_SRC && process.env.CAMBIST_WORKERS_FROM_DIST === '1') {
    const built = new URL('./worker.js', import.meta.url.replace('/src/sim/host/', '/dist/sim/host/'));
    if (existsSync(built)) return built;
  }
  return new URL(`./worker${FROM_SRC ? '.ts' : '.js'}`, import.meta.url);
}

export async function startSimHost(sim: SimOptions, o: SimHostOptions): Promise<SimHost> {
  if (o.in_process) return inProcess(await startSim(sim));
  if (sim.scheduler !== undefined) throw new CambistError('SIM_WORKER_OPTIONS', 'a scheduler cannot cross into the simulator worker: use in_process');
  const { clock: _clock, scheduler: _scheduler, ...options } = sim;
  return inWorker(options, o);
}

function inProcess(sim: Sim): SimHost {
  const api = controlApi(Promise.resolve(sim), threadId);
  let done!: (v: { code: number; forced: boolean }) => void;
  const exited = new Promise<{ code: number; forced: boolean }>((r) => (done = r));
  return {
    ...api,
    thread: 'main',
    info: { urls: sim.urls, credentials: sim.credentials, wallet: sim.solana.wallet, seed: sim.seed, scenario: sim.scenario?.name ?? null, thread_id: threadId },
    local: sim,
    exited,
    close: async () => {
      await api.close();
      done({ code: 0, forced: false });
    },
  };
}

async function inWorker(options: SimWorkerOptions, o: SimHostOptions): Promise<SimHost> {
  const { port1, port2 } = new MessageChannel();
  const worker = spawnWorker(simWorkerEntry(), { name: 'sim', workerData: { port: port2, options }, transferList: [port2] });
  let closing = false;
  let forced = false;
  let error: Error | undefined;
  worker.on('error', (e) => (error = e));
  const exited = new Promise<{ code: number; forced: boolean; error?: Error }>((resolve) =>
    worker.once('exit', (code) => {
      port1.close();
      const info = { code, forced, ...(error ? { error } : {}) };
      if (!closing) o.onExit?.(info);
      resolve(info);
    }),
  );
  const remote = Comlink.wrap<SimControlApi>(nodeEndpoint(port1));
  // A call to a dead worker would never be answered: every call also ends when the thread does.
  const gone = exited.then((x) => {
    throw new CambistError('SIM_WORKER_EXITED', `the simulator worker exited (code ${x.code})${x.error ? `: ${x.error.message}` : ''}`, { cause: x.error });
  });
  gone.catch(() => undefined); // observed by every call below; unobserved when the worker just closes
  const call = <T>(p: Promise<T>): Promise<T> => Promise.race([p, gone]);

  let info: SimHostInfo;
  try {
    info = await call(remote.info());
  } catch (e) {
    closing = true;
    await worker.terminate();
    throw e;
  }
  let closed: Promise<void> | undefined;
  return {
    thread: 'worker',
    info,
    local: undefined,
    exited,
    inject: (f) => call(remote.inject(f)),
    configure: (v, p, merge) => call(remote.configure(v, p, merge)),
    dislocate: (d) => call(remote.dislocate(d)),
    truth: () => call(remote.truth()),
    setLoad: (l) => call(remote.setLoad(l)),
    stats: () => call(remote.stats()),
    close: () =>
      (closed ??= (async () => {
        closing = true;
        const timer = setTimeout(() => {
          forced = true;
          // Its end is awaited through `exited` below.
          void worker.terminate();
        }, EXIT_GRACE_MS);
        try {
          await call(remote.close());
        } catch (e) {
          // Already gone (it crashed earlier): nothing left to close.
          if (!(e instanceof CambistError && e.code === 'SIM_WORKER_EXITED')) throw e;
        } finally {
          await exited;
          clearTimeout(timer);
        }
      })()),
  };
}
