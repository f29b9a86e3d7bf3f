import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, toPage } from '../../../src/shared/store/cursor.ts';
import { StoreError } from '../../../src/shared/store/errors.ts';
import { retentionCutoffs, pageLimit } from '../../../src/shared/store/validate.ts';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof StoreError) return e.code;
    throw e;
  }
  throw new Error('did not throw');
}

describe('cursor', () => {
  it('round-trips a position and is URL-safe', () => {
    const c = encodeCursor('trades', { t: 1_700_000_000_123, k: 'SOL:cb:orca/+=:w-1:0' });
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor('trades', c)).toEqual({ t: 1_700_000_000_123, k: 'SOL:cb:orca/+=:w-1:0' });
  });

  it('refuses a cursor of another list, a future version, and malformed content', () => {
    const c = encodeCursor('trades', { t: 1, k: 'a' });
    expect(codeOf(() => decodeCursor('opportunities', c))).toBe('STORE_BAD_CURSOR');
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    expect(codeOf(() => decodeCursor('trades', b64({ v: 2, l: 'trades', t: 1, k: 'a' })))).toBe('STORE_BAD_CURSOR');
    expect(codeOf(() => decodeCursor('trades', b64({ v: 1, l: 'trades', t: 1.5, k: 'a' })))).toBe('STORE_BAD_CURSOR');
    expect(codeOf(() => decodeCursor('trades', b64({ v: 1, l: 'trades', t: 1, k: '' })))).toBe('STORE_BAD_CURSOR');
    expect(codeOf(() => decodeCursor('trades', b64(null)))).toBe('STORE_BAD_CURSOR');
    expect(codeOf(() => decodeCursor('trades', '%%%'))).toBe('STORE_BAD_CURSOR');
  });

  it('toPage points the cursor at the last returned row and only when more rows exist', () => {
    const rows = [{ t: 5, k: 'c' }, { t: 4, k: 'b' }, { t: 4, k: 'a' }];
    const page = toPage('windows', rows, 2, (r) => r);
    expect(page.items).toEqual(rows.slice(0, 2));
    expect(decodeCursor('windows', page.next_cursor ?? '')).toEqual({ t: 4, k: 'b' });
    expect(toPage('windows', rows, 3, (r) => r).next_cursor).toBeNull();
  });
});

describe('query validation', () => {
  it('bounds the page size', () => {
    expect(pageLimit(undefined)).toBe(100);
    expect(pageLimit({ limit: 1000 })).toBe(1000);
    expect(codeOf(() => pageLimit({ limit: 2.5 }))).toBe('STORE_INVALID_QUERY');
    expect(codeOf(() => pageLimit({ limit: -1 }))).toBe('STORE_INVALID_QUERY');
  });

  it('derives retention cutoffs from DESIGN §7 defaults and overrides', () => {
    const now = 1_800_000_000_000;
    const day = 86_400_000;
    expect(retentionCutoffs({ now_ms: now })).toEqual({ trades: now - 90 * day, opportunities: now - 30 * day, windows: now - 365 * day, inventory: null });
    expect(retentionCutoffs({ now_ms: now, trades_days: 7, inventory_days: 2 })).toMatchObject({ trades: now - 7 * day, inventory: now - 2 * day });
    expect(codeOf(() => retentionCutoffs({ now_ms: now, windows_days: -1 }))).toBe('STORE_INVALID_QUERY');
    expect(codeOf(() => retentionCutoffs({ now_ms: Number.NaN }))).toBe('STORE_INVALID_QUERY');
  });
});
