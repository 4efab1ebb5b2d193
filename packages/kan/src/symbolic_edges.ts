// The symbolic branch of a KAN layer (pykan's Symbolic_KANLayer), a child module of its
// KANLinear named `symbolic`: edge i -> j may be fixed to
//
//   phi_ji(x) = c * f(a * x + b) + d,      (a, b, c, d) = affine[j, i, :]
//
// with f from the symbolic library, in which case its numeric (spline + base) part is masked
// off (pykan's set_mode(l, i, j, 's')). State (so a layer with fixed edges round-trips through
// its state dict): the trainable parameter `affine` [out, in, 4] (pykan's name and layout) and
// the int32 buffer `funs` [out, in], each edge's function as an index into `symbolicNames`
// (-1: numeric; new library functions are appended, so indices stay valid). Edges are grouped
// by function so the branch costs a few ops per distinct function, not per edge: the inputs of
// a group's edges are picked by a one-hot matMul [in, E], their affine parameters by a one-hot
// matMul [E, out*in], and their values summed into the outputs by a one-hot matMul [E, out].
// These one-hots are caches rebuilt whenever `funs` changes (also when a state dict replaced it).
import { ConfigError, Module, checkNumber, checkTensor, show, tf, type Parameter } from '@basiskit/tensor';
import { getSymbolic, symbolicNames, type SymbolicFunction } from './symbolic_library';

interface EdgeGroup {
  fn: SymbolicFunction;
  /** One-hot [in, E]: column e picks edge e's input. */
  pickIn: tf.Tensor2D;
  /** One-hot [E, out*in]: row e picks edge e's affine row (and scatters per-edge values). */
  pickEdge: tf.Tensor2D;
  /** One-hot [E, out]: row e adds edge e's value to its output. */
  toOut: tf.Tensor2D;
}

/** `[a, b, c, d]` of one symbolic edge. */
export type AffineParams = readonly [number, number, number, number];

/**
 * Per-layer symbolic state (see the file header): which edges are symbolic, their functions
 * (buffer `funs`) and affine parameters (parameter `affine`).
 */
