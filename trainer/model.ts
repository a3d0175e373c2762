// A decoder-only GPT as in GPT-2 (tied embeddings, learned positions, pre-norm blocks, causal multi-head
// attention, GELU MLP), with RoPE / SwiGLU / RMSNorm / no-bias / dropout as options. Parameters are plain
// tensors named and laid out as in GPT-2's checkpoints (Conv1D weights are [in, out]), so the forward pass is
// a pure function of (params, tokens) that tf.valueAndGrads can differentiate.
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from './config.js';
import { causalAttention, type AttentionImpl } from './attention.js';
import { embedding, gelu, layerNorm, linear, rmsNorm, swiglu, tiedHeadLogits, tiedHeadLoss } from './ops.js';

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

export function countParams(c: ModelConfig): number {
  return paramSpecs(c).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
}

/** Seeded init: normal(0, std) for weights (residual projections std / sqrt(2L)), ones/zeros for norms and biases. */
export function initParams(c: ModelConfig, seed: number): tf.Tensor[] {
  return paramSpecs(c).map((s, i) => {
    if (s.init === 'ones') return tf.ones(s.shape);
    if (s.init === 'zeros') return tf.zeros(s.shape);
    const std = s.init === 'residual' ? c.initStd / Math.sqrt(2 * c.nLayers) : c.initStd;
    return tf.randomNormal(s.shape, 0, std, 'float32', (seed * 1000003 + i * 7919) >>> 0);
  });
}

export interface ForwardOptions {
  /** Dropout seed for this micro-batch; undefined = no dropout (evaluation). */
  dropoutSeed?: number;
}

export class GPT {
  readonly specs: ParamSpec[];
  private readonly index: Map<string, number>;
  /** Attention kernel; default: the fastest for the active backend. */
  attention: AttentionImpl | undefined;

  constructor(readonly config: ModelConfig) {
    this.specs = paramSpecs(config);
    this.index = new Map(this.specs.map((s, i) => [s.name, i]));
  }

  /** Final hidden states [B*T, d] for tokens (B, T) row-major. */
  hidden(params: tf.Tensor[], tokens: Int32Array, B: number, T: number, o: ForwardOptions = {}): tf.Tensor2D {
    const c = this.config;
    if (T > c.contextLength) throw new Error(`sequence of ${T} tokens is longer than the context length ${c.contextLength}`);
    const p = (name: string): tf.Tensor => params[this.index.get(name)!];
    const opt = (name: string): tf.Tensor | undefined => (this.index.has(name) ? p(name) : undefined);
    const d = c.dModel;
    const H = c.nHeads;
    const hd = d / H;
    let seed = o.dropoutSeed;
    const drop = <X extends tf.Tensor>(x: X): X => (seed !== undefined && c.dropout > 0 ? (tf.dropout(x, c.dropout, undefined, seed++) as X) : x);
    const norm = (x: tf.Tensor, name: string): tf.Tensor2D => {
      if (c.norm === 'rmsnorm') return rmsNorm(x, p(`${name}.weight`), c.normEps);
      const y = layerNorm(x, p(`${name}.weight`), c.normEps);
      const b = opt(`${name}.bias`);
      return b ? tf.add(y, b) : y;
    };

    let x: tf.Tensor = embedding(p('wte.weight'), tokens); // [B*T, d]
    if (c.positions === 'learned') {
      const wpe = p('wpe.weight');
      const pos = T === c.contextLength ? wpe : tf.slice(wpe, [0, 0], [T, d]); // [T, d]
      x = tf.reshape(tf.add(tf.reshape(x, [B, T, d]), pos), [B * T, d]); // broadcast over B
    }
    x = drop(x);
    for (let l = 0; l < c.nLayers; l++) {
      const pre = `h.${l}`;
      const h = norm(x, `${pre}.ln_1`);
      const qkv = linear(h, p(`${pre}.attn.c_attn.weight`), opt(`${pre}.attn.c_attn.bias`)); // [B*T, 3d]
      const shape = { B, T, H, hd, ropeBase: c.positions === 'rope' ? c.ropeBase : undefined, dropout: c.dropout, seed: seed === undefined ? undefined : seed++ };
      const merged = causalAttention(qkv, shape, this.attention); // [B*T, d]
      x = tf.add(x, drop(linear(merged, p(`${pre}.attn.c_proj.weight`), opt(`${pre}.attn.c_proj.bias`))));
      const h2 = norm(x, `${pre}.ln_2`);
      const up = linear(h2, p(`${pre}.mlp.c_fc.weight`), opt(`${pre}.mlp.c_fc.bias`)); // [B*T, hidden]
      const act = c.mlp === 'swiglu' ? swiglu(linear(h2, p(`${pre}.mlp.c_gate.weight`), opt(`${pre}.mlp.c_gate.bias`)), up) : gelu(up);
      x = tf.add(x, drop(linear(act, p(`${pre}.mlp.c_proj.weight`), opt(`${pre}.mlp.c_proj.bias`))));
    }
    return norm(x, 'ln_f');
  }

  /** Mean next-token cross-entropy of windows (B, T+1) row-major: inputs [:, :T], targets [:, 1:]. */
  loss(params: tf.Tensor[], windows: Int32Array, B: number, T: number, o: ForwardOptions = {}): tf.Scalar {
    const { inputs, targets } = splitWindows(windows, B, T);
    return tiedHeadLoss(this.hidden(params, inputs, B, T, o), params[0], targets);
  }

  /** Logits [V] of the token after `context` (cropped to the context length). */
  nextLogits(params: tf.Tensor[], context: Int32Array): Float32Array {
    const T = Math.min(context.length, this.config.contextLength);
    const tokens = context.subarray(context.length - T);
    return tf.tidy(() => {
      const h = this.hidden(params, tokens, 1, T);
      const last = tf.slice(h, [T - 1, 0], [1, this.config.dModel]);
      return tiedHeadLogits(last, params[0]).dataSync() as Float32Array;
    });
  }
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

/** Training FLOPs per token, nanoGPT's (PaLM appendix B) estimate: 6N + 12·L·d·T, N without position embeddings. */
export function flopsPerToken(c: ModelConfig, T: number): number {
  const n = countParams(c) - (c.positions === 'learned' ? c.contextLength * c.dModel : 0);
  return 6 * n + 12 * c.nLayers * c.dModel * T;
}
