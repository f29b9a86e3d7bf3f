import { CambistError } from '../errors.ts';
import {
  CAPACITY, CONSUMED, DROPPED, FRAME_BYTES, FRAME_MAGIC, HEAD, HEADER_BYTES, PAD_MAGIC, POLICY,
  POLICY_CODE, PUBLISHED, REJECTED, TAIL, align8, isPowerOfTwo, type RingPolicy,
} from './layout.ts';
import { memoryOf, type Memory } from './memory.ts';

/**
 * What crosses a thread boundary to describe a ring: its name (metrics label), its policy and the
 * SharedArrayBuffer. Structured-clone keeps the SAB shared, so the same descriptor works in the
 * supervisor, the producer and the consumer.
 */
export interface RingDescriptor {
  readonly name: string;
  readonly policy: RingPolicy;
  readonly sab: SharedArrayBuffer;
}

export interface RingStats {
  name: string;
  policy: RingPolicy;
  capacity_bytes: number;
  depth_bytes: number;
  published: number;
  consumed: number;
  dropped: number;
  rejected: number;
}

export function createRing(opts: { name: string; capacityBytes: number; policy: RingPolicy }): RingDescriptor {
  if (!isPowerOfTwo(opts.capacityBytes) || opts.capacityBytes < 256) {
    throw new CambistError('RING_BAD_CAPACITY', `ring ${opts.name}: capacity ${opts.capacityBytes} must be a power of two ≥ 256 bytes`);
  }
  const sab = new SharedArrayBuffer(HEADER_BYTES + opts.capacityBytes);
  const i32 = new Int32Array(sab, 0, HEADER_BYTES / 4);
  i32[POLICY] = POLICY_CODE[opts.policy];
  i32[CAPACITY] = opts.capacityBytes;
  return { name: opts.name, policy: opts.policy, sab };
}

/** Statistics readable from any thread; every figure "can be late" by the time it is returned. */
export function ringStats(d: RingDescriptor): RingStats {
  const i32 = new Int32Array(d.sab, 0, HEADER_BYTES / 4);
  const head = Atomics.load(i32, HEAD);
  const tail = Atomics.load(i32, TAIL);
  return {
    name: d.name,
    policy: d.policy,
    capacity_bytes: i32[CAPACITY],
    depth_bytes: (head - tail) >>> 0,
    published: Atomics.load(i32, PUBLISHED) >>> 0,
    consumed: Atomics.load(i32, CONSUMED) >>> 0,
    dropped: Atomics.load(i32, DROPPED) >>> 0,
    rejected: Atomics.load(i32, REJECTED) >>> 0,
  };
}

class RingSide {
  readonly name: string;
  readonly policy: RingPolicy;
  readonly mem: Memory;
  protected readonly i32: Int32Array;
  protected readonly cap: number;
  protected readonly mask: number;
  /** Largest payload one record may carry: half the ring, so a wrap marker plus it always fits. */
  readonly maxPayload: number;

  constructor(d: RingDescriptor) {
    this.name = d.name;
    this.policy = d.policy;
    this.mem = memoryOf(d.sab);
    this.i32 = new Int32Array(d.sab, 0, HEADER_BYTES / 4);
    this.cap = this.i32[CAPACITY];
    this.mask = this.cap - 1;
    this.maxPayload = this.cap / 2 - FRAME_BYTES;
  }

  /** Byte offset (in the SAB) of ring position `cursor`. */
  protected at(cursor: number): number {
    return HEADER_BYTES + (cursor & this.mask);
  }

  /** Bytes a record occupies at `cursor`, reading its frame (a wrap marker skips to the end). */
  protected spanAt(cursor: number): number {
    const off = this.at(cursor);
    const magic = this.mem.dv.getUint32(off + 4, true);
    if (magic === PAD_MAGIC) return this.cap - (cursor & this.mask);
    return FRAME_BYTES + align8(this.mem.dv.getUint32(off, true));
  }
}

/**
 * The single producer of one ring. Writes are zero-copy: `claim(n)` returns the SAB byte offset where
 * the caller writes an n-byte payload straight into shared memory (through `mem`), then `publish()`
 * makes it visible. Only one claim may be open at a time.
 */
export class RingProducer extends RingSide {
  private head: number;
  private pendingHead = -1;
  private published: number;

