import * as tf from '@tensorflow/tfjs-core';

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
 */
export class Parameter {
  /** The variable holding the current value; a `tf.Tensor`, usable in any op. */
  readonly value: tf.Variable;

  constructor(init: tf.Tensor, options: ParameterOptions = {}) {
    const trainable = options.trainable ?? true;
    this.value = tf.variable(init, trainable);
    init.dispose();
  }

  /** Whether optimizers update this parameter. */
  get trainable(): boolean {
    return this.value.trainable;
  }
  set trainable(flag: boolean) {
    this.value.trainable = flag;
  }

  get shape(): number[] {
    return this.value.shape;
  }

  get dtype(): tf.DataType {
    return this.value.dtype;
  }

  get size(): number {
    return this.value.size;
  }

  /** Copies `t`'s values in (same shape and dtype); `t` stays the caller's. */
  assign(t: tf.Tensor): void {
    // assigning a variable its own value (loading a module's own state dict) is a no-op
    if (t.dataId === this.value.dataId) return;
    this.value.assign(t);
  }

  /** Frees the variable. */
  dispose(): void {
    if (!this.value.isDisposed) this.value.dispose();
  }
}
