// torch.optim.LBFGS (with its strong-Wolfe line search) on tfjs. The parameters are flattened
// into a Float64Array; the two-loop recursion and the line search run in float64 JS; the
// parameters (float32) are written back with assign.
import { collectChoice, collectNumber, ConfigError, definedOnly, isRecord, numberOk, show, tf, type Parameter, type Problem } from '@basiskit/tensor';
import { Optimizer, checkLr, type ClipOptions, type ParamGroup, type ParamState, type ResolvedParamGroup, type StateSpec } from './optimizer';

/** Options of {@link LBFGS} (PyTorch's argument names in camelCase). */
export interface LBFGSOptions {
  /** Learning rate (the initial step length of the line search). Default 1. */
  lr?: number;
  /** Maximal number of iterations per `step`. Default 20. */
  maxIter?: number;
  /** Maximal number of closure evaluations per `step`. Default `floor(maxIter·5/4)`. */
  maxEval?: number;
  /** Termination tolerance on first-order optimality (max |gradient|). Default 1e-7. */
  toleranceGrad?: number;
  /** Termination tolerance on function value / parameter changes. Default 1e-9. */
  toleranceChange?: number;
  /** Update history size. Default 100. */
  historySize?: number;
  /**
   * `'strong_wolfe'` (default here, as pykan uses it) or `null` (a fixed step `lr`;
   * PyTorch's default).
   */
  lineSearchFn?: 'strong_wolfe' | null;
}

/** {@link LBFGS}'s options, resolved. */
export type LBFGSGroupOptions = Required<LBFGSOptions>;

const NAMES = ['lr', 'maxIter', 'maxEval', 'toleranceGrad', 'toleranceChange', 'historySize', 'lineSearchFn'] as const;

// Python's min/max of two numbers (first argument kept on ties and unordered comparisons).
const pyMax = (a: number, b: number): number => (b > a ? b : a);
const pyMin = (a: number, b: number): number => (b < a ? b : a);

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function absMax(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m || Number.isNaN(v)) m = v;
  }
  return m;
}

/**
 * Minimizer of the cubic interpolating (x1, f1, g1) and (x2, f2, g2), clamped to `bounds`
 * (default the interval between x1 and x2); the bounds' midpoint when the cubic has no
 * minimizer. Port of PyTorch's `_cubic_interpolate` (Nocedal & Wright eq. 3.59).
 */
export function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number]): number {
  const [xminBound, xmaxBound] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 * d1 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return pyMin(pyMax(minPos, xminBound), xmaxBound);
  }
  return (xminBound + xmaxBound) / 2;
}

/** `obj(x, t, d)`: the loss and flat gradient at `x + t·d`. */
type DirectionalObjective = (x: Float64Array, t: number, d: Float64Array) => [number, Float64Array];

/**
 * Line search satisfying the strong Wolfe conditions (sufficient decrease `c1`, curvature
 * `c2`): a bracketing phase with cubic extrapolation, then a zoom phase with cubic
 * interpolation and PyTorch's insufficient-progress safeguard. Port of PyTorch's
 * `_strong_wolfe` (Nocedal & Wright, Algorithms 3.5/3.6). Returns
 * `[f_new, g_new, t, ls_func_evals]`.
 */