  constructor(d: RingDescriptor) {
    super(d);
    this.head = Atomics.load(this.i32, HEAD) >>> 0;
    this.published = Atomics.load(this.i32, PUBLISHED) >>> 0;
  }

  /**
   * Reserve room for a payload of `payloadBytes`. Returns the payload's byte offset in the SAB, or -1
   * when the ring is full and its policy is `reject` (the caller escalates: commands never drop).
   * Under `drop-oldest` the oldest records are released to make room and counted in DROPPED.
   */
  claim(payloadBytes: number): number {
    if (payloadBytes > this.maxPayload || payloadBytes < 0) {
      throw new CambistError('RING_RECORD_TOO_LARGE', `ring ${this.name}: record of ${payloadBytes} bytes exceeds ${this.maxPayload}; raise its capacity`, { retry: 'fatal' });
    }
    const need = FRAME_BYTES + align8(payloadBytes);
    const pos = this.head & this.mask;
    const contiguous = this.cap - pos;
    const pad = contiguous < need ? contiguous : 0;
    const total = pad + need;
    if (!this.makeRoom(total)) return -1;
    const dv = this.mem.dv;
    let start = this.head;
    if (pad > 0) {
      // The record would straddle the end: mark the tail of the buffer as padding so the consumer
      // skips to offset 0, where the record really starts.
      const off = this.at(start);
      dv.setUint32(off, 0, true);
      dv.setUint32(off + 4, PAD_MAGIC, true);
      start = (start + pad) >>> 0;
    }
    const off = this.at(start);
    dv.setUint32(off, payloadBytes, true);
    dv.setUint32(off + 4, FRAME_MAGIC, true);
    this.pendingHead = (this.head + total) >>> 0;
    return off + FRAME_BYTES;
  }

  /**
   * Make the claimed record visible. The `Atomics.store` on HEAD is sequentially consistent, so every
   * plain write into the payload before it happens-before the consumer's `Atomics.load` of HEAD that
   * sees the new value: a consumer can never observe the cursor without the bytes behind it.
   */
  publish(): void {
    if (this.pendingHead < 0) throw new CambistError('RING_NO_CLAIM', `ring ${this.name}: publish() without claim()`, { retry: 'fatal' });
    this.head = this.pendingHead;
    this.pendingHead = -1;
    // PUBLISHED is a statistic: a plain store (aligned Int32 writes never tear) is enough and spares
    // a second fence on the hot path. HEAD is the publication point and must be the Atomics.store.
    this.published = (this.published + 1) >>> 0;
    this.i32[PUBLISHED] = this.published | 0;
    Atomics.store(this.i32, HEAD, this.head | 0);
  }

  /** Copy `src` in as one record. Returns false when a `reject` ring is full. */
  push(src: Uint8Array): boolean {
    const off = this.claim(src.byteLength);
    if (off < 0) return false;
    this.mem.u8.set(src, off);
    this.publish();
    return true;
  }

  private makeRoom(total: number): boolean {
    for (;;) {
      const tail = Atomics.load(this.i32, TAIL) >>> 0;
      if (this.cap - ((this.head - tail) >>> 0) >= total) return true;
      if (this.policy === 'reject') {
        Atomics.add(this.i32, REJECTED, 1);
        return false;
      }
      // drop-oldest: release the oldest record ourselves. The consumer may be releasing the same
      // record at this moment, so the move is a CAS from the tail we read: if it fails, the consumer
      // got there first and we simply re-read the tail. Bytes behind the tail are only rewritten
      // after this CAS succeeds, which is what lets the consumer detect a record lost under it.
      const span = this.spanAt(tail);
      if (Atomics.compareExchange(this.i32, TAIL, tail | 0, ((tail + span) >>> 0) | 0) === (tail | 0)) {
        if (this.mem.dv.getUint32(this.at(tail) + 4, true) !== PAD_MAGIC) Atomics.add(this.i32, DROPPED, 1);
      }
    }
  }
}

/** A record handed to a consumer: valid only until the handler returns (copy anything kept longer). */
export type RecordHandler = (mem: Memory, offset: number, length: number) => void;

