/**
 * A `Memory` is one backing buffer seen through the three views message codecs need. It is created
 * once per buffer (ring, scratch copy, test buffer) so that binding a message view to a record is a
 * pair of number assignments, never an allocation.
 */
export interface Memory {
  readonly u8: Uint8Array;
  readonly dv: DataView;
  /** Float64 view of the whole buffer: index = byteOffset / 8 (records are 8-aligned). */
  readonly f64: Float64Array;
  /** Int32 view of the whole buffer, for bit-exact word copies (a Float64 copy may canonicalise NaNs). */
  readonly i32: Int32Array;
}

export function memoryOf(buffer: ArrayBufferLike): Memory {
  return {
    u8: new Uint8Array(buffer),
    dv: new DataView(buffer),
    f64: new Float64Array(buffer, 0, Math.floor(buffer.byteLength / 8)),
    i32: new Int32Array(buffer, 0, Math.floor(buffer.byteLength / 4)),
  };
}
