// A straightforward float64 implementation of the same GPT maths, loops only, for checking the TF.js model.
import type { ModelConfig } from '../../trainer/config.js';

type P = Map<string, Float64Array>;

function matvec(x: Float64Array, w: Float64Array, b: Float64Array | undefined, inD: number, outD: number): Float64Array {
  const y = new Float64Array(outD);
  for (let o = 0; o < outD; o++) {
    let s = b ? b[o] : 0;
    for (let i = 0; i < inD; i++) s += x[i] * w[i * outD + o];
    y[o] = s;
  }
  return y;
}

function norm(c: ModelConfig, x: Float64Array, p: P, name: string): Float64Array {
  const d = x.length;
  const g = p.get(`${name}.weight`)!;
  const b = p.get(`${name}.bias`);
  const y = new Float64Array(d);
  if (c.norm === 'rmsnorm') {
    let ms = 0;
    for (const v of x) ms += v * v;
    const r = 1 / Math.sqrt(ms / d + c.normEps);
    for (let i = 0; i < d; i++) y[i] = x[i] * r * g[i];
    return y;
  }
  let mean = 0;
  for (const v of x) mean += v / d;
  let vr = 0;
  for (const v of x) vr += (v - mean) ** 2 / d;
  for (let i = 0; i < d; i++) y[i] = ((x[i] - mean) / Math.sqrt(vr + c.normEps)) * g[i] + (b ? b[i] : 0);
  return y;
}

const gelu = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));

/** Mean next-token cross-entropy of windows (B, T+1). */
export function referenceLoss(c: ModelConfig, p: P, windows: Int32Array, B: number, T: number): number {
  const d = c.dModel;
  const H = c.nHeads;
  const hd = d / H;
  let total = 0;
  for (let b = 0; b < B; b++) {
    const tok = (t: number) => windows[b * (T + 1) + t];
    let xs: Float64Array[] = [];
    for (let t = 0; t < T; t++) {
      const x = new Float64Array(d);
      for (let i = 0; i < d; i++) x[i] = p.get('wte.weight')![tok(t) * d + i] + (c.positions === 'learned' ? p.get('wpe.weight')![t * d + i] : 0);
      xs.push(x);
    }
    for (let l = 0; l < c.nLayers; l++) {
      const pre = `h.${l}`;
      const qkv = xs.map((x) => matvec(norm(c, x, p, `${pre}.ln_1`), p.get(`${pre}.attn.c_attn.weight`)!, p.get(`${pre}.attn.c_attn.bias`), d, 3 * d));
      const rot = (v: Float64Array, off: number, t: number) => {
        const out = new Float64Array(d);
        for (let h = 0; h < H; h++)
          for (let i = 0; i < hd; i++) out[h * hd + i] = v[off + h * hd + i];
        if (c.positions !== 'rope') return out;
        const half = hd / 2;
        for (let h = 0; h < H; h++)
          for (let i = 0; i < half; i++) {
            const a = t * Math.pow(c.ropeBase, (-2 * i) / hd);
            const x1 = v[off + h * hd + i];
            const x2 = v[off + h * hd + i + half];
            out[h * hd + i] = x1 * Math.cos(a) - x2 * Math.sin(a);
            out[h * hd + i + half] = x2 * Math.cos(a) + x1 * Math.sin(a);
          }
        return out;
      };
      const q = qkv.map((v, t) => rot(v, 0, t));
      const k = qkv.map((v, t) => rot(v, d, t));
      const merged = xs.map(() => new Float64Array(d));
      for (let h = 0; h < H; h++)
        for (let i = 0; i < T; i++) {
          const s: number[] = [];
          for (let j = 0; j <= i; j++) {
            let dot = 0;
            for (let e = 0; e < hd; e++) dot += q[i][h * hd + e] * k[j][h * hd + e];
            s.push(dot / Math.sqrt(hd));
          }
          const m = Math.max(...s);
          const z = s.reduce((a, v) => a + Math.exp(v - m), 0);
          for (let j = 0; j <= i; j++) for (let e = 0; e < hd; e++) merged[i][h * hd + e] += (Math.exp(s[j] - m) / z) * qkv[j][2 * d + h * hd + e];
        }
      xs = xs.map((x, t) => {
        const a = matvec(merged[t], p.get(`${pre}.attn.c_proj.weight`)!, p.get(`${pre}.attn.c_proj.bias`), d, d);
        const x1 = x.map((v, i) => v + a[i]);
        const h2 = norm(c, x1, p, `${pre}.ln_2`);
        const up = matvec(h2, p.get(`${pre}.mlp.c_fc.weight`)!, p.get(`${pre}.mlp.c_fc.bias`), d, c.mlpHidden);
        let act: Float64Array;
        if (c.mlp === 'swiglu') {
          const g = matvec(h2, p.get(`${pre}.mlp.c_gate.weight`)!, p.get(`${pre}.mlp.c_gate.bias`), d, c.mlpHidden);
          act = g.map((v, i) => (v / (1 + Math.exp(-v))) * up[i]);
        } else act = up.map(gelu);
        const o = matvec(act, p.get(`${pre}.mlp.c_proj.weight`)!, p.get(`${pre}.mlp.c_proj.bias`), c.mlpHidden, d);
        return x1.map((v, i) => v + o[i]);
      });
    }
    for (let t = 0; t < T; t++) {
      const h = norm(c, xs[t], p, 'ln_f');
      const wte = p.get('wte.weight')!;
      const logits = new Float64Array(c.vocabSize);
      for (let v = 0; v < c.vocabSize; v++) for (let i = 0; i < d; i++) logits[v] += h[i] * wte[v * d + i];
      const m = Math.max(...logits);
      const lse = m + Math.log(logits.reduce((a, v) => a + Math.exp(v - m), 0));
      total += lse - logits[tok(t + 1)];
    }
  }
  return total / (B * T);
}
