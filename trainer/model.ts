// A decoder-only GPT as in GPT-2 (tied embeddings, learned positions, pre-norm blocks, causal multi-head
// attention, GELU MLP), with RoPE / SwiGLU / RMSNorm / no-bias / dropout as options, written once over the kernels
// interface (trainer/kernels/kernels.ts). As in llm.c, every sublayer has a forward and an explicit backward, the
// forward keeps the activations the backward reads, and all buffers are allocated once per (batch, context).
// Parameters are named and laid out as in GPT-2's checkpoints (Conv1D weights are [in, out]).
import { prng } from '../datasets/prng.js';
import type { ModelConfig } from './config.js';
import type { Buf, Dropout, Kernels } from './kernels/kernels.js';

export interface ParamSpec {
  name: string;
  shape: number[];
  init: 'normal' | 'residual' | 'ones' | 'zeros';
}

/** Every parameter in a fixed order (the order of gradients, optimizer state and checkpoints). */
export function paramSpecs(c: ModelConfig): ParamSpec[] {
  const d = c.dModel;
  const specs: ParamSpec[] = [{ name: 'wte.weight', shape: [c.vocabSize, d], init: 'normal' }];
  if (c.positions === 'learned') specs.push({ name: 'wpe.weight', shape: [c.contextLength, d], init: 'normal' });
  const norm = (name: string) => {
    specs.push({ name: `${name}.weight`, shape: [d], init: 'ones' });
    if (c.bias && c.norm === 'layernorm') specs.push({ name: `${name}.bias`, shape: [d], init: 'zeros' });
  };
  const lin = (name: string, i: number, o: number, init: ParamSpec['init']) => {
    specs.push({ name: `${name}.weight`, shape: [i, o], init });
    if (c.bias) specs.push({ name: `${name}.bias`, shape: [o], init: 'zeros' });
  };
  for (let l = 0; l < c.nLayers; l++) {
    norm(`h.${l}.ln_1`);
    lin(`h.${l}.attn.c_attn`, d, 3 * d, 'normal');
    lin(`h.${l}.attn.c_proj`, d, d, 'residual');
    norm(`h.${l}.ln_2`);
    lin(`h.${l}.mlp.c_fc`, d, c.mlpHidden, 'normal');
    if (c.mlp === 'swiglu') lin(`h.${l}.mlp.c_gate`, d, c.mlpHidden, 'normal');
    lin(`h.${l}.mlp.c_proj`, c.mlpHidden, d, 'residual');
  }
  norm('ln_f');
  return specs;
}

export const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

export function countParams(c: ModelConfig): number {
  return paramSpecs(c).reduce((n, s) => n + size(s.shape), 0);
}

/** Seeded init: normal(0, std) for weights (residual projections std / sqrt(2L)), ones/zeros for norms and biases. */
export function initParams(c: ModelConfig, seed: number): Float32Array[] {
  return paramSpecs(c).map((s, i) => {
    const out = new Float32Array(size(s.shape));
    if (s.init === 'ones') return out.fill(1);
    if (s.init === 'zeros') return out;
    const std = s.init === 'residual' ? c.initStd / Math.sqrt(2 * c.nLayers) : c.initStd;
    const rand = prng((Math.imul(seed, 1000003) + Math.imul(i + 1, 7919)) >>> 0);
    for (let j = 0; j < out.length; j += 2) {
      // Box-Muller: two normals from two uniforms
      const r = Math.sqrt(-2 * Math.log(1 - rand())) * std;
      const a = 2 * Math.PI * rand();
      out[j] = r * Math.cos(a);
      if (j + 1 < out.length) out[j + 1] = r * Math.sin(a);
    }
    return out;
  });
}

/** Training FLOPs per token, nanoGPT's (PaLM appendix B) estimate: 6N + 12·L·d·T, N without position embeddings. */
export function flopsPerToken(c: ModelConfig, T: number): number {
  const n = countParams(c) - (c.positions === 'learned' ? c.contextLength * c.dModel : 0);
  return 6 * n + 12 * c.nLayers * c.dModel * T;
}

