// The WebGPU device of the kernel set, on its own thread (device.ts's worker): it owns the buffers and pipelines
// and runs a batch of ops as one command buffer (one compute pass between copies), then maps what was read.
// Every dispatch's parameters go into one uniform buffer per batch, one 256-byte slot each (dynamic offsets).
/// <reference types="@webgpu/types" />
import { PARAM_SLOT, type AdapterReport, type Answer, type Batch } from './protocol.js';
import { shader } from './shaders/index.js';

interface Pipe {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

const STORAGE = 0x80 | 0x4 | 0x8; // STORAGE | COPY_SRC | COPY_DST

export class GpuDevice {
  private readonly buffers = new Map<number, GPUBuffer>();
  private readonly pipes = new Map<string, Pipe>();
  private readonly groups = new Map<string, GPUBindGroup>();
  private readonly paramLayout: GPUBindGroupLayout;
  private params: GPUBuffer | null = null;
  private paramGroup: GPUBindGroup | null = null;
  private lost: string | null = null;

  private constructor(
    private readonly device: GPUDevice,
    readonly report: AdapterReport,
  ) {
    this.paramLayout = device.createBindGroupLayout({
      entries: [{ binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: PARAM_SLOT } }],
    });
    void device.lost.then((info) => (this.lost ??= `the GPU device was lost (${info.reason}): ${info.message}`));
    // errors outside the scopes of a batch (Dawn would only log them): the next answer fails with it
    device.onuncapturederror = (e) => (this.lost ??= `WebGPU error: ${e.error.message}`);
  }

