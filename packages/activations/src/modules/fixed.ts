// Module forms of the fixed activations: each applies its function with constant options.
// Names follow PyTorch's classes where it has one (ReLU, Hardtanh, GELU, SiLU, Softplus, ...).
import { GELU_OPTIONS, gelu, geluTanh, golu, hardSwish, mish, silu, swish, SWISH_OPTIONS } from '../functions/gated';
import type { GeluOptions, SwishOptions } from '../functions/gated';
import { gcu, periodic, sine, SINE_OPTIONS, spder } from '../functions/periodic';
import type { SineOptions } from '../functions/periodic';
import { elephant, ELEPHANT_OPTIONS } from '../functions/rational_like';
import type { ElephantOptions } from '../functions/rational_like';
import { identity } from '../functions/registry';
import {
  celu,
  CELU_OPTIONS,
  crrelu,
  CRRELU_OPTIONS,
  elu,
  ELU_OPTIONS,
  hardTanh,
  LEAKY_RELU_OPTIONS,
  leakyRelu,
  relu,
  relu6,
  resolveHardTanh,
  selu,
  smelu,
  SMELU_OPTIONS,
  squaredRelu,
} from '../functions/relu_family';
import type { CrreluOptions, EluOptions, HardTanhOptions, LeakyReluOptions, SmeluOptions } from '../functions/relu_family';
import {
  hardSigmoid,
  logSigmoid,
  sigmoid,
  softplus,
  SOFTPLUS_OPTIONS,
  softsign,
  tanh,
  temperedSigmoid,
  TEMPERED_SIGMOID_OPTIONS,
} from '../functions/sigmoidal';
import type { SoftplusOptions, TemperedSigmoidOptions } from '../functions/sigmoidal';
import { ConfigError } from '@basiskit/tensor';
import { ActivationModule, constantOptions, type ConstantOptions } from './activation_module';

/** Throws a ConfigError for option keys the class does not take (e.g. a function's name for it). */
function rejectUnknown(options: object, known: string[], where: string): void {
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) throw new ConfigError('unknown option', { where, argument: k, expected: known.join(' or '), got: k });
  }
}

/** `x` unchanged (PyTorch's `nn.Identity`), for configurations that switch the activation off. */
export class Identity extends ActivationModule {
  constructor() {
    super(identity);
  }
}

/** Module form of {@link relu}: `max(x, 0)`. */
export class ReLU extends ActivationModule {
  constructor() {
    super(relu);
  }
}

/** Options of {@link LeakyReLU}: PyTorch's `nn.LeakyReLU(negative_slope=0.01)`, camelCase. */
export interface LeakyReLUOptions {
  /** Slope for x < 0. Default 0.01. */
  negativeSlope?: number;
}

/** Module form of {@link leakyRelu}: `x` for x > 0, `negativeSlope·x` otherwise (PyTorch's `nn.LeakyReLU`). */
export class LeakyReLU extends ActivationModule<LeakyReluOptions> {
  constructor(options: LeakyReLUOptions = {}) {
    rejectUnknown(options, ['negativeSlope'], 'LeakyReLU');
    super(leakyRelu, { alpha: options.negativeSlope }, constantOptions(LEAKY_RELU_OPTIONS));
  }
}

/** Module form of {@link relu6}: `min(max(x, 0), 6)`. */
export class ReLU6 extends ActivationModule {
  constructor() {
    super(relu6);
  }
}

/** Options of {@link Hardtanh}: PyTorch's `nn.Hardtanh(min_val=-1, max_val=1)`, camelCase. */
export interface HardtanhOptions {
  /** Lower clamp. Default -1. */
  minVal?: number;
  /** Upper clamp. Default 1. */
  maxVal?: number;
}

/** Module form of {@link hardTanh}: x clamped to [minVal, maxVal] (PyTorch's `nn.Hardtanh`). */
export class Hardtanh extends ActivationModule<HardTanhOptions> {
  constructor(options: HardtanhOptions = {}) {
    rejectUnknown(options, ['minVal', 'maxVal'], 'Hardtanh');
    super(hardTanh, { min: options.minVal, max: options.maxVal }, resolveHardTanh);
  }
}

/** Module form of {@link elu}: `x` for x > 0, `alpha·(e^x − 1)` otherwise (default alpha 1). */
export class ELU extends ActivationModule<EluOptions> {
  constructor(options?: EluOptions) {
    super(elu, options, constantOptions(ELU_OPTIONS));
  }
}

/** Module form of {@link selu}. */
export class SELU extends ActivationModule {
  constructor() {
    super(selu);
  }
}

/** Module form of {@link celu}: `max(0, x) + min(0, alpha·(e^{x/alpha} − 1))` (default alpha 1). */
export class CELU extends ActivationModule<EluOptions> {
  constructor(options?: EluOptions) {
    super(celu, options, constantOptions(CELU_OPTIONS));
  }
}