/** Windows (B, T+1) -> inputs (B, T) and targets (B, T), both row-major. */
export function splitWindows(windows: Int32Array, B: number, T: number): { inputs: Int32Array; targets: Int32Array } {
  const inputs = new Int32Array(B * T);
  const targets = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    inputs.set(windows.subarray(b * (T + 1), b * (T + 1) + T), b * T);
    targets.set(windows.subarray(b * (T + 1) + 1, (b + 1) * (T + 1)), b * T);
  }
  return { inputs, targets };
}

/** What one layer's forward keeps for its backward. */
interface LayerActs<B extends Buf> {
  ln1: B; // [N, d]
  ln1Mean: B; // [N]
  ln1Rstd: B; // [N]
  qkv: B; // [N, 3d], q and k rotated when RoPE
  probs: B; // [B, H, T, T]
  atty: B; // [N, d] attention output before c_proj
  mid: B; // [N, d] residual after attention
  ln2: B;
  ln2Mean: B;
  ln2Rstd: B;
  fc: B; // [N, hidden] c_fc output (SwiGLU: the "up" half)
  gate: B | null; // [N, hidden] SwiGLU gate
  act: B; // [N, hidden] activation, input of mlp.c_proj
}

/** Every activation and gradient scratch buffer, for up to `capacity` tokens at context T. */
interface Acts<B extends Buf> {
  batch: number;
  T: number;
  tokens: B; // int32 [N]
  targets: B; // int32 [N]
  x: B[]; // L + 1 residual streams [N, d]: x[0] embeddings, x[l + 1] output of block l
  layers: LayerActs<B>[];
  branch: B; // [N, d] a sublayer's projection before the residual add
  lnf: B;
  lnfMean: B;
  lnfRstd: B;
  logits: B; // [N, V], then its gradient
  losses: B; // [N]
  dres: B; // [N, d] gradient of the residual stream
  dbranch: B; // [N, d]
  dln: B; // [N, d]
  datty: B; // [N, d]
  dqkv: B; // [N, 3d]
  dact: B; // [N, hidden]
  dfc: B; // [N, hidden]
  dgate: B | null; // [N, hidden]
  row: B; // [d] one row of lnf (sampling)
  rowLogits: B; // [V]
}

export interface StepOptions {
  /** Dropout seed of this micro-batch; undefined: no dropout (evaluation, sampling). */
  dropoutSeed?: number;
}

/** Bytes of activations for B sequences of T tokens (what `Acts` allocates; kernel scratch comes on top). */
export function activationBytes(c: ModelConfig, B: number, T = c.contextLength): number {
  const N = B * T;
  const d = c.dModel;
  const h = c.mlpHidden;
  const sw = c.mlp === 'swiglu' ? 1 : 0;
  const perLayer = N * (d * 7 + 4) + B * c.nHeads * T * T + N * h * (2 + sw);
  const shared = N * (2 + (c.nLayers + 1) * d + d * 9 + 3 + c.vocabSize + h * (2 + sw)) + d + c.vocabSize;
  return 4 * (perLayer * c.nLayers + shared);
}

/** The largest operands the kernels pack or transpose in a step (see Kernels.reserveScratch). */
export function scratchNeeds(c: ModelConfig, B: number, T = c.contextLength): { operand: number; transposed: number; T: number } {
  const N = B * T;
  const r8 = (x: number) => Math.ceil(x / 8) * 8;
  const d = c.dModel;
  const h = c.mlpHidden;
  const operand = Math.max(d * r8(c.vocabSize), c.vocabSize * r8(d), N * r8(Math.max(3 * d, h)), h * r8(d), d * r8(Math.max(3 * d, h)));
  return { operand, transposed: N * Math.max(c.vocabSize, h, 3 * d), T };
}