export function strongWolfe(
  objFunc: DirectionalObjective,
  x: Float64Array,
  tInit: number,
  d: Float64Array,
  f: number,
  gIn: Float64Array,
  gtd: number,
  c1 = 1e-4,
  c2 = 0.9,
  toleranceChange = 1e-9,
  maxLs = 25,
): [number, Float64Array, number, number] {
  let t = tInit;
  const dNorm = absMax(d);
  const g = gIn.slice();
  let [fNew, gNew] = objFunc(x, t, d);
  let lsFuncEvals = 1;
  let gtdNew = dot(gNew, d);

  let tPrev = 0;
  let fPrev = f;
  let gPrev = g;
  let gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [];
  let bracketF: number[] = [];
  let bracketG: Float64Array[] = [];
  let bracketGtd: number[] = [];
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      bracket = [tPrev, t];
      bracketF = [fPrev, fNew];
      bracketG = [gPrev, gNew.slice()];
      bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      bracket = [t];
      bracketF = [fNew];
      bracketG = [gNew];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      bracket = [tPrev, t];
      bracketF = [fPrev, fNew];
      bracketG = [gPrev, gNew.slice()];
      bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    // interpolate
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    // next step
    tPrev = tmp;
    fPrev = fNew;
    gPrev = gNew.slice();
    gtdPrev = gtdNew;
    [fNew, gNew] = objFunc(x, t, d);
    lsFuncEvals += 1;
    gtdNew = dot(gNew, d);
    lsIter += 1;
  }
  // reached max number of iterations?
  if (lsIter === maxLs) {
    bracket = [0, t];
    bracketF = [f, fNew];
    bracketG = [g, gNew];
  }

  // zoom phase: we now have a point satisfying the criteria, or a bracket around it.
  let insufProgress = false;
  // find high and low points in bracket
  let [lowPos, highPos] = bracketF[0] <= bracketF[bracketF.length - 1] ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    // line-search bracket is so small
    if (Math.abs(bracket[1] - bracket[0]) * dNorm < toleranceChange) break;
    // compute new trial value
    t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);
    // test that we are making sufficient progress
    const bMax = pyMax(bracket[0], bracket[1]);
    const bMin = pyMin(bracket[0], bracket[1]);
    const eps = 0.1 * (bMax - bMin);
    if (pyMin(bMax - t, t - bMin) < eps) {
      // interpolation close to boundary
      if (insufProgress || t >= bMax || t <= bMin) {
        // evaluate at 0.1 away from boundary
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insufProgress = false;
      } else {
        insufProgress = true;
      }
    } else {
      insufProgress = false;
    }
    // Evaluate new point
    [fNew, gNew] = objFunc(x, t, d);
    lsFuncEvals += 1;
    gtdNew = dot(gNew, d);
    lsIter += 1;
    if (fNew > f + c1 * t * gtd || fNew >= bracketF[lowPos]) {
      // Armijo condition not satisfied or not lower than lowest point
      bracket[highPos] = t;
      bracketF[highPos] = fNew;
      bracketG[highPos] = gNew.slice();
      bracketGtd[highPos] = gtdNew;
      [lowPos, highPos] = bracketF[0] <= bracketF[1] ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) {
        // Wolfe conditions satisfied
        done = true;
      } else if (gtdNew * (bracket[highPos] - bracket[lowPos]) >= 0) {
        // old high becomes new low
        bracket[highPos] = bracket[lowPos];
        bracketF[highPos] = bracketF[lowPos];
        bracketG[highPos] = bracketG[lowPos];
        bracketGtd[highPos] = bracketGtd[lowPos];
      }
      // new point becomes new low
      bracket[lowPos] = t;
      bracketF[lowPos] = fNew;
      bracketG[lowPos] = gNew.slice();
      bracketGtd[lowPos] = gtdNew;
    }
  }
  // return stuff
  return [bracketF[lowPos], bracketG[lowPos], bracket[lowPos], lsFuncEvals];
}

