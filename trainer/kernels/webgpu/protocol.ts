// What the WebGPU kernel set sends its device thread: plain records, batched until something must be read back.
// Buffers are numbers (ids); byte offsets and sizes are multiples of 4; params is one dispatch's parameter block.

export type Op =
  | { op: 'alloc'; id: number; bytes: number }
  | { op: 'free'; id: number }
  | { op: 'write'; id: number; offset: number; data: ArrayBuffer }
  | { op: 'zero'; id: number }
  | { op: 'copy'; dst: number; src: number; srcOffset: number; bytes: number }
  | { op: 'run'; kernel: string; bind: number[]; params: ArrayBuffer; grid: [number, number] }
  | { op: 'read'; id: number; offset: number; bytes: number };

export interface Batch {
  ops: Op[];
}

/** The device thread's answer to a batch: the reads' bytes in order, or what went wrong. */
export type Answer = { reads: ArrayBuffer[] } | { error: string };

export interface AdapterReport {
  /** "NVIDIA GeForce RTX 4090 (vulkan, discrete GPU)". */
  adapter: string;
  features: string[];
  limits: { maxStorageBufferBindingSize: number; maxBufferSize: number; maxComputeWorkgroupStorageSize: number };
}

export type Hello = { ok: AdapterReport } | { error: string };

/** The parameter block of one dispatch: 4-byte fields, in the order its WGSL struct declares them. */
export const PARAM_SLOT = 256;