export class GPT<B extends Buf = Buf> {
  readonly specs: ParamSpec[];
  /** Parameters and their gradients, in spec order. */
  readonly params: B[];
  readonly grads: B[];
  private readonly index: Map<string, number>;
  private acts: Acts<B> | null = null;
  /** Shape and options of the last forward, for the backward. */
  private last: { B: number; T: number; dropoutSeed: number | undefined } | null = null;

  constructor(
    readonly config: ModelConfig,
    readonly k: Kernels<B>,
    values: Float32Array[],
  ) {
    this.specs = paramSpecs(config);
    this.index = new Map(this.specs.map((s, i) => [s.name, i]));
    if (values.length !== this.specs.length) throw new Error(`${values.length} parameter arrays for ${this.specs.length} parameters`);
    this.params = this.specs.map((s, i) => {
      const b = k.alloc(size(s.shape));
      k.write(b, values[i]);
      return b;
    });
    this.grads = this.specs.map((s) => k.alloc(size(s.shape)));
  }

  private p(name: string): B {
    return this.params[this.index.get(name)!];
  }
  private g(name: string): B {
    return this.grads[this.index.get(name)!];
  }
  private opt(name: string, grads = false): B | null {
    const i = this.index.get(name);
    return i === undefined ? null : (grads ? this.grads : this.params)[i];
  }

  /** Parameter values, in spec order (checkpoints). */
  values(): Float32Array[] {
    return this.params.map((b) => this.k.read(b));
  }

  zeroGrad(): void {
    this.k.zero(this.grads);
  }

  private ensure(batch: number, T: number): Acts<B> {
    const c = this.config;
    if (T > c.contextLength) throw new Error(`sequence of ${T} tokens is longer than the context length ${c.contextLength}`);
    const a = this.acts;
    if (a && a.batch * a.T >= batch * T && a.batch * a.T * a.T >= batch * T * T) return a;
    const k = this.k;
    const N = batch * T;
    const d = c.dModel;
    const h = c.mlpHidden;
    const sw = c.mlp === 'swiglu';
    k.reserveScratch?.(scratchNeeds(c, batch, T));
    const layer = (): LayerActs<B> => ({
      ln1: k.alloc(N * d),
      ln1Mean: k.alloc(N),
      ln1Rstd: k.alloc(N),
      qkv: k.alloc(N * 3 * d),
      probs: k.alloc(k.attentionStateSize?.(batch, T, c.nHeads, d / c.nHeads) ?? batch * c.nHeads * T * T),
      atty: k.alloc(N * d),
      mid: k.alloc(N * d),
      ln2: k.alloc(N * d),
      ln2Mean: k.alloc(N),
      ln2Rstd: k.alloc(N),
      fc: k.alloc(N * h),
      gate: sw ? k.alloc(N * h) : null,
      act: k.alloc(N * h),
    });
    this.acts = {
      batch,
      T,
      tokens: k.alloc(N),
      targets: k.alloc(N),
      x: Array.from({ length: c.nLayers + 1 }, () => k.alloc(N * d)),
      layers: Array.from({ length: c.nLayers }, layer),
      branch: k.alloc(N * d),
      lnf: k.alloc(N * d),
      lnfMean: k.alloc(N),
      lnfRstd: k.alloc(N),
      logits: k.alloc(N * c.vocabSize),
      losses: k.alloc(N),
      dres: k.alloc(N * d),
      dbranch: k.alloc(N * d),
      dln: k.alloc(N * d),
      datty: k.alloc(N * d),
      dqkv: k.alloc(N * 3 * d),
      dact: k.alloc(N * h),
      dfc: k.alloc(N * h),
      dgate: sw ? k.alloc(N * h) : null,
      row: k.alloc(d),
      rowLogits: k.alloc(c.vocabSize),
    };
    return this.acts;
  }

