import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/shared/store/open.ts';
import { SQLITE_FILE_NAME } from '../../../src/shared/store/sqlite/adapter.ts';
import { trade } from '../../contract/store-factories.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const WRITER = fileURLToPath(new URL('../../fixtures/store/crash-writer.ts', import.meta.url));
// Uncommitted frames the big batch must have spilled into the WAL before the kill: proof that the
// process died mid-transaction with part of the batch already on disk, not before it started.
const SPILL_BYTES = 2 * 1024 * 1024;

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

interface CrashRun {
  committed: string[];
  sawBegin: boolean;
  sawDone: boolean;
  walBytesAtKill: number;
  walBytesAtBegin: number;
  signal: NodeJS.Signals | null;
}

function runAndKill(dir: string): Promise<CrashRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, '120000'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  const wal = join(dir, `${SQLITE_FILE_NAME}-wal`);
  const walSize = () => (existsSync(wal) ? statSync(wal).size : 0);
  const run: CrashRun = { committed: [], sawBegin: false, sawDone: false, walBytesAtKill: 0, walBytesAtBegin: 0, signal: null };
  let stderr = '';
  let buffered = '';
  let poll: NodeJS.Timeout | undefined;
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  child.stdout.on('data', (b: Buffer) => {
    buffered += b.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('COMMITTED ')) run.committed.push(line.slice('COMMITTED '.length));
      if (line === 'BIG_BATCH_DONE') run.sawDone = true;
      if (line === 'BIG_BATCH_BEGIN') {
        run.sawBegin = true;
        run.walBytesAtBegin = walSize();
        poll = setInterval(() => {
          const size = walSize();
          if (size >= run.walBytesAtBegin + SPILL_BYTES) {
            clearInterval(poll);
            run.walBytesAtKill = size;
            child.kill('SIGKILL');
          }
        }, 1);
      }
    }
  });
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`crash writer did not reach the kill point in time; stderr: ${stderr}`));
    }, 80_000);
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      clearTimeout(guard);
      clearInterval(poll);
      run.signal = signal;
      if (signal !== 'SIGKILL') reject(new Error(`crash writer exited on its own (signal ${String(signal)}); stderr: ${stderr}`));
      else resolve(run);
    });
  });
}

describe('SQLite store crash durability', () => {
  it('keeps every committed trade and no part of the batch in flight when the process is SIGKILLed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cambist-crash-'));
    dirs.push(dir);
    const run = await runAndKill(dir);
    expect(run.sawBegin).toBe(true);
    expect(run.sawDone).toBe(false);
    expect(run.walBytesAtKill).toBeGreaterThanOrEqual(run.walBytesAtBegin + SPILL_BYTES);
    expect(run.committed).toHaveLength(60);

    // Recovery happens on open (crash-only: startup is recovery).
    const store = await openStore({ kind: 'sqlite', dataDir: dir });
    try {
      for (let i = 0; i < 40; i++) {
        expect(await store.getTrade(`intent-${i}`)).toEqual(trade({ trade_key: `intent-${i}`, decided_us: i }));
      }
      for (let j = 0; j < 20; j++) {
        expect((await store.getTrade(`batch-${j}`))?.asset).toBe('BATCH');
        expect((await store.listOpportunities({ window_id: `batch-${j}`, limit: 1000 })).items).toHaveLength(10);
      }
      expect((await store.listOpportunities({ asset: 'BIG', limit: 1 })).items).toEqual([]);
      expect((await store.listTrades({ asset: 'BIG', limit: 1 })).items).toEqual([]);
      expect(await store.getTrade('big-t0')).toBeNull();
      // And the store keeps working after recovery.
      await store.insertTradeIntent(trade({ trade_key: 'after-crash' }));
      expect((await store.getTrade('after-crash'))?.trade_key).toBe('after-crash');
    } finally {
      await store.close();
    }
    const db = new BetterSqlite3(join(dir, SQLITE_FILE_NAME), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  }, 90_000);
});
