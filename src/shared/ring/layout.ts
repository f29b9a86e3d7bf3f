/**
 * Byte layout of one SPSC ring over a SharedArrayBuffer.
 *
 * ```
 *  offset  size  owner     field
 *  0       4     producer  HEAD      write cursor: bytes ever published (u32, wraps at 2^32)
 *  4       4     producer  PUBLISHED records ever published (u32, wraps)
 *  64      4     both      TAIL      read cursor: bytes ever released (u32, wraps). Written by the
 *                                    consumer and, under `drop-oldest` only, by the producer (CAS)
 *  68      4     consumer  CONSUMED  records ever consumed (u32, wraps)
 *  128     4     producer  DROPPED   records dropped by `drop-oldest` (u32, wraps)
 *  132     4     producer  REJECTED  claims refused by `reject` when full (u32, wraps)
 *  136     4     producer  POLICY    0 = reject, 1 = drop-oldest (set once at creation)
 *  140     4     producer  CAPACITY  data bytes (power of two)
 *  192     cap   data      records
 * ```
 *
 * HEAD and TAIL sit on separate 64-byte lines so the producer's and the consumer's hot writes never
 * share a cache line (ringbuf.js puts them side by side). Cursors are free-running u32 byte counts:
 * the capacity is a power of two that divides 2^32, so `cursor & (cap - 1)` stays the position after
 * the counter wraps, and `(head - tail) >>> 0` is always the bytes in use.
 *
 * A record is a frame of 8 bytes followed by the payload, padded to a multiple of 8 so every payload
 * starts 8-aligned (message views lay Float64 arrays over it):
 * `u32 payloadBytes | u32 FRAME_MAGIC` for data, or `u32 0 | u32 PAD_MAGIC` for a wrap marker that
 * says "skip to the start of the buffer" when a record would not fit before the end.
 */
export const HEAD = 0;
export const PUBLISHED = 1;
export const TAIL = 16;
export const CONSUMED = 17;
export const DROPPED = 32;
export const REJECTED = 33;
export const POLICY = 34;
export const CAPACITY = 35;
/** Int32 slots in the header (192 bytes). */
export const HEADER_BYTES = 192;
export const FRAME_BYTES = 8;
export const FRAME_MAGIC = 0x52_45_43_31; // "REC1"
export const PAD_MAGIC = 0x50_41_44_31; // "PAD1"

export type RingPolicy = 'reject' | 'drop-oldest';
export const POLICY_CODE: Record<RingPolicy, number> = { reject: 0, 'drop-oldest': 1 };

export function align8(n: number): number {
  return (n + 7) & ~7;
}

export function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}