  /** Dropout of call site `site` in this micro-batch, or null. */
  private drop(site: number): Dropout | null {
    const seed = this.last?.dropoutSeed;
    if (seed === undefined || !(this.config.dropout > 0)) return null;
    return { p: this.config.dropout, seed: (Math.imul(seed ^ 0x27d4eb2f, 0x165667b1) + Math.imul(site + 1, 0x9e3779b9)) >>> 0 };
  }

  private norm(out: B, mean: B, rstd: B, inp: B, name: string, N: number): void {
    const c = this.config;
    this.k.norm(out, mean, rstd, inp, this.p(`${name}.weight`), this.opt(`${name}.bias`), N, c.dModel, c.normEps, c.norm === 'rmsnorm');
  }

  private normBackward(dinp: B, dout: B, inp: B, mean: B, rstd: B, name: string, N: number): void {
    const c = this.config;
    this.k.normBackward(dinp, this.g(`${name}.weight`), this.opt(`${name}.bias`, true), dout, inp, mean, rstd, this.p(`${name}.weight`), N, c.dModel, c.norm === 'rmsnorm');
  }

  /** y [N, o] = x [N, i] @ W [i, o] + b. */
  private linear(y: B, x: B, name: string, N: number, i: number, o: number): void {
    this.k.matmul(y, x, this.p(`${name}.weight`), this.opt(`${name}.bias`), N, i, o, false);
  }

  /** dW += x^T dy, db += sum dy; dx (=, or += with accumulate) = dy W^T. */
  private linearBackward(dx: B | null, dy: B, x: B, name: string, N: number, i: number, o: number, accumulate = false): void {
    const k = this.k;
    k.matmulTN(this.g(`${name}.weight`), x, dy, N, i, o, true);
    const db = this.opt(`${name}.bias`, true);
    if (db) k.biasGrad(db, dy, N, o);
    if (dx) k.matmulNT(dx, dy, this.p(`${name}.weight`), N, o, i, accumulate);
  }

  /** Causal self-attention of block l: mid [N, d] = x + c_proj(attention(c_attn(ln_1(x)))). */
  private attention(l: number, x: B, a: LayerActs<B>, B: number, T: number): void {
    const c = this.config;
    const k = this.k;
    const N = B * T;
    const d = c.dModel;
    const pre = `h.${l}`;
    this.norm(a.ln1, a.ln1Mean, a.ln1Rstd, x, `${pre}.ln_1`, N); // [N, d]
    this.linear(a.qkv, a.ln1, `${pre}.attn.c_attn`, N, d, 3 * d); // [N, 3d]
    if (c.positions === 'rope') k.rope(a.qkv, B, T, c.nHeads, d / c.nHeads, c.ropeBase, false);
    k.attention(a.atty, a.probs, a.qkv, B, T, c.nHeads, d / c.nHeads, this.drop(3 * l + 1)); // [N, d]
    const br = this.acts!.branch;
    this.linear(br, a.atty, `${pre}.attn.c_proj`, N, d, d); // [N, d]
    const dr = this.drop(3 * l + 2);
    if (dr) k.dropout(br, br, N * d, dr);
    k.add(a.mid, x, br, N * d);
  }

  /** dres: gradient of mid in, gradient of x out. */
  private attentionBackward(l: number, x: B, a: LayerActs<B>, B: number, T: number): void {
    const c = this.config;
    const k = this.k;
    const s = this.acts!;
    const N = B * T;
    const d = c.dModel;
    const pre = `h.${l}`;
    let dy = s.dres;
    const dr = this.drop(3 * l + 2);
    if (dr) {
      k.dropout(s.dbranch, s.dres, N * d, dr);
      dy = s.dbranch;
    }
    this.linearBackward(s.datty, dy, a.atty, `${pre}.attn.c_proj`, N, d, d);
    k.attentionBackward(s.dqkv, s.datty, a.qkv, a.probs, B, T, c.nHeads, d / c.nHeads, this.drop(3 * l + 1)); // [N, 3d]
    if (c.positions === 'rope') k.rope(s.dqkv, B, T, c.nHeads, d / c.nHeads, c.ropeBase, true);
    this.linearBackward(s.dln, s.dqkv, a.ln1, `${pre}.attn.c_attn`, N, d, 3 * d);
    this.normBackward(s.dres, s.dln, x, a.ln1Mean, a.ln1Rstd, `${pre}.ln_1`, N);
  }

