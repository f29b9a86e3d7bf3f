import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRing, RingConsumer, RingProducer, ringStats } from '../../../src/shared/ring/index.ts';
import type { CambistError } from '../../../src/shared/errors.ts';

/** Fill a payload with bytes derived from its id so any corruption or mix-up shows. */
function payload(id: number, size: number): Uint8Array {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (id * 31 + i * 7) & 0xff;
  return b;
}

type Op = { push: number } | { drain: number };

describe('SPSC ring, single thread', () => {
  it('round-trips any sequence of variable sizes through wraparound (reject policy)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(256, 512, 1024),
        fc.array(fc.oneof(fc.record({ push: fc.integer({ min: 0, max: 120 }) }), fc.record({ drain: fc.integer({ min: 1, max: 5 }) })), { maxLength: 400 }),
        (cap, ops: Op[]) => {
          const d = createRing({ name: 't', capacityBytes: cap, policy: 'reject' });
          const p = new RingProducer(d);
          const c = new RingConsumer(d);
          const model: Uint8Array[] = [];
          let id = 0;
          const check = (max: number) => {
            c.drain((mem, off, len) => {
              const want = model.shift();
              expect(want).toBeDefined();
              expect(len).toBe(want!.byteLength);
              expect(Array.from(mem.u8.subarray(off, off + len))).toEqual(Array.from(want!));
            }, max);
          };
          for (const op of ops) {
            if ('push' in op) {
              const b = payload(id++, op.push);
              if (p.push(b)) model.push(b);
              else expect(ringStats(d).rejected).toBeGreaterThan(0);
            } else check(op.drain);
          }
          check(1_000_000);
          expect(model).toHaveLength(0);
          expect(c.isEmpty()).toBe(true);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it('drop-oldest keeps the newest records in order and counts every drop', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 40 }), (sizes, drainEvery) => {
        const d = createRing({ name: 't', capacityBytes: 512, policy: 'drop-oldest' });
        const p = new RingProducer(d);
        const c = new RingConsumer(d);
        const seen: number[] = [];
        const read = () =>
          c.drain((mem, off, len) => {
            const id = mem.dv.getUint32(off, true);
            expect(len).toBe(Math.max(4, sizes[id]!));
            seen.push(id);
          });
        sizes.forEach((s, i) => {
          const b = new Uint8Array(Math.max(4, s));
          new DataView(b.buffer).setUint32(0, i, true);
          expect(p.push(b)).toBe(true);
          if (i % drainEvery === 0) read();
        });
        read();
        const st = ringStats(d);
        expect(st.published).toBe(sizes.length);
        expect(st.consumed + st.dropped).toBe(sizes.length);
        expect(seen).toHaveLength(st.consumed);
        // strictly increasing ids: no duplicate, no reordering; the gaps are exactly the drops
        for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!);
        expect(seen.at(-1)).toBe(sizes.length - 1);
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('refuses a record larger than half the ring with a coded error', () => {
    const d = createRing({ name: 'big', capacityBytes: 256, policy: 'reject' });
    const p = new RingProducer(d);
    try {
      p.claim(200);
      expect.unreachable();
    } catch (e) {
      expect((e as CambistError).code).toBe('RING_RECORD_TOO_LARGE');
    }
  });

  it('rejects a capacity that is not a power of two', () => {
    expect(() => createRing({ name: 'x', capacityBytes: 1000, policy: 'reject' })).toThrowError(/power of two/);
  });

  it('hands reject-ring records over in place and drop-oldest records as a private copy', () => {
    const r = createRing({ name: 'r', capacityBytes: 256, policy: 'reject' });
    const d = createRing({ name: 'd', capacityBytes: 256, policy: 'drop-oldest' });
    for (const desc of [r, d]) new RingProducer(desc).push(payload(1, 16));
    let inPlace: ArrayBufferLike | undefined;
    new RingConsumer(r).drain((mem) => (inPlace = mem.u8.buffer));
    let copied: ArrayBufferLike | undefined;
    new RingConsumer(d).drain((mem) => (copied = mem.u8.buffer));
    expect(inPlace).toBe(r.sab);
    expect(copied).not.toBe(d.sab);
  });
});
