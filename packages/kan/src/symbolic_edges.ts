// The symbolic branch of a KAN layer (pykan's Symbolic_KANLayer): edge i -> j may be fixed to
//
//   phi_ji(x) = c * f(a * x + b) + d,      (a, b, c, d) = affine[j, i, :]
//
// with f from the symbolic library, in which case its numeric (spline + base) part is masked
// off (pykan's set_mode(l, i, j, 's')). Edges are grouped by function so the branch costs a
// few ops per distinct function, not per edge: the inputs of a group's edges are picked by a
// one-hot matMul [in, E], their affine parameters by a one-hot matMul [E, out*in], and their
// values summed into the outputs by a one-hot matMul [E, out].
import { ConfigError, Parameter, tf } from '@basiskit/tensor';
import { getSymbolic, type SymbolicFunction } from './symbolic_library';

interface EdgeGroup {
  fn: SymbolicFunction;
  /** One-hot [in, E]: column e picks edge e's input. */
  pickIn: tf.Tensor2D;
  /** One-hot [E, out*in]: row e picks edge e's affine row (and scatters per-edge values). */
  pickEdge: tf.Tensor2D;
  /** One-hot [E, out]: row e adds edge e's value to its output. */
  toOut: tf.Tensor2D;
}

/** Per-layer symbolic state: which edges are symbolic, their functions and affine parameters. */
export class SymbolicEdges {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** `affine[j, i] = [a, b, c, d]` (pykan's `Symbolic_KANLayer.affine`); trainable. */
  readonly affine: Parameter;
  private readonly names: (string | null)[];
  private groups: EdgeGroup[] = [];
  private mask: tf.Tensor2D | null = null;

  constructor(inFeatures: number, outFeatures: number) {
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.names = new Array<string | null>(inFeatures * outFeatures).fill(null);
    this.affine = new Parameter(tf.zeros([outFeatures, inFeatures, 4]));
  }

  /** Number of symbolic edges. */
  get count(): number {
    return this.names.reduce((n, v) => n + (v === null ? 0 : 1), 0);
  }

  /** The function name of edge i -> j, or null when the edge is numeric. */
  name(i: number, j: number): string | null {
    return this.names[j * this.inFeatures + i];
  }

  /** `[a, b, c, d]` of edge i -> j. */
  params(i: number, j: number): [number, number, number, number] {
    const d = this.affine.value.dataSync();
    const o = (j * this.inFeatures + i) * 4;
    return [d[o], d[o + 1], d[o + 2], d[o + 3]];
  }

  /** Fixes edge i -> j to `c * f(a x + b) + d`. */
  fix(i: number, j: number, name: string, params: readonly [number, number, number, number]): void {
    const fn = getSymbolic(name, 'fixSymbolic');
    this.checkEdge(i, j, 'fixSymbolic');
    this.names[j * this.inFeatures + i] = fn.name;
    this.setParams([[i, j, params]]);
    this.rebuild();
  }

  /** Makes edge i -> j numeric again. */
  unfix(i: number, j: number): void {
    this.checkEdge(i, j, 'unfixSymbolic');
    this.names[j * this.inFeatures + i] = null;
    this.rebuild();
  }

  /** Writes several edges' affine parameters at once. */
  setParams(items: [number, number, readonly number[]][]): void {
    const data = this.affine.value.dataSync().slice();
    for (const [i, j, p] of items) data.set(p.slice(0, 4), (j * this.inFeatures + i) * 4);
    const t = tf.tensor3d(data, [this.outFeatures, this.inFeatures, 4]);
    this.affine.assign(t);
    t.dispose();
  }

  private checkEdge(i: number, j: number, where: string): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.inFeatures) {
      throw new ConfigError('edge input out of range', { where, argument: 'i', expected: `0 <= i < ${this.inFeatures}`, got: String(i) });
    }
    if (!Number.isInteger(j) || j < 0 || j >= this.outFeatures) {
      throw new ConfigError('edge output out of range', { where, argument: 'j', expected: `0 <= j < ${this.outFeatures}`, got: String(j) });
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

  /** The numeric-edge mask [out, in] (1 = numeric), or null when every edge is numeric. */
  numericMask(): tf.Tensor2D | null {
    return this.mask;
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

  /** The symbolic branch's contribution to the outputs: x [N, in] -> [N, out] (zeros when none). */
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const parts = this.groupValues(x).map(({ g, v }) => tf.matMul(v, g.toOut));
      return parts.length ? tf.addN(parts) : tf.zeros([x.shape[0] as number, this.outFeatures]);
    });
  }

  /** Per-edge values: x [N, in] -> [N, out, in] (zero on numeric edges). */
  perEdge(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const n = x.shape[0] as number;
      const parts = this.groupValues(x).map(({ g, v }) => tf.matMul(v, g.pickEdge));
      const flat = parts.length ? tf.addN(parts) : tf.zeros([n, this.outFeatures * this.inFeatures]);
      return tf.reshape(flat, [n, this.outFeatures, this.inFeatures]);
    });
  }

  /** The state restricted to inputs `keepIn` and outputs `keepOut` (for pruning). */
  subset(keepIn: readonly number[], keepOut: readonly number[]): SymbolicEdges {
    const out = new SymbolicEdges(keepIn.length, keepOut.length);
    const aff = this.affine.value.dataSync();
    const items: [number, number, number[]][] = [];
    keepOut.forEach((j, jj) =>
      keepIn.forEach((i, ii) => {
        const o = (j * this.inFeatures + i) * 4;
        items.push([ii, jj, Array.from(aff.subarray(o, o + 4))]);
        out.names[jj * keepIn.length + ii] = this.names[j * this.inFeatures + i];
      }),
    );
    out.setParams(items);
    out.rebuild();
    return out;
  }

  /** Frees the affine parameter and the one-hot tensors. */
  dispose(): void {
    this.disposeGroups();
    this.affine.dispose();
  }
}