  /** The MLP of block l: out [N, d] = mid + c_proj(act(c_fc(ln_2(mid)))), act GELU or SwiGLU with c_gate. */
  private mlp(l: number, a: LayerActs<B>, out: B, N: number): void {
    const c = this.config;
    const k = this.k;
    const d = c.dModel;
    const h = c.mlpHidden;
    const pre = `h.${l}`;
    this.norm(a.ln2, a.ln2Mean, a.ln2Rstd, a.mid, `${pre}.ln_2`, N);
    this.linear(a.fc, a.ln2, `${pre}.mlp.c_fc`, N, d, h); // [N, h]
    if (a.gate) {
      this.linear(a.gate, a.ln2, `${pre}.mlp.c_gate`, N, d, h);
      k.swiglu(a.act, a.gate, a.fc, N * h);
    } else k.gelu(a.act, a.fc, N * h);
    const br = this.acts!.branch;
    this.linear(br, a.act, `${pre}.mlp.c_proj`, N, h, d); // [N, d]
    const dr = this.drop(3 * l + 3);
    if (dr) k.dropout(br, br, N * d, dr);
    k.add(out, a.mid, br, N * d);
  }

  /** dres: gradient of the block's output in, gradient of mid out. */
  private mlpBackward(l: number, a: LayerActs<B>, N: number): void {
    const c = this.config;
    const k = this.k;
    const s = this.acts!;
    const d = c.dModel;
    const h = c.mlpHidden;
    const pre = `h.${l}`;
    let dy = s.dres;
    const dr = this.drop(3 * l + 3);
    if (dr) {
      k.dropout(s.dbranch, s.dres, N * d, dr);
      dy = s.dbranch;
    }
    this.linearBackward(s.dact, dy, a.act, `${pre}.mlp.c_proj`, N, h, d); // dact [N, h]
    if (a.gate) {
      k.swigluBackward(s.dgate!, s.dfc, s.dact, a.gate, a.fc, N * h);
      this.linearBackward(s.dln, s.dfc, a.ln2, `${pre}.mlp.c_fc`, N, d, h);
      this.linearBackward(s.dln, s.dgate!, a.ln2, `${pre}.mlp.c_gate`, N, d, h, true);
    } else {
      k.geluBackward(s.dfc, s.dact, a.fc, N * h);
      this.linearBackward(s.dln, s.dfc, a.ln2, `${pre}.mlp.c_fc`, N, d, h);
    }
    this.normBackward(s.dres, s.dln, a.mid, a.ln2Mean, a.ln2Rstd, `${pre}.ln_2`, N);
  }

  /** Block l: x[l + 1] = mlp(attention(x[l])). */
  private block(l: number, B: number, T: number): void {
    const s = this.acts!;
    this.attention(l, s.x[l], s.layers[l], B, T);
    this.mlp(l, s.layers[l], s.x[l + 1], B * T);
  }

  private blockBackward(l: number, B: number, T: number): void {
    const s = this.acts!;
    this.mlpBackward(l, s.layers[l], B * T);
    this.attentionBackward(l, s.x[l], s.layers[l], B, T);
  }

