import type { SimCredentials } from '../credentials.ts';
import type { FaultRequest } from '../faults.ts';
import type { SimStats } from '../health.ts';
import type { LoadSpec } from '../load.ts';
import type { DislocationSpec, TruthWindow } from '../market/dislocations.ts';
import type { VenueProfile } from '../profile.ts';
import type { Sim, SimOptions, SimUrls, SimVenue } from '../index.ts';

/** What the engine needs to know of a running simulator (all structured-clone-safe). */
export interface SimHostInfo {
  urls: SimUrls;
  credentials: SimCredentials;
  /** The seeded, funded Solana wallet (sim mode exports its secret to the executors' environment). */
  wallet: { publicKey: string; secretKey: Uint8Array };
  seed: number;
  scenario: string | null;
  /** The thread the simulator runs on (`worker_threads.threadId`; 0 = the main thread). */
  thread_id: number;
}

/** Simulator options that can cross a thread boundary: no clock, no scheduler (the worker uses real time). */
export type SimWorkerOptions = Omit<SimOptions, 'clock' | 'scheduler'>;

/**
 * The simulator's control surface as asynchronous calls: what the engine and the benchmarks use,
 * whether the simulator runs in its own worker (over comlink) or in-process. The same calls are on
 * the control server (`/sim/faults`, `/sim/truth`, `/sim/load`, `/sim/stats`) for other processes.
 */
export interface SimControlApi {
  info(): Promise<SimHostInfo>;
  inject(f: FaultRequest): Promise<void>;
  configure(venue: SimVenue, p: VenueProfile, merge?: boolean): Promise<void>;
  dislocate(d: DislocationSpec): Promise<string>;
  truth(): Promise<TruthWindow[]>;
  setLoad(load: LoadSpec | null): Promise<void>;
  stats(): Promise<SimStats>;
  close(): Promise<void>;
}

export function controlApi(started: Promise<Sim>, threadId: number, onClosed: () => void = () => undefined): SimControlApi {
  let closing: Promise<void> | undefined;
  return {
    info: async () => {
      const sim = await started;
      return {
        urls: sim.urls,
        credentials: sim.credentials,
        wallet: sim.solana.wallet,
        seed: sim.seed,
        scenario: sim.scenario?.name ?? null,
        thread_id: threadId,
      };
    },
    inject: async (f) => (await started).faults.inject(f),
    configure: async (v, p, merge = false) => (await started).faults.configure(v, p, merge),
    dislocate: async (d) => (await started).market.dislocate(d),
    truth: async () => (await started).truth(),
    setLoad: async (l) => (await started).setLoad(l),
    stats: async () => (await started).stats(),
    close: () =>
      (closing ??= (async () => {
        await (await started).close();
        onClosed();
      })()),
  };
}
