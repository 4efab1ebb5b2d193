// Adam update, f32x4 (IEEE single, like tfjs-wasm's XNNPACK ops): see adam_kernel.ts.
export function adam(
  p: usize,
  g: usize,
  m: usize,
  v: usize,
  vmax: usize,
  po: usize,
  mo: usize,
  vo: usize,
  vmo: usize,
  n: i32,
  maximize: i32,
  decay: i32,
  decayScale: f32,
  omb1: f32,
  beta2: f32,
  omb2: f32,
  bc: f32,
  eps: f32,
  stepSize: f32,
  amsgrad: i32,
): void {
  const ds = f32x4.splat(decayScale),
    o1 = f32x4.splat(omb1),
    b2 = f32x4.splat(beta2),
    o2 = f32x4.splat(omb2);
  const bcv = f32x4.splat(bc),
    epsv = f32x4.splat(eps),
    ssv = f32x4.splat(stepSize);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    const p0 = v128.load(p + o);
    let gi = v128.load(g + o);
    if (maximize) gi = f32x4.neg(gi);
    let pi = p0;
    if (decay == 1) gi = f32x4.add(gi, f32x4.mul(p0, ds));
    else if (decay == 2) pi = f32x4.mul(p0, ds);
    const m0 = v128.load(m + o);
    const mi = f32x4.add(m0, f32x4.mul(f32x4.sub(gi, m0), o1));
    const vi = f32x4.add(f32x4.mul(v128.load(v + o), b2), f32x4.mul(f32x4.mul(gi, gi), o2));
    v128.store(mo + o, mi);
    v128.store(vo + o, vi);
    let vv = vi;
    if (amsgrad) {
      const w = v128.load(vmax + o);
      vv = v128.bitselect(vi, w, f32x4.lt(w, vi));
      v128.store(vmo + o, vv);
    }
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vv), bcv), epsv);
    v128.store(po + o, f32x4.sub(pi, f32x4.mul(f32x4.div(mi, denom), ssv)));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    const p0 = load<f32>(p + o);
    let gi = load<f32>(g + o);
    if (maximize) gi = -gi;
    let pi = p0;
    if (decay == 1) gi = gi + p0 * decayScale;
    else if (decay == 2) pi = p0 * decayScale;
    const m0 = load<f32>(m + o);
    const mi = m0 + (gi - m0) * omb1;
    const vi = load<f32>(v + o) * beta2 + gi * gi * omb2;
    store<f32>(mo + o, mi);
    store<f32>(vo + o, vi);
    let vv = vi;
    if (amsgrad) {
      const w = load<f32>(vmax + o);
      vv = w < vi ? vi : w;
      store<f32>(vmo + o, vv);
    }
    const denom = Mathf.sqrt(vv) / bc + eps;
    store<f32>(po + o, pi - (mi / denom) * stepSize);
  }
}