/**
 * The single consumer of one ring.
 *
 * On a `reject` ring the producer never touches TAIL, so records are handed to the handler in place
 * (zero-copy) and released in one store per batch. On a `drop-oldest` ring the producer may release
 * (and then overwrite) a record while we read it, so each record is first copied to a private
 * scratch buffer and only delivered if the CAS that releases it succeeds; a failed CAS means the
 * producer dropped it under us and the copy is discarded.
 */
export class RingConsumer extends RingSide {
  private readonly scratch: Memory;
  private consumed: number;

  constructor(d: RingDescriptor) {
    super(d);
    this.scratch = memoryOf(new ArrayBuffer(this.maxPayload + 8));
    this.consumed = Atomics.load(this.i32, CONSUMED) >>> 0;
  }

  /** Records currently waiting (can be late). */
  isEmpty(): boolean {
    return Atomics.load(this.i32, HEAD) === Atomics.load(this.i32, TAIL);
  }

  /** Deliver up to `max` records to `handler`; returns how many were delivered. */
  drain(handler: RecordHandler, max = 1024): number {
    return this.policy === 'reject' ? this.drainInPlace(handler, max) : this.drainCopying(handler, max);
  }

  private drainInPlace(handler: RecordHandler, max: number): number {
    const head = Atomics.load(this.i32, HEAD) >>> 0;
    let tail = Atomics.load(this.i32, TAIL) >>> 0;
    let n = 0;
    while (tail !== head && n < max) {
      const off = this.at(tail);
      const dv = this.mem.dv;
      const magic = dv.getUint32(off + 4, true);
      if (magic === PAD_MAGIC) {
        tail = (tail + this.cap - (tail & this.mask)) >>> 0;
        continue;
      }
      if (magic !== FRAME_MAGIC) this.corrupt(tail, magic);
      const len = dv.getUint32(off, true);
      handler(this.mem, off + FRAME_BYTES, len);
      tail = (tail + FRAME_BYTES + align8(len)) >>> 0;
      n++;
    }
    if (n > 0 || tail !== (Atomics.load(this.i32, TAIL) >>> 0)) this.release(tail, n);
    return n;
  }

  private drainCopying(handler: RecordHandler, max: number): number {
    let n = 0;
    while (n < max) {
      const tail = Atomics.load(this.i32, TAIL) >>> 0;
      if (tail === (Atomics.load(this.i32, HEAD) >>> 0)) break;
      const off = this.at(tail);
      const dv = this.mem.dv;
      const magic = dv.getUint32(off + 4, true);
      const len = dv.getUint32(off, true);
      let span: number;
      if (magic === PAD_MAGIC) span = this.cap - (tail & this.mask);
      else if (magic === FRAME_MAGIC && len <= this.maxPayload) span = FRAME_BYTES + align8(len);
      else {
        // Either the producer overwrote this spot after dropping it (TAIL has moved: retry), or
        // the ring is corrupt (TAIL has not moved: fail loudly).
        if ((Atomics.load(this.i32, TAIL) >>> 0) === tail) this.corrupt(tail, magic);
        continue;
      }
      if (magic === FRAME_MAGIC) {
        // Word copy (payloads are 8-aligned and padded): no subarray allocation per record.
        const src = this.mem.i32;
        const dst = this.scratch.i32;
        const from = (off + FRAME_BYTES) >> 2;
        const words = align8(len) >> 2;
        for (let i = 0; i < words; i++) dst[i] = src[from + i];
      }
      if (Atomics.compareExchange(this.i32, TAIL, tail | 0, ((tail + span) >>> 0) | 0) !== (tail | 0)) continue;
      if (magic === PAD_MAGIC) continue;
      this.consumed = (this.consumed + 1) >>> 0;
      this.i32[CONSUMED] = this.consumed | 0; // statistic: plain store, see publish()
      handler(this.scratch, 0, len);
      n++;
    }
    return n;
  }

  private release(tail: number, n: number): void {
    this.consumed = (this.consumed + n) >>> 0;
    Atomics.store(this.i32, CONSUMED, this.consumed | 0);
    Atomics.store(this.i32, TAIL, tail | 0);
  }

  private corrupt(cursor: number, magic: number): never {
    throw new CambistError('RING_CORRUPT', `ring ${this.name}: bad frame magic 0x${magic.toString(16)} at cursor ${cursor}`, { retry: 'fatal' });
  }
}
