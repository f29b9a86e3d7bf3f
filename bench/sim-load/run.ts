// The simulator under load beside the real engine (issue 5): `npx tsx bench/sim-load/run.ts
// [--rate 25000] [--duration 25] [--warmup 3] [--latency default|none] [--seed N] [--config FILE]
// [--json FILE]`. Needs a fresh dist/ build for the engine (`node scripts/build.mjs`; `npm run
// bench` builds it) — without one the workers boot from sources, slower but the same.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDeps } from '../slo/main.ts';
import { DEFAULT_SIM_LOAD, runSimLoad, type SimLoadOptions } from './measure.ts';

const { values: v } = parseArgs({
  options: {
    rate: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    latency: { type: 'string' },
    seed: { type: 'string' },
    config: { type: 'string' },
    json: { type: 'string' },
  },
});
const num = (s: string | undefined, d: number, name: string): number => {
  if (s === undefined) return d;
  const n = Number(s);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number ≥ 0, got "${s}"`);
  return n;
};
if (v.latency !== undefined && v.latency !== 'default' && v.latency !== 'none') throw new Error(`--latency must be default or none, got "${v.latency}"`);
const opts: SimLoadOptions = {
  rate: num(v.rate, DEFAULT_SIM_LOAD.rate, 'rate'),
  duration_s: num(v.duration, DEFAULT_SIM_LOAD.duration_s, 'duration'),
  warmup_s: num(v.warmup, DEFAULT_SIM_LOAD.warmup_s, 'warmup'),
  latency: (v.latency as SimLoadOptions['latency'] | undefined) ?? DEFAULT_SIM_LOAD.latency,
  config_file: v.config ?? DEFAULT_SIM_LOAD.config_file,
  seed: v.seed === undefined ? undefined : num(v.seed, 0, 'seed'),
};

const out = await runSimLoad(opts, await defaultDeps(), (f) =>
  process.stderr.write(`sent ${f.sim_sent_msgs_per_s.total.toFixed(0)}/s  received ${f.engine_received_msgs_per_s.total.toFixed(0)}/s  sim cpu ${f.cpu.sim_thread_share_of_core ?? '?'} of a core  process ${f.cpu.process_cores} cores\n`),
);
const r = out.result;
process.stdout.write(
  [
    `requested        ${r.requested_book_updates_per_s} book updates/s (simulated books: ${Object.keys(r.sim_book_updates_per_s).length - 1} venues)`,
    `sim sent         ${r.sim_sent_msgs_per_s.total} msgs/s  (coinbase ${r.sim_sent_msgs_per_s.coinbase}, gemini ${r.sim_sent_msgs_per_s.gemini}, bitstamp ${r.sim_sent_msgs_per_s.bitstamp})`,
    `engine received  ${r.engine_received_msgs_per_s.total} msgs/s  (coinbase ${r.engine_received_msgs_per_s.coinbase}, gemini ${r.engine_received_msgs_per_s.gemini}, bitstamp ${r.engine_received_msgs_per_s.bitstamp}); received/sent ${r.received_over_sent}`,
    `ring drops       ${r.ring_dropped}; load steps skipped ${r.load_skipped_steps}; socket backlog ${r.sim_socket_backlog_bytes} B`,
    `target           ≥ ${out.target.sim_sent_msgs_per_s_min} msgs/s sent: ${out.target.pass ? 'pass' : 'FAIL'} (load average ${out.machine.loadavg_1m_at_start} → ${out.machine.loadavg_1m_at_end} on ${out.machine.cpus} CPUs)`,
    `sim thread       ${r.cpu.sim_thread_share_of_core} of a core (ELU ${r.cpu.sim_thread_elu}), ${r.cpu.sim_share_of_process} of the process's CPU (${r.cpu.process_cores} cores); ${r.cpu.sim_cpu_us_per_msg} µs/msg`,
    '',
  ].join('\n'),
);
if (v.json) {
  mkdirSync(dirname(v.json), { recursive: true });
  writeFileSync(v.json, `${JSON.stringify(out, null, 2)}\n`);
}
