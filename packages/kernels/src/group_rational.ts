// The group rational op (KAT's GR-KAN activation, version A) with its fused kernels and
// hand-written gradient:
//
//   y = P(x) / Q(x),  P = sum_{j=0..m} a[g,j] x^j,  Q = 1 + sum_{j=1..n} |b[g,j-1]| |x|^j
//
// channels last, channel c in group g = floor(c / (C/G)). On cpu and wasm it runs the fused
// kernels of group_rational_kernel.ts (forward, and one backward pass for x, numerator and
// denominator); elsewhere the plain-ops reference.
import { ConfigError, DTypeError, ShapeError, formatShape, tf } from '@basiskit/tensor';
import {
  groupRationalBackward,
  groupRationalForward,
  groupRationalLayout,
  GROUP_RATIONAL_TILE_ROWS,
  type GroupRationalAttrs,
} from './group_rational_kernel';
import { groupRationalReference } from './group_rational_reference';
import { GROUP_RATIONAL_WASM_BASE64 } from './generated/group_rational_wasm';
import { simdModule } from './wasm_simd_module';
import { hasKernel, registerTypedArrayKernel, runKernel } from './typed_array_kernel';

/** tfjs kernel names of the fused group rational. */
export const GROUP_RATIONAL_KERNEL = 'BasiskitGroupRational';
export const GROUP_RATIONAL_GRAD_KERNEL = 'BasiskitGroupRationalGrad';

interface GroupRationalSimd {
  forward54(...args: number[]): void;
  backward54(...args: number[]): void;
}

/** The wasm SIMD kernels (assembly/group_rational.ts) on tfjs's heap, when they can run. */
function simdKernels(memory: WebAssembly.Memory | null): GroupRationalSimd | null {
  if (simdDisabled) return null;
  return simdModule('group_rational', GROUP_RATIONAL_WASM_BASE64, memory) as unknown as GroupRationalSimd | null;
}

let simdDisabled = false;

/**
 * Turns the wasm SIMD path of the group rational off (the wasm backend then runs the
 * JavaScript kernel on the heap); for tests and benchmarks that compare the two.
 */
export function setGroupRationalSimd(enabled: boolean): void {
  simdDisabled = !enabled;
}

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  registerTypedArrayKernel<GroupRationalAttrs>({
    kernelName: GROUP_RATIONAL_KERNEL,
    inputNames: ['x', 'numerator', 'denominator'],
    outputShapes: ([xs]) => [xs],
    accumulates: [],
    compute: ([x, a, b], [y], [xs, as, bs], { groups }) => groupRationalForward(x, a, b, y, groupRationalLayout(xs, as, bs, groups)),
    wasmCompute: (memory, [x, a, b], [y], [xs, as, bs], { groups }) => {
      const simd = simdKernels(memory);
      const L = groupRationalLayout(xs, as, bs, groups);
      if (!simd || L.numLen !== 6 || L.denLen !== 4) return false;
      simd.forward54(x, a, b, y, L.rows, L.channels, L.groups, L.sharedNumerator ? 1 : 0);
      return true;
    },
  });
  registerTypedArrayKernel<GroupRationalAttrs>({
    kernelName: GROUP_RATIONAL_GRAD_KERNEL,
    inputNames: ['dy', 'x', 'numerator', 'denominator'],
    outputShapes: ([, xs, as, bs]) => [xs, as, bs],
    accumulates: [1], // da (shared numerators sum over groups); dx and db are overwritten
    compute: ([dy, x, a, b], [dx, da, db], [, xs, as, bs], { groups }) =>
      groupRationalBackward(dy, x, a, b, dx, da, db, groupRationalLayout(xs, as, bs, groups)),
    wasmCompute: (memory, [dy, x, a, b], [dx, da, db], [, xs, as, bs], { groups }) => {
      const simd = simdKernels(memory);
      const L = groupRationalLayout(xs, as, bs, groups);
      if (!simd || L.numLen !== 6 || L.denLen !== 4) return false;
      simd.backward54(dy, x, a, b, dx, da, db, L.rows, L.channels, L.groups, L.sharedNumerator ? 1 : 0, GROUP_RATIONAL_TILE_ROWS);
      return true;
    },
  });
  tf.registerGradient({
    kernelName: GROUP_RATIONAL_KERNEL,
    inputsToSave: ['x', 'numerator', 'denominator'],
    gradFunc: (dy, saved, attrs) => {
      const [x, numerator, denominator] = saved;
      const [dx, da, db] = runKernel(
        GROUP_RATIONAL_GRAD_KERNEL,
        { dy: dy as tf.Tensor, x, numerator, denominator },
        attrs as unknown as GroupRationalAttrs,
      ) as tf.Tensor[];
      return { x: () => dx, numerator: () => da, denominator: () => db };
    },
  });
}

