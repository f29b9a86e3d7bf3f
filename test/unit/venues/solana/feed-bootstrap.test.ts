import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SPL_TOKEN_PROGRAM_ID } from '../../../../src/actors/venues/solana/dex/programs.ts';
import { AMM, AMM_PC_VAULT, LoopbackSolana, USDC, VAULT_B, WHIRLPOOL, defaultAccounts, tokenAccount, whirlpoolAccount, REF } from './feed-fixture.ts';
import { feedSlice, harness, until } from './feed-harness.ts';

const USDT = 'Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB';

/** Start a feed over `accounts`; resolves to the error start() failed with (or undefined). */
async function startWith(mutate: (m: ReturnType<typeof defaultAccounts>) => void, record?: string) {
  const m = defaultAccounts();
  mutate(m);
  const srv = new LoopbackSolana(m);
  await srv.start();
  const h = harness(srv, feedSlice(srv, { record_dir: record ?? null }));
  let err: unknown;
  await h.feed.start().catch((e: unknown) => (err = e));
  return { srv, h, err: err as { code?: string; message?: string } | undefined };
}

describe('Solana feed bootstrap checks every pool before Ready', () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });
  const run = async (mutate: (m: ReturnType<typeof defaultAccounts>) => void, record?: string) => {
    const r = await startWith(mutate, record);
    cleanup = async () => {
      await r.h.close();
      await r.srv.close();
    };
    return r;
  };

  it('rejects a pool owned by another program, naming the account', async () => {
    const { err } = await run((m) => m.set(WHIRLPOOL, { ...m.get(WHIRLPOOL)!, owner: SPL_TOKEN_PROGRAM_ID }));
    expect(err?.code).toBe('DEX_DECODE_OWNER');
    expect(err?.message).toContain(WHIRLPOOL);
  });

  it('rejects a pool account of the wrong size (wrong program version or account kind)', async () => {
    const { err } = await run((m) => m.set(AMM, { ...m.get(AMM)!, data: m.get(AMM)!.data.subarray(0, 700) }));
    expect(err?.code).toBe('DEX_DECODE_SIZE');
    expect(err?.message).toContain(AMM);
  });

  it('rejects a pool whose mints are not the asset pair', async () => {
    const { err } = await run((m) => m.set(WHIRLPOOL, whirlpoolAccount({ sqrtPrice: REF.sqrtPrice, tick: REF.tick, mintB: USDT })));
    expect(err?.code).toBe('SOLANA_POOL_MISMATCH');
    expect(err?.message).toContain(WHIRLPOOL);
    expect(err?.message).toContain(USDT);
  });

  it('rejects a vault that holds another mint, and a missing pool', async () => {
    const bad = await run((m) => m.set(VAULT_B, tokenAccount(USDT, 1n)));
    expect(bad.err?.code).toBe('SOLANA_POOL_MISMATCH');
    expect(bad.err?.message).toContain(VAULT_B);
    await cleanup?.();
    const missing = await run((m) => m.delete(AMM));
    expect(missing.err?.code).toBe('SOLANA_ACCOUNT_MISSING');
    expect(missing.err?.message).toContain(AMM);
  });

  it('records raw notifications with their receive time when record_dir is set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cambist-solana-rec-'));
    const { srv, h, err } = await run(() => undefined, dir);
    expect(err).toBeUndefined();
    await until(() => srv.subscribedKeys().has(AMM_PC_VAULT), 'subscribed');
    srv.set([[AMM_PC_VAULT, tokenAccount(USDC, 5_000_000_000_000n)]]);
    await until(() => h.feed.messages > 12, 'frames');
    await h.feed.stop();
    const file = readdirSync(dir).find((f) => f.startsWith('solana-'))!;
    const lines = readFileSync(join(dir, file), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { recv_us: number; frame: string });
    const note = lines.find((l) => l.frame.includes('accountNotification'))!;
    expect(note.recv_us).toBeGreaterThan(0);
    expect(JSON.parse(note.frame).params.result.value.data[1]).toBe('base64');
  });
});