export class SymbolicEdges extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** `affine[j, i] = [a, b, c, d]` (pykan's `Symbolic_KANLayer.affine`); trainable. */
  readonly affine: Parameter;
  private names: (string | null)[];
  private groups: EdgeGroup[] = [];
  private mask: tf.Tensor2D | null = null;
  /** The `funs` tensor the names and one-hots were built from. */
  private builtFrom: tf.Tensor | null = null;

  constructor(inFeatures: number, outFeatures: number) {
    super();
    const where = 'SymbolicEdges';
    this.inFeatures = checkNumber(inFeatures, { where, argument: 'inFeatures', integer: true, min: 1 });
    this.outFeatures = checkNumber(outFeatures, { where, argument: 'outFeatures', integer: true, min: 1 });
    this.names = new Array<string | null>(inFeatures * outFeatures).fill(null);
    this.affine = this.registerParameter('affine', tf.zeros([outFeatures, inFeatures, 4]));
    this.registerBuffer('funs', tf.fill([outFeatures, inFeatures], -1, 'int32'));
    this.builtFrom = this.buffer('funs');
  }

  /** Each edge's function as an index into `symbolicNames`, -1 when numeric: [out, in] int32 (the buffer itself). */
  get funs(): tf.Tensor2D {
    return this.buffer('funs') as tf.Tensor2D;
  }

  /** Number of symbolic edges. */
  get count(): number {
    this.sync('count');
    return this.names.reduce((n, v) => n + (v === null ? 0 : 1), 0);
  }

  /** The function name of edge i -> j, or null when the edge is numeric. */
  name(i: number, j: number): string | null {
    this.sync('name');
    this.checkEdge(i, j, 'name');
    return this.names[j * this.inFeatures + i];
  }

  /** `[a, b, c, d]` of edge i -> j. */
  params(i: number, j: number): [number, number, number, number] {
    this.assertLive('params');
    this.checkEdge(i, j, 'params');
    const d = this.affine.value.dataSync();
    const o = (j * this.inFeatures + i) * 4;
    return [d[o], d[o + 1], d[o + 2], d[o + 3]];
  }

  /** Fixes edge i -> j to `c * f(a x + b) + d` (f the library function `name`). */
  fix(i: number, j: number, name: string, params: AffineParams): void {
    this.sync('fix');
    this.checkEdge(i, j, 'fix');
    const fn = getSymbolic(name, this.where('fix'));
    this.checkParams(params, 'fix');
    this.names[j * this.inFeatures + i] = fn.name;
    this.writeFuns();
    this.setParams([[i, j, params]]);
    this.rebuild();
  }

  /** Makes edge i -> j numeric again. */
  unfix(i: number, j: number): void {
    this.sync('unfix');
    this.checkEdge(i, j, 'unfix');
    this.names[j * this.inFeatures + i] = null;
    this.writeFuns();
    this.rebuild();
  }

  /** The numeric-edge mask [out, in] (1 = numeric), or null when every edge is numeric (owned by this module). */
  numericMask(): tf.Tensor2D | null {
    this.sync('numericMask');
    return this.mask;
  }

  /** The symbolic branch's contribution to the outputs: x [N, in] -> [N, out] (zeros when no edge is symbolic). */
  forward(x: tf.Tensor): tf.Tensor {
    this.sync('forward');
    checkTensor(x, { where: this.where('forward'), dtype: 'float32', rank: 2, lastDim: this.inFeatures });
    return tf.tidy(() => {
      const parts = this.groupValues(x).map(({ g, v }) => tf.matMul(v, g.toOut));
      return parts.length ? tf.addN(parts) : tf.zeros([x.shape[0], this.outFeatures]);
    });
  }

  /** Per-edge values: x [N, in] -> [N, out, in] (zero on numeric edges). */
  perEdge(x: tf.Tensor): tf.Tensor3D {
    this.sync('perEdge');
    checkTensor(x, { where: this.where('perEdge'), dtype: 'float32', rank: 2, lastDim: this.inFeatures });
    return tf.tidy(() => {
      const n = x.shape[0];
      const parts = this.groupValues(x).map(({ g, v }) => tf.matMul(v, g.pickEdge));
      const flat = parts.length ? tf.addN(parts) : tf.zeros([n, this.outFeatures * this.inFeatures]);
      return tf.reshape(flat, [n, this.outFeatures, this.inFeatures]) as tf.Tensor3D;
    });
  }

  /** A new branch holding the edges between inputs `keepIn` and outputs `keepOut` (for pruning and refining). */
  subset(keepIn: readonly number[], keepOut: readonly number[]): SymbolicEdges {
    this.sync('subset');
    const out = new SymbolicEdges(keepIn.length, keepOut.length);
    try {
      const aff = this.affine.value.dataSync();
      const items: [number, number, number[]][] = [];
      keepOut.forEach((j, jj) =>
        keepIn.forEach((i, ii) => {
          this.checkEdge(i, j, 'subset');
          const o = (j * this.inFeatures + i) * 4;
          items.push([ii, jj, Array.from(aff.subarray(o, o + 4))]);
          out.names[jj * keepIn.length + ii] = this.names[j * this.inFeatures + i];
        }),
      );
      out.writeFuns();
      out.setParams(items);
      out.rebuild();
    } catch (e) {
      out.dispose();
      throw e;
    }
    return out;
  }

  /** Frees the one-hot caches, then the parameter and buffer. */
  override dispose(): void {
    this.disposeGroups();
    super.dispose();
  }

  /** Rebuilds names and one-hots when `funs` is not the tensor they were built from (a state dict replaced it). */
  private sync(method: string): void {
    this.assertLive(method);
    const funs = this.buffer('funs');
    if (funs === this.builtFrom) return;
    const ids = funs.dataSync();
    const bad = Array.from(ids).find((id) => !Number.isInteger(id) || id < -1 || id >= symbolicNames.length);
    if (bad !== undefined) {
      throw new ConfigError('symbolic.funs holds an unknown function index', {
        where: this.where(method),
        argument: 'funs',
        expected: `-1 (numeric) or an index into symbolicNames (< ${symbolicNames.length})`,
        got: String(bad),
      });
    }
    this.names = Array.from(ids, (id) => (id < 0 ? null : symbolicNames[id]));
    this.builtFrom = funs;
    this.rebuild();
  }

  private writeFuns(): void {
    const ids = Int32Array.from(this.names, (n) => (n === null ? -1 : symbolicNames.indexOf(n)));
    this.setBuffer('funs', tf.tensor2d(ids, [this.outFeatures, this.inFeatures], 'int32'));
    this.builtFrom = this.buffer('funs');
  }

  /** Writes several edges' affine parameters at once. */
  private setParams(items: [number, number, AffineParams | number[]][]): void {
    const data = this.affine.value.dataSync().slice();
    for (const [i, j, p] of items) data.set(p.slice(0, 4), (j * this.inFeatures + i) * 4);
    const t = tf.tensor3d(data, [this.outFeatures, this.inFeatures, 4]);
    this.affine.assign(t);
    t.dispose();
  }

  private checkParams(params: unknown, method: string): void {
    if (!Array.isArray(params) || params.length !== 4 || params.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
      throw new ConfigError('invalid affine parameters', {
        where: this.where(method),
        argument: 'params',
        expected: '[a, b, c, d], four finite numbers',
        got: show(params),
      });
    }
  }

  private checkEdge(i: number, j: number, method: string): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.inFeatures) {
      throw new ConfigError('edge input out of range', { where: this.where(method), argument: 'i', expected: `0 <= i < ${this.inFeatures}`, got: show(i) });
    }
    if (!Number.isInteger(j) || j < 0 || j >= this.outFeatures) {
      throw new ConfigError('edge output out of range', { where: this.where(method), argument: 'j', expected: `0 <= j < ${this.outFeatures}`, got: show(j) });
    }
  }

  private disposeGroups(): void {
    for (const g of this.groups) tf.dispose([g.pickIn, g.pickEdge, g.toOut]);
    this.groups = [];
    this.mask?.dispose();
    this.mask = null;
  }

  private rebuild(): void {
    this.disposeGroups();
    const { inFeatures: nIn, outFeatures: nOut } = this;
    const byName = new Map<string, number[]>();
    this.names.forEach((n, e) => {
      if (n !== null) byName.set(n, [...(byName.get(n) ?? []), e]);
    });
    if (byName.size === 0) return;
    for (const [name, edges] of byName) {
      const nE = edges.length;
      const pickIn = new Float32Array(nIn * nE);
      const pickEdge = new Float32Array(nE * nOut * nIn);
      const toOut = new Float32Array(nE * nOut);
      edges.forEach((flat, e) => {
        const i = flat % nIn;
        const j = Math.floor(flat / nIn);
        pickIn[i * nE + e] = 1;
        pickEdge[e * nOut * nIn + flat] = 1;
        toOut[e * nOut + j] = 1;
      });
      this.groups.push({
        fn: getSymbolic(name),
        pickIn: tf.keep(tf.tensor2d(pickIn, [nIn, nE])),
        pickEdge: tf.keep(tf.tensor2d(pickEdge, [nE, nOut * nIn])),
        toOut: tf.keep(tf.tensor2d(toOut, [nE, nOut])),
      });
    }
    const m = Float32Array.from(this.names, (n) => (n === null ? 1 : 0));
    this.mask = tf.keep(tf.tensor2d(m, [nOut, nIn]));
  }

  /** Values of the symbolic edges for x [N, in]: each group's [N, E] with its one-hots. */
  private groupValues(x: tf.Tensor): { g: EdgeGroup; v: tf.Tensor }[] {
    const aff = tf.reshape(this.affine.value, [this.outFeatures * this.inFeatures, 4]);
    return this.groups.map((g) => {
      const xe = tf.matMul(x, g.pickIn); // [N, E]
      const p = tf.transpose(tf.matMul(g.pickEdge, aff)); // [4, E]
      const [a, b, c, d] = tf.unstack(p);
      return { g, v: tf.add(tf.mul(c, g.fn.tensor(tf.add(tf.mul(a, xe), b))), d) };
    });
  }
}
