// Base classes of the activation Modules: a fixed activation (a function and its constant
// options) and a learnable one (per-channel or shared parameters, channels last).
import { tf, Module, checkDim, checkTensor, type Parameter, type Tensor } from '@basiskit/tensor';
import { numbersOnly, resolveOptions, type OptionSpec } from '../functions/options';

/** A fixed activation's Module options: the function's options, as plain numbers (no tensors). */
export type ConstantOptions<O> = { [K in keyof O]?: Exclude<O[K], Tensor> };

/** Validates options and fills in defaults; `where` names the class in errors. @internal */
export type OptionResolver<O> = (options: ConstantOptions<O> | undefined, where: string) => ConstantOptions<O>;

/** The resolver of a declarative option table, refusing tensors. @internal */
export function constantOptions<O extends object>(spec: OptionSpec<O>): OptionResolver<O> {
  return (options, where) => resolveOptions(numbersOnly(spec), options as O | undefined, where) as ConstantOptions<O>;
}

/**
 * A Module that applies a fixed activation function with constant options (checked, with
 * defaults filled in, when constructed; see {@link ActivationModule.options}). It has no
 * parameters. Subclasses pass the function, e.g. `super(gelu, options, resolver)`.
 */
export abstract class ActivationModule<O extends object = Record<string, never>> extends Module {
  /** The options in effect, defaults filled in. */
  readonly options: Readonly<ConstantOptions<O>>;
  private readonly activation: (x: Tensor) => Tensor;

  protected constructor(fn: (x: Tensor, options?: O) => Tensor, options?: ConstantOptions<O>, resolve?: OptionResolver<O>) {
    super();
    const resolved = Object.freeze(resolve ? resolve(options, this.where()) : {}) as ConstantOptions<O>;
    this.options = resolved;
    this.activation = (x) => fn(x, resolved as O);
  }

  /** Applies the activation element-wise; `x` must be a float32 tensor. */
  forward(x: Tensor): Tensor {
    checkTensor(x, { where: this.where('forward'), dtype: 'float32' });
    return this.activation(x);
  }
}

/**
 * A Module whose activation has learnable scalars, one per channel (`channels` given: each
 * parameter has shape [channels] and x's last dim must equal it) or one shared value
 * (`channels` left out: shape [1], any input shape).
 */
export abstract class LearnableActivation extends Module {
  /** Number of channels (the size of x's last dim), or undefined for shared parameters. */
  readonly channels: number | undefined;

  protected constructor(channels: number | undefined) {
    super();
    this.channels = channels;
  }

  /** Applies the activation element-wise with the current parameters. */
  abstract override forward(x: Tensor): Tensor;

  /** Registers a parameter of shape [channels] (or [1]) filled with `value`. */
  protected channelParameter(name: string, value: number, trainable: boolean): Parameter {
    return this.registerParameter(name, tf.fill([this.channels ?? 1], value), { trainable });
  }

  /** Checks x (float32, last dim = channels when per-channel) in `forward`'s name. */
  protected checkForwardInput(x: Tensor): void {
    const where = this.where('forward');
    checkTensor(x, { where, dtype: 'float32' });
    if (this.channels !== undefined) checkDim(x, -1, this.channels, where);
  }

  /** The parameter as the activation function takes it: [C], or a scalar when shared (so any x rank works). */
  protected broadcastable(p: Parameter): Tensor {
    return this.channels === undefined ? tf.reshape(p.value, []) : p.value;
  }
}
