// `npm run bench`: every micro benchmark, then the SLO run (`cambist bench`), each in its own
// process (so one cannot warm up or slow down the next), and one dated JSON in bench/results/.
// Usage: npm run bench -- [--duration 60] [--only ring,book,…,slo] [--out DIR]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const root = new URL('..', import.meta.url).pathname;

interface Job {
  name: string;
  /** Script and arguments; `--json FILE` is appended. */
  args: string[];
}

// Parse and signing micro benches do not exist in bench/ yet (perf-limits.md §2 and §5 hold the
// standalone measurements); they are listed in the results as missing rather than skipped silently.
const MISSING = ['parse', 'signing'];

const { values } = parseArgs({ options: { duration: { type: 'string' }, only: { type: 'string' }, out: { type: 'string' } } });
const duration = values.duration ?? '60';
const only = values.only?.split(',').map((s) => s.trim());
const outDir = values.out ?? join(root, 'bench/results');
const started = new Date();
const stamp = started.toISOString().replace(/[:.]/g, '-');

const JOBS: Job[] = [
  { name: 'ring', args: ['--import', 'tsx', 'bench/ring/run.ts'] },
  { name: 'book', args: ['--import', 'tsx', 'bench/book/run.ts'] },
  { name: 'dex-quote', args: ['--import', 'tsx', 'bench/dex-quote/run.ts'] },
  { name: 'solana-feed', args: ['--import', 'tsx', 'bench/solana-feed/run.ts'] },
  // tick→signal in process at 10 k updates/s: the signal's own work (bench/signal/run.ts).
  { name: 'signal', args: ['--import', 'tsx', 'bench/signal/run.ts'] },
  // The simulators under load in their worker beside the real engine (25 s; bench/sim-load/README.md).
  { name: 'sim-load', args: ['--import', 'tsx', 'bench/sim-load/run.ts'] },
  // The SLO run's one-file HTML report goes next to the results JSON.
  { name: 'slo', args: ['bin/cambist.mjs', 'bench', '--duration', duration, '--no-progress', '--html', join(outDir, `${stamp}-slo.html`)] },
];

function run(args: string[]): Promise<{ code: number | null; seconds: number; stderrTail: string }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'inherit', 'pipe'] });
    let tail = '';
    child.stderr.on('data', (d: Buffer) => {
      process.stderr.write(d);
      tail = (tail + d.toString()).slice(-2_000);
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, seconds: (performance.now() - t0) / 1000, stderrTail: tail }));
  });
}

async function main(): Promise<number> {
  // The SLO and sim-load runs drive the engine from dist/ (workers boot from plain JS); build it first, as `npm start` does.
  if (!only || only.includes('slo') || only.includes('sim-load')) {
    const b = await run(['scripts/build.mjs']);
    if (b.code !== 0) throw new Error(`build failed (exit ${b.code})`);
  }
  const tmp = mkdtempSync(join(tmpdir(), 'cambist-bench-all-'));
  const results: Record<string, unknown> = {};
  let failed = 0;
  for (const job of JOBS) {
    if (only && !only.includes(job.name)) continue;
    const file = join(tmp, `${job.name}.json`);
    process.stderr.write(`\n== ${job.name} ==\n`);
    const r = await run([...job.args, '--json', file]);
    if (r.code === 0 && existsSync(file)) {
      results[job.name] = { seconds: Math.round(r.seconds * 10) / 10, result: JSON.parse(readFileSync(file, 'utf8')) as unknown };
    } else {
      failed++;
      results[job.name] = { seconds: Math.round(r.seconds * 10) / 10, error: `exit ${r.code}`, stderr_tail: r.stderrTail };
    }
  }
  rmSync(tmp, { recursive: true, force: true });
  const doc = {
    date: started.toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? null, node: process.version, loadavg_1m_at_end: loadavg()[0] },
    missing: MISSING,
    results,
  };
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  process.stderr.write(`\nresults: ${file}${failed ? ` (${failed} benchmark(s) failed)` : ''}\n`);
  return failed ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  },
);