  /** Embeddings and every block; leaves ln_f of the last residual stream in lnf [N, d]. */
  private trunk(tokens: Int32Array, B: number, T: number): Acts<B> {
    const c = this.config;
    const k = this.k;
    const s = this.ensure(B, T);
    const N = B * T;
    for (let i = 0; i < N; i++) if (!(tokens[i] >= 0 && tokens[i] < c.vocabSize)) throw new RangeError(`token id ${tokens[i]} at ${i} is outside the vocabulary (${c.vocabSize})`);
    k.writeInts(s.tokens, tokens);
    k.embedding(s.x[0], s.tokens, this.p('wte.weight'), this.opt('wpe.weight'), N, T, c.dModel); // [N, d]
    const dr = this.drop(0);
    if (dr) k.dropout(s.x[0], s.x[0], N * c.dModel, dr);
    for (let l = 0; l < c.nLayers; l++) this.block(l, B, T);
    this.norm(s.lnf, s.lnfMean, s.lnfRstd, s.x[c.nLayers], 'ln_f', N);
    return s;
  }

  /**
   * Mean next-token cross-entropy of windows (B, T+1): inputs [:, :T], targets [:, 1:]. With gradScale != 0 the
   * logits' gradient is scaled by gradScale / (B·T) and kept for backward().
   */
  forward(windows: Int32Array, B: number, T: number, o: StepOptions & { gradScale?: number } = {}): number {
    const c = this.config;
    this.last = { B, T, dropoutSeed: o.dropoutSeed };
    const { inputs, targets } = splitWindows(windows, B, T);
    const s = this.trunk(inputs, B, T);
    const N = B * T;
    this.k.writeInts(s.targets, targets);
    this.k.matmulNT(s.logits, s.lnf, this.p('wte.weight'), N, c.dModel, c.vocabSize, false); // [N, V] tied head
    this.k.crossEntropy(s.logits, s.losses, s.targets, N, c.vocabSize, (o.gradScale ?? 0) / N);
    const losses = this.k.read(s.losses, 0, N);
    let sum = 0;
    for (let i = 0; i < N; i++) sum += losses[i];
    return sum / N;
  }

  /** Adds the gradient of the last forward's loss (times its gradScale) to the gradients. */
  backward(): void {
    const c = this.config;
    const k = this.k;
    const s = this.acts!;
    const { B, T } = this.last!;
    const N = B * T;
    const d = c.dModel;
    const wte = this.p('wte.weight');
    k.matmul(s.dln, s.logits, wte, null, N, c.vocabSize, d, false); // dlnf [N, d] = dlogits @ wte
    k.matmulTN(this.g('wte.weight'), s.logits, s.lnf, N, c.vocabSize, d, true); // dwte += dlogits^T @ lnf
    k.zero([s.dres]);
    this.normBackward(s.dres, s.dln, s.x[c.nLayers], s.lnfMean, s.lnfRstd, 'ln_f', N);
    for (let l = c.nLayers - 1; l >= 0; l--) this.blockBackward(l, B, T);
    const dr = this.drop(0);
    if (dr) k.dropout(s.dres, s.dres, N * d, dr);
    k.embeddingBackward(this.g('wte.weight'), this.opt('wpe.weight', true), s.dres, s.tokens, N, T, d);
  }

  /** Final hidden states [B*T, d] (after ln_f) of tokens (B, T), without dropout. */
  hidden(tokens: Int32Array, B: number, T: number): Float32Array {
    this.last = { B, T, dropoutSeed: undefined };
    const s = this.trunk(tokens, B, T);
    return this.k.read(s.lnf, 0, B * T * this.config.dModel);
  }

  /** Logits [V] of the token after `context` (cropped to the context length). */
  nextLogits(context: Int32Array): Float32Array {
    const c = this.config;
    const T = Math.min(context.length, c.contextLength);
    this.last = { B: 1, T, dropoutSeed: undefined };
    const s = this.trunk(context.subarray(context.length - T), 1, T);
    this.k.copy(s.row, s.lnf, (T - 1) * c.dModel, c.dModel);
    this.k.matmulNT(s.rowLogits, s.row, this.p('wte.weight'), 1, c.dModel, c.vocabSize, false);
    return this.k.read(s.rowLogits);
  }
}
