// AssemblyScript: the embedding lookup and its scatter-add gradient, and the softmax cross-entropy of the tied
// output head (its gradient written over the logits). Threads split rows, or columns where rows are summed.
import { exp4, exp1, hmax, hsum, lo, loadPart, storePart } from './common';

/** out[n] = wte[tokens[n]] (+ wpe[n % T]). */
export function embed_fwd(out: usize, tokens: usize, wte: usize, wpe: usize, N: i32, T: i32, C: i32, tid: i32, nth: i32): void {
  const rs = <usize>C * 4;
  for (let n = lo(N, tid, nth), e = lo(N, tid + 1, nth); n < e; n++) {
    const src = wte + <usize>load<i32>(tokens + <usize>n * 4) * rs;
    const pos = wpe + <usize>(n % T) * rs;
    const dst = out + <usize>n * rs;
    for (let i = 0; i < C; i += 4) {
      const k = min(4, C - i);
      const o = <usize>i * 4;
      let v = loadPart(src + o, k);
      if (wpe != 0) v = f32x4.add(v, loadPart(pos + o, k));
      storePart(dst + o, v, k);
    }
  }
}

/** dwte[tokens[n]] += dout[n], dwpe[n % T] += dout[n] (dwpe may be 0), rows in order; threads split columns. */
export function embed_bwd(dwte: usize, dwpe: usize, dout: usize, tokens: usize, N: i32, T: i32, C: i32, tid: i32, nth: i32): void {
  const rs = <usize>C * 4;
  const CB = (C + 3) >> 2;
  const c0 = lo(CB, tid, nth) * 4, c1 = min(C, lo(CB, tid + 1, nth) * 4);
  for (let n = 0; n < N; n++) {
    const g = dout + <usize>n * rs;
    const dst = dwte + <usize>load<i32>(tokens + <usize>n * 4) * rs;
    const pos = dwpe + <usize>(n % T) * rs;
    for (let i = c0; i < c1; i += 4) {
      const k = min(4, c1 - i);
      const o = <usize>i * 4;
      const v = loadPart(g + o, k);
      storePart(dst + o, f32x4.add(loadPart(dst + o, k), v), k);
      if (dwpe != 0) storePart(pos + o, f32x4.add(loadPart(pos + o, k), v), k);
    }
  }
}

/**
 * losses[n] = logsumexp(logits[n]) - logits[n, targets[n]]; with gscale != 0 the row becomes its gradient
 * (softmax - onehot) · gscale, else it is left as it was.
 */
export function cross_entropy(logits: usize, losses: usize, targets: usize, N: i32, V: i32, gscale: f32, tid: i32, nth: i32): void {
  const rs = <usize>V * 4;
  for (let n = lo(N, tid, nth), e = lo(N, tid + 1, nth); n < e; n++) {
    const row = logits + <usize>n * rs;
    const tgt = load<i32>(targets + <usize>n * 4);
    const lt = load<f32>(row + <usize>tgt * 4);
    let vm = f32x4.splat(-Infinity);
    let j = 0;
    for (; j + 4 <= V; j += 4) vm = f32x4.max(vm, v128.load(row + <usize>j * 4));
    let m = hmax(vm);
    for (; j < V; j++) m = max(m, load<f32>(row + <usize>j * 4));
    const vmax = f32x4.splat(m);
    let acc = f32x4.splat(0);
    j = 0;
    for (; j + 4 <= V; j += 4) {
      const x = exp4(f32x4.sub(v128.load(row + <usize>j * 4), vmax));
      if (gscale != 0) v128.store(row + <usize>j * 4, x);
      acc = f32x4.add(acc, x);
    }
    let s = hsum(acc);
    for (; j < V; j++) {
      const x = exp1(load<f32>(row + <usize>j * 4) - m);
      if (gscale != 0) store<f32>(row + <usize>j * 4, x);
      s += x;
    }
    store<f32>(losses + <usize>n * 4, Mathf.log(s) - (lt - m));
    if (gscale != 0) {
      const f = f32x4.splat(gscale / s);
      for (j = 0; j < V; j += 4) {
        const k = min(4, V - j);
        storePart(row + <usize>j * 4, f32x4.mul(loadPart(row + <usize>j * 4, k), f), k);
      }
      store<f32>(row + <usize>tgt * 4, load<f32>(row + <usize>tgt * 4) - gscale);
    }
  }
}
