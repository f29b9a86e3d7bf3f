import { CambistError } from '../errors.ts';
import type { Memory } from '../ring/memory.ts';
import type { RingProducer } from '../ring/spsc.ts';
import { Kind, type KindId } from './kinds.ts';

/**
 * Messages are defined once, as layouts (`layouts.ts`), and this module turns a layout into a view
 * class with one typed accessor per field. A view is bound to (memory, offset) and reads or writes
 * the record in place: binding is two assignments, so a consumer keeps one view per kind and rebinds
 * it for every record without allocating.
 *
 * Every message starts with the common 32-byte header (DESIGN §3):
 * ```
 *  0  u16 kind        4  u32 length (whole record, bytes)   16 f64 exchTimeMs (epoch ms, 0 = none)
 *  2  u16 flags       8  f64 seq                            24 f64 recvUs (monotonic µs, process clock)
 * ```
 * then the kind's fixed fields (packed in declaration order, each at its natural alignment), then an
 * optional float64 "tail" array whose length is `count × perCount`, where `count` is a u16 body field
 * (levels in a BookTop, ladder points in a PoolQuote). Little-endian throughout.
 *
 * Prices and sizes are float64 on the hot path (documented in DESIGN §3); exact decimals live only at
 * the venue boundary.
 */
export type FieldType = 'u8' | 'u16' | 'u32' | 'i32' | 'f64' | 'key48';
export type FieldSpec = readonly (readonly [string, FieldType])[];

export const HEADER_BYTES = 32;
const KEY_BYTES = 48;
const SIZE: Record<FieldType, number> = { u8: 1, u16: 2, u32: 4, i32: 4, f64: 8, key48: KEY_BYTES };
const ALIGN: Record<FieldType, number> = { u8: 1, u16: 2, u32: 4, i32: 4, f64: 8, key48: 8 };

type FieldValue<T extends FieldType> = T extends 'key48' ? string : number;
export type Fields<F extends FieldSpec> = { [E in F[number] as E[0]]: FieldValue<E[1]> };

export interface TailSpec {
  /** Name of the u16 body field holding the count. */
  count: string;
  /** Float64s per counted item (e.g. 4 for a book level pair on both sides). */
  perCount: number;
}

export interface Layout<F extends FieldSpec> {
  name: string;
  kind: KindId;
  fields: F;
  tail?: TailSpec;
}

export interface ViewBase {
  readonly mem: Memory;
  readonly base: number;
  kind: number;
  flags: number;
  length: number;
  seq: number;
  exchTimeMs: number;
  recvUs: number;
  /** Index into `mem.f64` of the first tail element (records are 8-aligned). */
  readonly tailIndex: number;
  /** Number of float64s in the tail. */
  readonly tailLength: number;
  /** Bind to a record for reading: checks the kind and that `available` bytes hold the whole record. */
  read(mem: Memory, offset: number, available: number): this;
  /** Bind to fresh space for writing: sets kind and length (and the tail count), zeroes nothing else. */
  write(mem: Memory, offset: number, count?: number): this;
  /** Claim room in `producer`, bind to it, and set the header; -1-claims (full `reject` ring) throw. */
  begin(producer: RingProducer, count?: number): this;
}

export type View<F extends FieldSpec> = ViewBase & Fields<F>;

export interface MessageType<F extends FieldSpec> {
  readonly layout: Layout<F>;
  readonly bodyBytes: number;
  bytesFor(count?: number): number;
  new (): View<F>;
}

export function kindAt(mem: Memory, offset: number): number {
  return mem.dv.getUint16(offset, true);
}