/** Module form of {@link squaredRelu}: `max(x, 0)²`. */
export class SquaredReLU extends ActivationModule {
  constructor() {
    super(squaredRelu);
  }
}

/** Module form of {@link smelu}: smooth ReLU with a quadratic piece of half-width beta (default 2). */
export class SmeLU extends ActivationModule<SmeluOptions> {
  constructor(options?: SmeluOptions) {
    super(smelu, options, constantOptions(SMELU_OPTIONS));
  }
}

/** Module form of {@link crrelu}: `relu(x) + eps·x·e^{−x²/2}` with a constant eps (default 0.01). */
export class CRReLU extends ActivationModule<CrreluOptions> {
  constructor(options?: ConstantOptions<CrreluOptions>) {
    super(crrelu, options, constantOptions(CRRELU_OPTIONS));
  }
}

/** Module form of {@link gelu} (PyTorch's `nn.GELU`): exact, or the tanh form with `approximate: 'tanh'`. */
export class GELU extends ActivationModule<GeluOptions> {
  constructor(options?: GeluOptions) {
    super(gelu, options, constantOptions(GELU_OPTIONS));
  }
}

/** Module form of {@link geluTanh}: GELU's tanh approximation (same as `new GELU({ approximate: 'tanh' })`). */
export class GELUTanh extends ActivationModule {
  constructor() {
    super(geluTanh);
  }
}

/** Module form of {@link silu}: `x·σ(x)`. */
export class SiLU extends ActivationModule {
  constructor() {
    super(silu);
  }
}

/** Module form of {@link swish} with a constant beta (default 1); for a learned beta use {@link LearnableSwish}. */
export class Swish extends ActivationModule<SwishOptions> {
  constructor(options?: ConstantOptions<SwishOptions>) {
    super(swish, options, constantOptions(SWISH_OPTIONS));
  }
}

/** Module form of {@link mish}: `x·tanh(softplus(x))`. */
export class Mish extends ActivationModule {
  constructor() {
    super(mish);
  }
}

/** Module form of {@link golu}: `x·exp(−exp(−x))`. */
export class GoLU extends ActivationModule {
  constructor() {
    super(golu);
  }
}

/** Module form of {@link hardSwish}: `x·relu6(x + 3)/6`. */
export class Hardswish extends ActivationModule {
  constructor() {
    super(hardSwish);
  }
}

/** Module form of {@link sigmoid}. */
export class Sigmoid extends ActivationModule {
  constructor() {
    super(sigmoid);
  }
}

/** Module form of {@link tanh}. */
export class Tanh extends ActivationModule {
  constructor() {
    super(tanh);
  }
}

/** Module form of {@link hardSigmoid}: `relu6(x + 3)/6`. */
export class Hardsigmoid extends ActivationModule {
  constructor() {
    super(hardSigmoid);
  }
}

/** Module form of {@link softplus} (PyTorch's `nn.Softplus(beta, threshold)`, defaults 1 and 20). */
export class Softplus extends ActivationModule<SoftplusOptions> {
  constructor(options?: SoftplusOptions) {
    super(softplus, options, constantOptions(SOFTPLUS_OPTIONS));
  }
}

/** Module form of {@link softsign}: `x/(1 + |x|)`. */
export class Softsign extends ActivationModule {
  constructor() {
    super(softsign);
  }
}

/** Module form of {@link logSigmoid}: `log σ(x)`. */
export class LogSigmoid extends ActivationModule {
  constructor() {
    super(logSigmoid);
  }
}

/** Module form of {@link temperedSigmoid}: `s·σ(T·x) − o` (defaults 2, 2, 1: tanh). */
export class TemperedSigmoid extends ActivationModule<TemperedSigmoidOptions> {
  constructor(options?: TemperedSigmoidOptions) {
    super(temperedSigmoid, options, constantOptions(TEMPERED_SIGMOID_OPTIONS));
  }
}

/** Module form of {@link sine} (SIREN): `sin(w0·x)`, default w0 = 30; initialize the next linear layer with {@link sirenInit}. */
export class Sine extends ActivationModule<SineOptions> {
  constructor(options?: SineOptions) {
    super(sine, options, constantOptions(SINE_OPTIONS));
  }
}

/** Module form of {@link periodic}: `x + sin²(x)`. For a learned frequency use {@link Snake}. */
export class Periodic extends ActivationModule {
  constructor() {
    super(periodic);
  }
}

/** Module form of {@link gcu}: `x·cos(x)`. */
export class GCU extends ActivationModule {
  constructor() {
    super(gcu);
  }
}

/** Module form of {@link spder}: `sin(x)·√|x|`. */
export class SPDER extends ActivationModule {
  constructor() {
    super(spder);
  }
}

/** Module form of {@link elephant}: `1/(1 + |x/a|^d)` (defaults a = 1, d = 4). */
export class Elephant extends ActivationModule<ElephantOptions> {
  constructor(options?: ElephantOptions) {
    super(elephant, options, constantOptions(ELEPHANT_OPTIONS));
  }
}
