import * as tf from '@tensorflow/tfjs-core';
import { DisposedError } from './errors';

/** Options of {@link Parameter}. */
export interface ParameterOptions {
  /** Whether optimizers update it and gradients are taken for it. Default `true`. */
  trainable?: boolean;
}

/**
 * A learnable tensor owned by a {@link Module} (PyTorch's `nn.Parameter`). It holds a
 * `tf.Variable` — use `param.value` in `forward` — so tfjs optimizers and `tf.variableGrads`
 * work on it directly. The variable is created from (and takes ownership of) `init`.
 * Complex parameters are two float32 Parameters, `<name>.real` and `<name>.imag`.
 * After `dispose()`, reading `value` throws a {@link DisposedError} naming the owner.
 */
export class Parameter {
  private readonly variable: tf.Variable;
  private disposed = false;
  /** Names the owner in errors (set by the module that registers it). */
  owner: () => string = () => 'Parameter';

  constructor(init: tf.Tensor, options: ParameterOptions = {}) {
    const trainable = options.trainable ?? true;
    this.variable = tf.variable(init, trainable);
    init.dispose();
  }

  /** The variable holding the current value; a `tf.Tensor`, usable in any op. */
  get value(): tf.Variable {
    if (this.disposed || this.variable.isDisposed) {
      throw new DisposedError('parameter used after dispose()', { where: this.owner() });
    }
    return this.variable;
  }

  /** Whether `dispose()` has freed it. */
  get isDisposed(): boolean {
    return this.disposed || this.variable.isDisposed;
  }

  /** Whether optimizers update this parameter. */
  get trainable(): boolean {
    return this.variable.trainable;
  }
  set trainable(flag: boolean) {
    this.variable.trainable = flag;
  }

  get shape(): number[] {
    return this.variable.shape;
  }

  get dtype(): tf.DataType {
    return this.variable.dtype;
  }

  get size(): number {
    return this.variable.size;
  }

  /** Copies `t`'s values in (same shape and dtype); `t` stays the caller's. */
  assign(t: tf.Tensor): void {
    const v = this.value;
    // assigning a variable its own value (loading a module's own state dict) is a no-op
    if (t.dataId === v.dataId) return;
    v.assign(t);
  }

  /** Frees the variable (idempotent). */
  dispose(): void {
    this.disposed = true;
    if (!this.variable.isDisposed) this.variable.dispose();
  }
}