export function defineMessage<const F extends FieldSpec>(layout: Layout<F>): MessageType<F> {
  const offsets = new Map<string, [number, FieldType]>();
  let at = HEADER_BYTES;
  for (const [name, type] of layout.fields) {
    at = Math.ceil(at / ALIGN[type]) * ALIGN[type];
    offsets.set(name, [at, type]);
    at += SIZE[type];
  }
  const bodyEnd = Math.ceil(at / 8) * 8;
  const tail = layout.tail;
  const countAt = tail ? offsets.get(tail.count) : undefined;
  if (tail && (!countAt || countAt[1] !== 'u16')) {
    throw new CambistError('MSG_BAD_LAYOUT', `message ${layout.name}: tail count field "${tail.count}" must be a u16 field`, { retry: 'fatal' });
  }
  const bytesFor = (count = 0) => bodyEnd + (tail ? count * tail.perCount * 8 : 0);

  class MessageView {
    mem!: Memory;
    base = 0;
    static readonly layout = layout;
    static readonly bodyBytes = bodyEnd;
    static bytesFor(count?: number): number {
      return bytesFor(count);
    }
    get tailIndex(): number {
      return (this.base + bodyEnd) / 8;
    }
    get tailLength(): number {
      return tail ? this.mem.dv.getUint16(this.base + countAt![0], true) * tail.perCount : 0;
    }
    get kind(): number { return this.mem.dv.getUint16(this.base, true); }
    set kind(v: number) { this.mem.dv.setUint16(this.base, v, true); }
    get flags(): number { return this.mem.dv.getUint16(this.base + 2, true); }
    set flags(v: number) { this.mem.dv.setUint16(this.base + 2, v, true); }
    get length(): number { return this.mem.dv.getUint32(this.base + 4, true); }
    set length(v: number) { this.mem.dv.setUint32(this.base + 4, v, true); }
    get seq(): number { return this.mem.dv.getFloat64(this.base + 8, true); }
    set seq(v: number) { this.mem.dv.setFloat64(this.base + 8, v, true); }
    get exchTimeMs(): number { return this.mem.dv.getFloat64(this.base + 16, true); }
    set exchTimeMs(v: number) { this.mem.dv.setFloat64(this.base + 16, v, true); }
    get recvUs(): number { return this.mem.dv.getFloat64(this.base + 24, true); }
    set recvUs(v: number) { this.mem.dv.setFloat64(this.base + 24, v, true); }

    read(mem: Memory, offset: number, available: number): this {
      const k = mem.dv.getUint16(offset, true);
      if (k !== layout.kind) {
        throw new CambistError('MSG_WRONG_KIND', `expected a ${layout.name} (kind ${layout.kind}) but the record has kind ${k}`, { retry: 'fatal' });
      }
      const len = available >= HEADER_BYTES ? mem.dv.getUint32(offset + 4, true) : -1;
      const count = tail && available >= bodyEnd ? mem.dv.getUint16(offset + countAt![0], true) : 0;
      if (len < 0 || available < bodyEnd || len > available || len < bytesFor(count)) {
        throw new CambistError('MSG_TRUNCATED', `${layout.name} record truncated: ${available} bytes available, header says ${len}, layout needs ${bytesFor(count)}`, { retry: 'fatal' });
      }
      this.mem = mem;
      this.base = offset;
      return this;
    }

    write(mem: Memory, offset: number, count = 0): this {
      this.mem = mem;
      this.base = offset;
      mem.dv.setUint16(offset, layout.kind, true);
      mem.dv.setUint16(offset + 2, 0, true);
      mem.dv.setUint32(offset + 4, bytesFor(count), true);
      if (tail) mem.dv.setUint16(offset + countAt![0], count, true);
      return this;
    }

    begin(producer: RingProducer, count = 0): this {
      const off = producer.claim(bytesFor(count));
      if (off < 0) {
        throw new CambistError('RING_FULL', `ring ${producer.name} is full: a ${layout.name} cannot be dropped (policy reject)`, { retry: 'fatal' });
      }
      return this.write(producer.mem, off, count);
    }
  }

  for (const [name, [off, type]] of offsets) {
    Object.defineProperty(MessageView.prototype, name, accessor(off, type));
  }
  return MessageView as unknown as MessageType<F>;
}

function accessor(off: number, type: FieldType): PropertyDescriptor {
  type V = { mem: Memory; base: number };
  switch (type) {
    case 'u8':
      return { get(this: V) { return this.mem.dv.getUint8(this.base + off); }, set(this: V, v: number) { this.mem.dv.setUint8(this.base + off, v); } };
    case 'u16':
      return { get(this: V) { return this.mem.dv.getUint16(this.base + off, true); }, set(this: V, v: number) { this.mem.dv.setUint16(this.base + off, v, true); } };
    case 'u32':
      return { get(this: V) { return this.mem.dv.getUint32(this.base + off, true); }, set(this: V, v: number) { this.mem.dv.setUint32(this.base + off, v, true); } };
    case 'i32':
      return { get(this: V) { return this.mem.dv.getInt32(this.base + off, true); }, set(this: V, v: number) { this.mem.dv.setInt32(this.base + off, v, true); } };
    case 'f64':
      return { get(this: V) { return this.mem.dv.getFloat64(this.base + off, true); }, set(this: V, v: number) { this.mem.dv.setFloat64(this.base + off, v, true); } };
    case 'key48':
      // Printable-ASCII trade keys, NUL-padded. Read byte by byte (TextDecoder refuses views of a
      // SharedArrayBuffer); reading allocates a string, which happens once per trade, not per tick.
      return {
        get(this: V) {
          let s = '';
          const u8 = this.mem.u8;
          for (let i = this.base + off, end = i + KEY_BYTES; i < end && u8[i] !== 0; i++) s += String.fromCharCode(u8[i]!);
          return s;
        },
        set(this: V, v: string) {
          if (v.length > KEY_BYTES || !/^[\x20-\x7e]*$/.test(v)) {
            throw new CambistError('MSG_BAD_KEY', `key "${v}" must be at most ${KEY_BYTES} printable ASCII characters`);
          }
          const u8 = this.mem.u8;
          const at = this.base + off;
          u8.fill(0, at, at + KEY_BYTES);
          for (let i = 0; i < v.length; i++) u8[at + i] = v.charCodeAt(i);
        },
      };
  }
}

/** The registered kind ids, for validation of unknown records. */
export const KNOWN_KINDS: ReadonlySet<number> = new Set(Object.values(Kind));