/**
 * L-BFGS, a port of PyTorch's `torch.optim.LBFGS` (itself after Mark Schmidt's minFunc), the
 * default optimizer of pykan. Each {@link LBFGS.step} runs up to `maxIter` iterations of:
 *
 * ```
 * first iteration ever:  d = -g, H_diag = 1
 * otherwise:  y = g - g_prev, s = t·d_prev; if y·s > 1e-10 push (y, s, ρ = 1/(y·s)) to the
 *             history (dropping the oldest beyond historySize), H_diag = y·s / y·y;
 *             d = -H·g by the two-loop recursion:
 *               q = -g; for i = k-1..0: α_i = ρ_i s_i·q, q -= α_i y_i
 *               r = H_diag·q; for i = 0..k-1: β = ρ_i y_i·r, r += (α_i - β) s_i;  d = r
 * t = first iteration ever ? min(1, 1/Σ|g|)·lr : lr
 * stop if g·d > -toleranceChange
 * strong_wolfe: (f, g, t) = line search from t along d (re-evaluating the closure); p += t·d
 * none:         p += t·d, then re-evaluate the closure (unless this was the last iteration)
 * stop on maxIter, maxEval, max|g| <= toleranceGrad, max|t·d| <= toleranceChange or
 * |f - f_prev| < toleranceChange
 * ```
 *
 * Differences from PyTorch: the flat vectors and the line search are float64 (PyTorch uses the
 * parameters' dtype), and the parameters are written back rounded to float32; the default
 * `lineSearchFn` is `'strong_wolfe'` (pykan's choice; PyTorch's default is none). Only one
 * parameter group is supported (as in PyTorch). Parameters without a gradient count as zero
 * gradient (PyTorch's `_gather_flat_grad`); frozen parameters are never written. Clipping
 * options, when set, apply to the gradients of every closure evaluation.
 *
 * State (in `stateDict().meta.lbfgs`, float64 arrays as number arrays so that resuming is
 * bit-exact): `func_evals`, `n_iter`, `d`, `t`, `old_dirs`, `old_stps`, `ro`, `H_diag`,
 * `prev_flat_grad`, `prev_loss`.
 *
 * Source: torch/optim/lbfgs.py (`LBFGS.step`, `_strong_wolfe`, `_cubic_interpolate`).
 */
export class LBFGS extends Optimizer<LBFGSGroupOptions> {
  private funcEvals = 0;
  private nIter = 0;
  private d: Float64Array | null = null;
  private t: number | null = null;
  private oldDirs: Float64Array[] = [];
  private oldStps: Float64Array[] = [];
  private ro: number[] = [];
  private hDiag = 1;
  private prevFlatGrad: Float64Array | null = null;
  private prevLoss: number | null = null;

  /**
   * @param params the parameters (one group only)
   * @param options L-BFGS options plus clipping ({@link ClipOptions})
   */
  constructor(params: Parameter[] | ParamGroup<LBFGSGroupOptions>[], options: LBFGSOptions & ClipOptions = {}) {
    const o = definedOnly(options);
    const maxIter = o.maxIter ?? 20;
    super(params, {
      lr: 1,
      maxIter,
      maxEval: numberOk(maxIter, { min: 1, integer: true }) ? Math.floor((maxIter * 5) / 4) : maxIter,
      toleranceGrad: 1e-7,
      toleranceChange: 1e-9,
      historySize: 100,
      lineSearchFn: 'strong_wolfe',
      ...o,
    } as LBFGSGroupOptions & ClipOptions);
    if (this.paramGroups.length !== 1) {
      throw new ConfigError("LBFGS doesn't support per-parameter options (parameter groups)", {
        where: 'LBFGS',
        argument: 'params',
        expected: 'one parameter group',
        got: `${this.paramGroups.length} groups`,
      });
    }
  }

  override get kind(): string {
    return 'LBFGS';
  }

  protected optionNames(): readonly string[] {
    return NAMES;
  }

  protected checkOptions(o: LBFGSGroupOptions, prefix: string): Problem[] {
    const out: Problem[] = [];
    const r = o as unknown as Record<string, unknown>;
    checkLr(r, prefix, out);
    collectNumber(r, 'maxIter', { min: 1, integer: true }, out, prefix);
    collectNumber(r, 'maxEval', { min: 1, integer: true }, out, prefix);
    collectNumber(r, 'toleranceGrad', { min: 0 }, out, prefix);
    collectNumber(r, 'toleranceChange', { min: 0 }, out, prefix);
    collectNumber(r, 'historySize', { min: 1, integer: true }, out, prefix);
    collectChoice(r, 'lineSearchFn', ['strong_wolfe', null], out, prefix);
    return out;
  }

  protected stateSpec(): StateSpec {
    return { tensors: [], scalars: [], together: [] };
  }

  protected updateParam(_p: Parameter, _g: tf.Tensor, _group: ResolvedParamGroup<LBFGSGroupOptions>, _s: ParamState): void {
    throw new Error('LBFGS.updateParam is not used (LBFGS overrides step)');
  }

