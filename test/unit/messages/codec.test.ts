import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CambistError } from '../../../src/shared/errors.ts';
import { ALL_MESSAGES, BookTop, ExecTry, Kind, PoolQuote, askIndex, kindAt, type FieldType } from '../../../src/shared/messages/index.ts';
import { createRing, memoryOf, RingConsumer, RingProducer } from '../../../src/shared/ring/index.ts';

const arb: Record<FieldType, fc.Arbitrary<number | string>> = {
  u8: fc.integer({ min: 0, max: 0xff }),
  u16: fc.integer({ min: 0, max: 0xffff }),
  u32: fc.integer({ min: 0, max: 0xffffffff }),
  i32: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
  f64: fc.double({ noNaN: true }),
  key48: fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789:-_'.split('')), maxLength: 48 }),
};

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as CambistError).code;
  }
  return 'no error';
}

describe('message views', () => {
  for (const M of ALL_MESSAGES) {
    it(`${M.layout.name} round-trips every header and body field and its tail`, () => {
      const fieldArbs = Object.fromEntries(M.layout.fields.map(([n, t]) => [n, arb[t]]));
      fc.assert(
        fc.property(
          fc.record(fieldArbs),
          fc.record({ flags: arb.u16, seq: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), exchTimeMs: arb.f64, recvUs: arb.f64 }),
          fc.integer({ min: 0, max: 40 }),
          fc.integer({ min: 0, max: 64 }),
          (fields, header, count, offset8) => {
            const n = M.layout.tail ? count : 0;
            const bytes = M.bytesFor(n);
            const mem = memoryOf(new ArrayBuffer(bytes + offset8 * 8));
            const w = new M().write(mem, offset8 * 8, n) as unknown as Record<string, number | string>;
            for (const [k, v] of Object.entries({ ...fields, ...header })) if (k !== M.layout.tail?.count) w[k] = v;
            const wv = w as unknown as InstanceType<typeof M>;
            for (let i = 0; i < wv.tailLength; i++) mem.f64[wv.tailIndex + i] = i * 1.5 - 3;
            const r = new M().read(mem, offset8 * 8, bytes) as unknown as Record<string, number | string>;
            for (const [k, v] of Object.entries({ ...fields, ...header })) if (k !== M.layout.tail?.count) expect(r[k]).toBe(v);
            expect(r.kind).toBe(M.layout.kind);
            expect(r.length).toBe(bytes);
            const rv = r as unknown as InstanceType<typeof M>;
            expect(rv.tailLength).toBe(M.layout.tail ? n * M.layout.tail.perCount : 0);
            for (let i = 0; i < rv.tailLength; i++) expect(mem.f64[rv.tailIndex + i]).toBe(i * 1.5 - 3);
          },
        ),
        { seed: 1, numRuns: 200 },
      );
    });
  }

  it('refuses a record of another kind with MSG_WRONG_KIND', () => {
    const mem = memoryOf(new ArrayBuffer(1024));
    new PoolQuote().write(mem, 0, 2);
    expect(code(() => new BookTop().read(mem, 0, 1024))).toBe('MSG_WRONG_KIND');
  });

  it('refuses a truncated record with MSG_TRUNCATED', () => {
    const mem = memoryOf(new ArrayBuffer(1024));
    new BookTop().write(mem, 0, 10);
    expect(code(() => new BookTop().read(mem, 0, BookTop.bytesFor(10) - 8))).toBe('MSG_TRUNCATED');
    expect(code(() => new BookTop().read(mem, 0, 16))).toBe('MSG_TRUNCATED');
  });

  it('refuses a trade key that is too long or not printable ASCII', () => {
    const v = new ExecTry().write(memoryOf(new ArrayBuffer(512)), 0);
    expect(code(() => (v.tradeKey = 'x'.repeat(49)))).toBe('MSG_BAD_KEY');
    expect(code(() => (v.tradeKey = 'é'))).toBe('MSG_BAD_KEY');
  });

  it('writes straight into a ring and reads back in the consumer, levels included', () => {
    const d = createRing({ name: 'md', capacityBytes: 4096, policy: 'reject' });
    const p = new RingProducer(d);
    const w = new BookTop().begin(p, 3);
    w.venue = 1;
    w.asset = 0;
    w.bidCount = 3;
    w.askCount = 2;
    w.recvUs = 123.5;
    const f = p.mem.f64;
    f.set([100, 1, 99.5, 2, 99, 3], w.tailIndex);
    f.set([101, 4, 101.5, 5], askIndex(w));
    p.publish();
    const r = new BookTop();
    let seen = 0;
    new RingConsumer(d).drain((mem, off, len) => {
      expect(kindAt(mem, off)).toBe(Kind.BookTop);
      r.read(mem, off, len);
      expect([r.venue, r.bidCount, r.askCount, r.recvUs]).toEqual([1, 3, 2, 123.5]);
      expect(Array.from(mem.f64.subarray(r.tailIndex, r.tailIndex + 6))).toEqual([100, 1, 99.5, 2, 99, 3]);
      expect(Array.from(mem.f64.subarray(askIndex(r), askIndex(r) + 4))).toEqual([101, 4, 101.5, 5]);
      seen++;
    });
    expect(seen).toBe(1);
  });

  it('throws RING_FULL when a command cannot be queued', () => {
    const p = new RingProducer(createRing({ name: 'cmd', capacityBytes: 1024, policy: 'reject' }));
    expect(code(() => { for (let i = 0; i < 10; i++) { new ExecTry().begin(p); p.publish(); } })).toBe('RING_FULL');
  });
});
