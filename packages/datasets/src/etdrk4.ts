// ETDRK4 (Cox & Matthews, J. Comput. Phys. 176, 2002) for v' = L v + N(v) with a diagonal real L
// (a Fourier pseudo-spectral semi-discretisation), with the coefficients by Kassam & Trefethen's
// contour integrals (SIAM J. Sci. Comput. 26(4), 2005: M points on a circle of radius 1 around
// each h L_k; the upper half suffices for real L, taking real parts):
//   Q  = h mean((e^{z/2} - 1) / z),                f1 = h mean((-4 - z + e^z (4 - 3z + z^2)) / z^3),
//   f2 = h mean((2 + z + e^z (z - 2)) / z^3),      f3 = h mean((-4 - 3z - z^2 + e^z (4 - z)) / z^3),
// and the step
//   a = E2 v + Q N(v),  b = E2 v + Q N(a),  c = E2 a + Q (2 N(b) - N(v)),
//   v <- E v + f1 N(v) + 2 f2 (N(a) + N(b)) + f3 N(c),  E = e^{hL}, E2 = e^{hL/2}.
// Complex spectra are interleaved (re, im); the coefficients are real, one per mode.

/** ETDRK4 coefficients of one step size for a diagonal real linear operator. */
export interface Etdrk4Coefficients {
  e: Float64Array;
  e2: Float64Array;
  q: Float64Array;
  f1: Float64Array;
  f2: Float64Array;
  f3: Float64Array;
}

/** Kassam & Trefethen's contour-integral coefficients for step `h` and eigenvalues `lin` (M = 32 points). */
export function etdrk4Coefficients(lin: Float64Array, h: number, m = 32): Etdrk4Coefficients {
  const n = lin.length;
  const c: Etdrk4Coefficients = {
    e: new Float64Array(n),
    e2: new Float64Array(n),
    q: new Float64Array(n),
    f1: new Float64Array(n),
    f2: new Float64Array(n),
    f3: new Float64Array(n),
  };
  for (let k = 0; k < n; k++) {
    const hl = h * lin[k];
    c.e[k] = Math.exp(hl);
    c.e2[k] = Math.exp(hl / 2);
    let q = 0;
    let f1 = 0;
    let f2 = 0;
    let f3 = 0;
    for (let j = 1; j <= m; j++) {
      const th = (Math.PI * (j - 0.5)) / m;
      const zr = hl + Math.cos(th);
      const zi = Math.sin(th);
      // e^z, e^{z/2}
      const ez = Math.exp(zr);
      const er = ez * Math.cos(zi);
      const ei = ez * Math.sin(zi);
      const eh = Math.exp(zr / 2);
      const hr = eh * Math.cos(zi / 2);
      const hi = eh * Math.sin(zi / 2);
      // 1/z, 1/z^3
      const d = zr * zr + zi * zi;
      const ir = zr / d;
      const ii = -zi / d;
      const i2r = ir * ir - ii * ii;
      const i2i = 2 * ir * ii;
      const i3r = i2r * ir - i2i * ii;
      const i3i = i2r * ii + i2i * ir;
      const z2r = zr * zr - zi * zi;
      const z2i = 2 * zr * zi;
      // Q: (e^{z/2} - 1) / z
      q += (hr - 1) * ir - hi * ii;
      // f1: (-4 - z + e^z (4 - 3z + z^2)) / z^3
      let ar = 4 - 3 * zr + z2r;
      let ai = -3 * zi + z2i;
      let nr = -4 - zr + (er * ar - ei * ai);
      let ni = -zi + (er * ai + ei * ar);
      f1 += nr * i3r - ni * i3i;
      // f2: (2 + z + e^z (z - 2)) / z^3
      ar = zr - 2;
      ai = zi;
      nr = 2 + zr + (er * ar - ei * ai);
      ni = zi + (er * ai + ei * ar);
      f2 += nr * i3r - ni * i3i;
      // f3: (-4 - 3z - z^2 + e^z (4 - z)) / z^3
      ar = 4 - zr;
      ai = -zi;
      nr = -4 - 3 * zr - z2r + (er * ar - ei * ai);
      ni = -3 * zi - z2i + (er * ai + ei * ar);
      f3 += nr * i3r - ni * i3i;
    }
    c.q[k] = (h * q) / m;
    c.f1[k] = (h * f1) / m;
    c.f2[k] = (h * f2) / m;
    c.f3[k] = (h * f3) / m;
  }
  return c;
}

/** Work arrays of one ETDRK4 integrator (spectra of `2 * modes` doubles). */
export class Etdrk4Stepper {
  private readonly nv: Float64Array;
  private readonly na: Float64Array;
  private readonly nb: Float64Array;
  private readonly nc: Float64Array;
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  private readonly c: Float64Array;

  /**
   * @param coef the coefficients of the step
   * @param nonlinear writes N(v) (spectrum) into `out`; must not keep `v`
   */
  constructor(
    private readonly coef: Etdrk4Coefficients,
    private readonly nonlinear: (v: Float64Array, out: Float64Array) => void,
  ) {
    const len = 2 * coef.e.length;
    this.nv = new Float64Array(len);
    this.na = new Float64Array(len);
    this.nb = new Float64Array(len);
    this.nc = new Float64Array(len);
    this.a = new Float64Array(len);
    this.b = new Float64Array(len);
    this.c = new Float64Array(len);
  }

  /** One step of the spectrum `v` in place. */
  step(v: Float64Array): void {
    const { e, e2, q, f1, f2, f3 } = this.coef;
    const { nv, na, nb, nc, a, b, c } = this;
    const m = e.length;
    this.nonlinear(v, nv);
    for (let k = 0; k < m; k++) {
      a[2 * k] = e2[k] * v[2 * k] + q[k] * nv[2 * k];
      a[2 * k + 1] = e2[k] * v[2 * k + 1] + q[k] * nv[2 * k + 1];
    }
    this.nonlinear(a, na);
    for (let k = 0; k < m; k++) {
      b[2 * k] = e2[k] * v[2 * k] + q[k] * na[2 * k];
      b[2 * k + 1] = e2[k] * v[2 * k + 1] + q[k] * na[2 * k + 1];
    }
    this.nonlinear(b, nb);
    for (let k = 0; k < m; k++) {
      c[2 * k] = e2[k] * a[2 * k] + q[k] * (2 * nb[2 * k] - nv[2 * k]);
      c[2 * k + 1] = e2[k] * a[2 * k + 1] + q[k] * (2 * nb[2 * k + 1] - nv[2 * k + 1]);
    }
    this.nonlinear(c, nc);
    for (let i = 0; i < 2 * m; i++) {
      const k = i >> 1;
      v[i] = e[k] * v[i] + f1[k] * nv[i] + 2 * f2[k] * (na[i] + nb[i]) + f3[k] * nc[i];
    }
  }
}