  static async open(adapter: GPUAdapter, report: AdapterReport): Promise<GpuDevice> {
    const device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter.limits.maxBufferSize,
        maxStorageBuffersPerShaderStage: Math.min(8, adapter.limits.maxStorageBuffersPerShaderStage),
      },
    });
    return new GpuDevice(device, report);
  }

  private pipe(kernel: string): Pipe {
    let p = this.pipes.get(kernel);
    if (p) return p;
    const s = shader(kernel);
    const layout = this.device.createBindGroupLayout({
      entries: s.bindings.map((m, i) => ({ binding: i, visibility: GPUShaderStage.COMPUTE, buffer: { type: m === 'w' ? 'storage' : 'read-only-storage' } as GPUBufferBindingLayout })),
    });
    const module = this.device.createShaderModule({ code: s.code, label: kernel });
    const pipeline = this.device.createComputePipeline({
      label: kernel,
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [this.paramLayout, layout] }),
      compute: { module, entryPoint: 'main' },
    });
    p = { pipeline, layout };
    this.pipes.set(kernel, p);
    return p;
  }

  private buffer(id: number): GPUBuffer {
    const b = this.buffers.get(id);
    if (!b) throw new Error(`GPU buffer ${id} does not exist`);
    return b;
  }

  private group(kernel: string, p: Pipe, bind: number[]): GPUBindGroup {
    const key = `${kernel}:${bind.join(',')}`;
    let g = this.groups.get(key);
    if (!g) {
      g = this.device.createBindGroup({ layout: p.layout, entries: bind.map((id, i) => ({ binding: i, resource: { buffer: this.buffer(id) } })) });
      this.groups.set(key, g);
    }
    return g;
  }

  private paramBuffer(slots: number): GPUBindGroup {
    const bytes = Math.max(1, slots) * PARAM_SLOT;
    if (!this.params || this.params.size < bytes) {
      this.params?.destroy();
      this.params = this.device.createBuffer({ size: Math.max(bytes, 2 * (this.params?.size ?? 0)), usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
      this.paramGroup = this.device.createBindGroup({ layout: this.paramLayout, entries: [{ binding: 0, resource: { buffer: this.params, size: PARAM_SLOT } }] });
    }
    return this.paramGroup!;
  }

  async run(batch: Batch): Promise<Answer> {
    if (this.lost) return { error: this.lost };
    const d = this.device;
    d.pushErrorScope('internal');
    d.pushErrorScope('out-of-memory');
    d.pushErrorScope('validation');
    const runs = batch.ops.filter((o) => o.op === 'run').length;
    const paramGroup = this.paramBuffer(runs);
    const packed = new Uint8Array(Math.max(1, runs) * PARAM_SLOT);
    const readBytes = batch.ops.reduce((s, o) => s + (o.op === 'read' ? o.bytes : 0), 0);
    const staging = readBytes > 0 ? d.createBuffer({ size: readBytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }) : null;
    /** Buffers to destroy once the batch has run: staging copies of writes, and freed buffers. */
    const uploads: GPUBuffer[] = [];
    const reads: [number, number][] = [];
    const enc = d.createCommandEncoder();
    let pass: GPUComputePassEncoder | null = null;
    const endPass = () => {
      pass?.end();
      pass = null;
    };
    let slot = 0;
    let at = 0;
    try {
      for (const o of batch.ops) {
        switch (o.op) {
          case 'alloc':
            this.buffers.set(o.id, d.createBuffer({ size: Math.max(4, o.bytes), usage: STORAGE }));
            break;
          case 'free':
            uploads.push(this.buffer(o.id)); // destroyed once the batch has run (Dawn must not lose a buffer in flight)
            this.buffers.delete(o.id);
            for (const k of [...this.groups.keys()]) if (k.slice(k.lastIndexOf(':') + 1).split(',').includes(String(o.id))) this.groups.delete(k);
            break;
          case 'write': {
            // through a staging copy in the encoder, so the write lands between the dispatches around it
            endPass();
            const up = d.createBuffer({ size: o.data.byteLength, usage: GPUBufferUsage.COPY_SRC, mappedAtCreation: true });
            new Uint8Array(up.getMappedRange()).set(new Uint8Array(o.data));
            up.unmap();
            enc.copyBufferToBuffer(up, 0, this.buffer(o.id), o.offset, o.data.byteLength);
            uploads.push(up);
            break;
          }
          case 'zero':
            endPass();
            enc.clearBuffer(this.buffer(o.id));
            break;
          case 'copy':
            endPass();
            enc.copyBufferToBuffer(this.buffer(o.src), o.srcOffset, this.buffer(o.dst), 0, o.bytes);
            break;
          case 'read':
            endPass();
            enc.copyBufferToBuffer(this.buffer(o.id), o.offset, staging!, at, o.bytes);
            reads.push([at, o.bytes]);
            at += o.bytes;
            break;
          case 'run': {
            const p = this.pipe(o.kernel);
            packed.set(new Uint8Array(o.params), slot * PARAM_SLOT);
            pass ??= enc.beginComputePass();
            pass.setPipeline(p.pipeline);
            pass.setBindGroup(0, paramGroup, [slot * PARAM_SLOT]);
            pass.setBindGroup(1, this.group(o.kernel, p, o.bind));
            pass.dispatchWorkgroups(o.grid[0], o.grid[1]);
            slot++;
            break;
          }
        }
      }
      endPass();
      if (runs > 0) d.queue.writeBuffer(this.params!, 0, packed);
      d.queue.submit([enc.finish()]);
    } catch (e) {
      staging?.destroy();
      for (const u of uploads) u.destroy();
      throw e;
    } finally {
      const validation = await d.popErrorScope();
      const oom = await d.popErrorScope();
      const internal = await d.popErrorScope();
      const err = validation ?? oom ?? internal;
      if (err) {
        staging?.destroy();
        for (const u of uploads) u.destroy();
        const what = validation ? 'WebGPU rejected a kernel' : oom ? 'the GPU ran out of memory' : 'the GPU driver failed';
        // eslint-disable-next-line no-unsafe-finally
        return { error: `${what}: ${err.message}` };
      }
    }
    if (this.lost) {
      staging?.destroy();
      for (const u of uploads) u.destroy();
      return { error: this.lost };
    }
    if (!staging) {
      await d.queue.onSubmittedWorkDone();
      for (const u of uploads) u.destroy();
      return this.lost ? { error: this.lost } : { reads: [] };
    }
    await staging.mapAsync(GPUMapMode.READ);
    for (const u of uploads) u.destroy();
    const all = staging.getMappedRange();
    const out = reads.map(([o, n]) => all.slice(o, o + n));
    staging.unmap();
    staging.destroy();
    return { reads: out };
  }

  /** Bytes of every buffer the device holds (the model's and the kernels' scratch). */
  bytes(): number {
    let n = 0;
    for (const b of this.buffers.values()) n += b.size;
    return n;
  }

  /**
   * Destroys the device and waits (up to a second) for Dawn to settle its `lost` promise: a thread terminated
   * while Dawn still resolves it dies in napi_throw (FATAL ERROR, seen once in a fresh-clone CI run).
   */
  async close(): Promise<void> {
    for (const b of this.buffers.values()) b.destroy();
    this.buffers.clear();
    this.params?.destroy();
    this.device.onuncapturederror = null;
    this.device.destroy();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.device.lost, new Promise((r) => (timer = setTimeout(r, 1000)))]);
    clearTimeout(timer);
  }
}