  private get numel(): number {
    return this.paramGroups[0].params.reduce((s, p) => s + p.size, 0);
  }

  /** Current parameter values, flattened (float32 values, exact in float64). */
  private gatherParams(): Float64Array {
    const out = new Float64Array(this.numel);
    let off = 0;
    for (const p of this.paramGroups[0].params) {
      out.set(p.value.dataSync() as Float32Array, off);
      off += p.size;
    }
    return out;
  }

  /** Writes `x + t·d` (or `x` when `d` is null) into the trainable parameters, rounded to float32. */
  private setParams(x: Float64Array, t = 0, d: Float64Array | null = null): void {
    let off = 0;
    for (const p of this.paramGroups[0].params) {
      if (p.trainable) {
        const v = new Float32Array(p.size);
        for (let i = 0; i < p.size; i++) v[i] = d ? x[off + i] + t * d[off + i] : x[off + i];
        tf.tidy(() => p.value.assign(tf.tensor(v, p.shape, 'float32')));
      }
      off += p.size;
    }
  }

  /** Evaluates the loss and the flat gradient (zeros for parameters without one). */
  private evaluate(closure: () => tf.Scalar, keep: boolean): { f: number; g: Float64Array; loss: tf.Scalar | null } {
    const params = this.paramGroups[0].params;
    const trainable = params.filter((p) => p.trainable);
    let loss: tf.Scalar | null = null;
    let which: Parameter[] = [];
    const flat = tf.tidy(() => {
      let value: tf.Scalar;
      let grads: (tf.Tensor | null)[] = [];
      if (trainable.length) ({ value, grads } = this.computeGradients(closure, trainable));
      else value = this.evaluateLoss(closure);
      if (keep) loss = tf.keep(value);
      const parts: tf.Tensor[] = [tf.reshape(value, [1])];
      which = [];
      grads.forEach((g, i) => {
        if (g != null) {
          which.push(trainable[i]);
          parts.push(tf.reshape(g, [-1]));
        }
      });
      return tf.concat(parts.map((t) => tf.cast(t, 'float32')));
    });
    const data = flat.dataSync() as Float32Array;
    flat.dispose();
    const g = new Float64Array(this.numel);
    let off = 0;
    let k = 1;
    const offsets = new Map<Parameter, number>();
    for (const p of params) {
      offsets.set(p, off);
      off += p.size;
    }
    for (const p of which) {
      g.set(data.subarray(k, k + p.size), offsets.get(p)!);
      k += p.size;
    }
    return { f: data[0], g, loss };
  }

  /**
   * Runs one L-BFGS `step` (up to `maxIter` iterations, re-evaluating `closure` as PyTorch
   * does). `closure` returns the scalar loss computed from the parameters' values.
   *
   * @returns the loss of the first evaluation (before any update); the caller disposes it.
   */
  override step(closure: () => tf.Scalar): tf.Scalar {
    this.checkUsable('step');
    const group = this.paramGroups[0];
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, lineSearchFn, historySize } = group;

    const first = this.evaluate(closure, true);
    const origLoss = first.loss!;
    let loss = first.f;
    let flatGrad = first.g;
    let currentEvals = 1;
    this.funcEvals += 1;
    let optCond = absMax(flatGrad) <= toleranceGrad;
    // optimal condition
    if (optCond) return origLoss;