function validate(x: tf.Tensor, numerator: tf.Tensor, denominator: tf.Tensor, where: string): number {
  for (const [name, t] of [['x', x], ['numerator', numerator], ['denominator', denominator]] as const) {
    if (t.dtype !== 'float32') throw new DTypeError('wrong dtype', { where, argument: name, expected: 'float32', got: t.dtype });
  }
  if (x.rank < 1) throw new ShapeError('wrong rank', { where, argument: 'x', expected: 'rank >= 1 (channels last)', got: 'a scalar' });
  if (denominator.rank !== 2 || (denominator.shape[0] as number) < 1) {
    throw new ShapeError('wrong shape', { where, argument: 'denominator', expected: '[groups, n]', got: formatShape(denominator.shape) });
  }
  const groups = denominator.shape[0] as number;
  if (numerator.rank !== 2 || (numerator.shape[0] !== 1 && numerator.shape[0] !== groups) || (numerator.shape[1] as number) < 1) {
    throw new ShapeError('wrong shape', {
      where,
      argument: 'numerator',
      expected: `[${groups} or 1, m+1] (groups from denominator ${formatShape(denominator.shape)})`,
      got: formatShape(numerator.shape),
    });
  }
  const channels = x.shape[x.rank - 1] as number;
  if (channels % groups !== 0) {
    throw new ConfigError('channels not divisible by groups', {
      where,
      argument: 'x',
      expected: `last dim a multiple of ${groups}`,
      got: `shape ${formatShape(x.shape)}`,
    });
  }
  return groups;
}

/** Options of {@link groupRational}. */
export interface GroupRationalOptions {
  /** Force the plain-ops reference (`'reference'`) or the fused kernel (`'fused'`, default `'auto'`). */
  impl?: 'auto' | 'fused' | 'reference';
}

/**
 * KAT's group rational activation (version A): `P(x)/Q(x)` with per-group coefficients,
 * channels last. `x` [..., C]; `numerator` [G, m+1] or [1, m+1] (shared across groups, KAT's
 * default); `denominator` [G, n]. Differentiable in all three.
 */
export function groupRational(
  x: tf.Tensor,
  numerator: tf.Tensor,
  denominator: tf.Tensor,
  options: GroupRationalOptions = {},
): tf.Tensor {
  const groups = validate(x, numerator, denominator, 'groupRational');
  register();
  const impl = options.impl ?? 'auto';
  const fused = impl === 'fused' || (impl === 'auto' && hasKernel(GROUP_RATIONAL_KERNEL));
  if (fused && !hasKernel(GROUP_RATIONAL_KERNEL)) {
    throw new ConfigError('no fused kernel on this backend', {
      where: 'groupRational',
      argument: 'impl',
      expected: "'auto' or 'reference' here",
      got: `'fused' on ${tf.getBackend()}`,
    });
  }
  if (!fused) return groupRationalReference(x, numerator, denominator);
  return runKernel(GROUP_RATIONAL_KERNEL, { x, numerator, denominator }, { groups }) as tf.Tensor;
}
