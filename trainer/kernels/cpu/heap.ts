// One shared WebAssembly memory for every buffer of the CPU kernel set: a bump allocator of 64-byte aligned
// blocks (buffers live as long as the kernel set), grown on demand up to wasm's 4 GiB.
export const PAGE = 65536;
/** Below this the module's own data would sit; buffers start above it. */
const BASE = 1 << 20;
export const MAX_BYTES = 65536 * PAGE;

export class Heap {
  readonly memory: WebAssembly.Memory;
  private top = BASE;
  private f32View: Float32Array;
  private i32View: Int32Array;

  constructor(initialBytes = 16 << 20) {
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(Math.max(initialBytes, BASE * 2) / PAGE), maximum: 65536, shared: true });
    this.f32View = new Float32Array(this.memory.buffer);
    this.i32View = new Int32Array(this.memory.buffer);
  }

  /** Byte offset of a new zeroed block of n 4-byte elements. */
  alloc(n: number): number {
    const off = this.top;
    const end = off + Math.ceil((Math.max(1, n) * 4) / 64) * 64;
    if (end > MAX_BYTES) throw new RangeError(`the CPU kernel set's memory would pass wasm's 4 GiB (needs ${(end / 2 ** 30).toFixed(2)} GiB)`);
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE));
    this.top = end;
    return off;
  }

  get bytes(): number {
    return this.top;
  }

  f32(): Float32Array {
    if (this.f32View.buffer.byteLength !== this.memory.buffer.byteLength) this.f32View = new Float32Array(this.memory.buffer);
    return this.f32View;
  }

  i32(): Int32Array {
    if (this.i32View.buffer.byteLength !== this.memory.buffer.byteLength) this.i32View = new Int32Array(this.memory.buffer);
    return this.i32View;
  }
}