    try {
      // tensors cached in state (for tracing)
      let d = this.d;
      let t = this.t;
      let oldDirs = this.oldDirs;
      let oldStps = this.oldStps;
      let ro = this.ro;
      let hDiag = this.hDiag;
      let prevFlatGrad = this.prevFlatGrad;
      let prevLoss = this.prevLoss;

      let nIter = 0;
      // optimize for a max of maxIter iterations
      while (nIter < maxIter) {
        nIter += 1;
        this.nIter += 1;

        // compute gradient descent direction
        if (this.nIter === 1) {
          d = flatGrad.map((v) => -v);
          oldDirs = [];
          oldStps = [];
          ro = [];
          hDiag = 1;
        } else {
          // do lbfgs update (update memory)
          const y = flatGrad.map((v, i) => v - prevFlatGrad![i]);
          const s = d!.map((v) => v * t!);
          const ys = dot(y, s); // y*s
          if (ys > 1e-10) {
            // updating memory
            if (oldDirs.length === historySize) {
              // shift history by one (limited-memory)
              oldDirs.shift();
              oldStps.shift();
              ro.shift();
            }
            // store new direction/step
            oldDirs.push(y);
            oldStps.push(s);
            ro.push(1 / ys);
            // update scale of initial Hessian approximation
            hDiag = ys / dot(y, y); // (y*y)
          }
          // compute the approximate (L-BFGS) inverse Hessian multiplied by the gradient
          const numOld = oldDirs.length;
          const al = new Array<number>(numOld);
          // iteration in L-BFGS loop collapsed to use just one buffer
          const q = flatGrad.map((v) => -v);
          for (let i = numOld - 1; i >= 0; i--) {
            al[i] = dot(oldStps[i], q) * ro[i];
            const yi = oldDirs[i];
            for (let j = 0; j < q.length; j++) q[j] += -al[i] * yi[j];
          }
          // multiply by initial Hessian; r/d is the final direction
          const r = q.map((v) => v * hDiag);
          for (let i = 0; i < numOld; i++) {
            const beI = dot(oldDirs[i], r) * ro[i];
            const si = oldStps[i];
            const a = al[i] - beI;
            for (let j = 0; j < r.length; j++) r[j] += a * si[j];
          }
          d = r;
        }
        prevFlatGrad = flatGrad.slice();
        prevLoss = loss;

        // compute step length
        // reset initial guess for step size
        if (this.nIter === 1) {
          let sumAbs = 0;
          for (let i = 0; i < flatGrad.length; i++) sumAbs += Math.abs(flatGrad[i]);
          t = pyMin(1, 1 / sumAbs) * lr;
        } else {
          t = lr;
        }

        // directional derivative
        const gtd = dot(flatGrad, d!); // g * d
        // directional derivative is below tolerance
        if (gtd > -toleranceChange) break;

        // optional line search: user function
        let lsFuncEvals = 0;
        if (lineSearchFn === 'strong_wolfe') {
          // perform line search, using user function
          const xInit = this.gatherParams();
          const objFunc: DirectionalObjective = (x, tt, dd) => {
            this.setParams(x, tt, dd);
            const e = this.evaluate(closure, false);
            this.setParams(x);
            return [e.f, e.g];
          };
          [loss, flatGrad, t, lsFuncEvals] = strongWolfe(objFunc, xInit, t, d!, loss, flatGrad, gtd);
          this.setParams(xInit, t, d);
          optCond = absMax(flatGrad) <= toleranceGrad;
        } else {
          // no line search, simply move with fixed-step
          this.setParams(this.gatherParams(), t, d);
          if (nIter !== maxIter) {
            // re-evaluate function only if not in last iteration
            const e = this.evaluate(closure, false);
            loss = e.f;
            flatGrad = e.g;
            optCond = absMax(flatGrad) <= toleranceGrad;
            lsFuncEvals = 1;
          }
        }
        // update func eval
        currentEvals += lsFuncEvals;
        this.funcEvals += lsFuncEvals;

        // check conditions
        if (nIter === maxIter) break;
        if (currentEvals >= maxEval) break;
        // optimal condition
        if (optCond) break;
        // lack of progress
        let stepMax = 0;
        for (let i = 0; i < d!.length; i++) stepMax = pyMax(stepMax, Math.abs(d![i] * t));
        if (stepMax <= toleranceChange) break;
        if (Math.abs(loss - prevLoss) < toleranceChange) break;
      }

      this.d = d;
      this.t = t;
      this.oldDirs = oldDirs;
      this.oldStps = oldStps;
      this.ro = ro;
      this.hDiag = hDiag;
      this.prevFlatGrad = prevFlatGrad;
      this.prevLoss = prevLoss;
    } catch (e) {
      origLoss.dispose();
      throw e;
    }
    return origLoss;
  }

  protected override extraMeta(): Record<string, unknown> {
    const arr = (a: Float64Array | null) => (a ? Array.from(a) : null);
    return {
      lbfgs: {
        func_evals: this.funcEvals,
        n_iter: this.nIter,
        d: arr(this.d),
        t: this.t,
        old_dirs: this.oldDirs.map((a) => Array.from(a)),
        old_stps: this.oldStps.map((a) => Array.from(a)),
        ro: [...this.ro],
        H_diag: this.hDiag,
        prev_flat_grad: arr(this.prevFlatGrad),
        prev_loss: this.prevLoss,
      },
    };
  }

  protected override checkExtraMeta(meta: Record<string, unknown>, problems: string[]): void {
    const s = meta.lbfgs;
    if (!isRecord(s)) {
      problems.push(`meta.lbfgs: expected an object, got ${show(s)}`);
      return;
    }
    const n = this.numel;
    const isNum = (v: unknown) => typeof v === 'number';
    const vec = (v: unknown) => Array.isArray(v) && v.length === n && v.every(isNum);
    const need = (key: string, ok: boolean, expected: string) => {
      if (!ok) problems.push(`meta.lbfgs.${key}: expected ${expected}, got ${show(s[key])}`);
    };
    need('func_evals', numberOk(s.func_evals, { min: 0, integer: true }), 'an integer >= 0');
    need('n_iter', numberOk(s.n_iter, { min: 0, integer: true }), 'an integer >= 0');
    need('d', s.d === null || vec(s.d), `null or ${n} numbers`);
    need('t', s.t === null || isNum(s.t), 'null or a number');
    need('prev_flat_grad', s.prev_flat_grad === null || vec(s.prev_flat_grad), `null or ${n} numbers`);
    need('prev_loss', s.prev_loss === null || isNum(s.prev_loss), 'null or a number');
    need('H_diag', isNum(s.H_diag), 'a number');
    const hist = (v: unknown) => Array.isArray(v) && v.every(vec);
    need('old_dirs', hist(s.old_dirs), `an array of vectors of ${n} numbers`);
    need('old_stps', hist(s.old_stps), `an array of vectors of ${n} numbers`);
    need('ro', Array.isArray(s.ro) && s.ro.every(isNum), 'an array of numbers');
    const lens = [s.old_dirs, s.old_stps, s.ro].map((v) => (Array.isArray(v) ? v.length : -1));
    if (lens.some((l) => l !== lens[0])) problems.push(`meta.lbfgs: old_dirs, old_stps and ro differ in length (${lens.join(', ')})`);
    if (numberOk(s.n_iter, { min: 1 }) && (s.d === null || s.t === null || s.prev_flat_grad === null || s.prev_loss === null)) {
      problems.push('meta.lbfgs: n_iter > 0 but d, t, prev_flat_grad or prev_loss is null');
    }
  }

  protected override loadExtraMeta(meta: Record<string, unknown>): void {
    const s = meta.lbfgs as Record<string, unknown>;
    const arr = (v: unknown) => (v === null ? null : Float64Array.from(v as number[]));
    this.funcEvals = s.func_evals as number;
    this.nIter = s.n_iter as number;
    this.d = arr(s.d);
    this.t = s.t as number | null;
    this.oldDirs = (s.old_dirs as number[][]).map((a) => Float64Array.from(a));
    this.oldStps = (s.old_stps as number[][]).map((a) => Float64Array.from(a));
    this.ro = [...(s.ro as number[])];
    this.hDiag = s.H_diag as number;
    this.prevFlatGrad = arr(s.prev_flat_grad);
    this.prevLoss = s.prev_loss as number | null;
  }

  protected override clearExtra(): void {
    this.funcEvals = 0;
    this.nIter = 0;
    this.d = null;
    this.t = null;
    this.oldDirs = [];
    this.oldStps = [];
    this.ro = [];
    this.hDiag = 1;
    this.prevFlatGrad = null;
    this.prevLoss = null;
  }
}
