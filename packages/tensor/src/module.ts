// PyTorch-style Module: named, nested parameters, buffers and sub-modules with dotted
// state-dict names (`layers.0.base_weight`), identical to the reference projects' names so
// checkpoints exported from PyTorch load by name.
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, StateDictError, formatShape } from './errors';
import { Parameter, type ParameterOptions } from './parameter';

/** Options of {@link Module.loadStateDict}. */
export interface LoadStateDictOptions {
  /**
   * When true (default), missing and unexpected keys are errors. Shape and dtype mismatches
   * are errors either way. When rejected, nothing is loaded.
   */
  strict?: boolean;
}

/** What {@link Module.loadStateDict} found (with `strict: false`, the keys it skipped). */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

interface BufferEntry {
  tensor: tf.Tensor;
  persistent: boolean;
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*(\.(real|imag))?$|^[0-9]+$/;

/**
 * Base class of every layer and network. Subclasses register their state in the
 * constructor and implement `forward`.
 *
 * @example
 * class Affine extends Module {
 *   weight = this.registerParameter('weight', tf.ones([3, 2]));
 *   bias = this.registerParameter('bias', tf.zeros([2]));
 *   forward(x: tf.Tensor) { return tf.add(tf.matMul(x, this.weight.value), this.bias.value); }
 * }
 */
export abstract class Module {
  /** Training mode (see {@link Module.train}); layers such as dropout read it. */
  training = true;
  private readonly _params = new Map<string, Parameter>();
  private readonly _buffers = new Map<string, BufferEntry>();
  private readonly _modules = new Map<string, Module>();
  private _path = '';

  /** The layer's computation. */
  abstract forward(...inputs: unknown[]): unknown;

  /** Dotted path of this module inside its root (`''` for the root). */
  get path(): string {
    return this._path;
  }

  /** `layers.0 (KANLinear).forward` — the "where" of error messages. */
  protected where(method?: string): string {
    const who = this._path ? `${this._path} (${this.constructor.name})` : this.constructor.name;
    return method ? `${who}.${method}` : who;
  }

  /** Validates a new name; on failure disposes `owned` (the tensor handed over) and throws. */
  private checkName(name: string, kind: string, owned?: tf.Tensor): void {
    const fail = (e: Error) => {
      owned?.dispose();
      throw e;
    };
    if (!NAME_RE.test(name)) {
      fail(
new ConfigError(`invalid ${kind} name`, {
        where: this.where(`register${kind}`),
        argument: 'name',
        expected: 'an identifier, an index, or <identifier>.real/.imag',
        got: JSON.stringify(name),
      }));
    }
    if (this._params.has(name) || this._buffers.has(name) || this._modules.has(name)) {
      fail(new ConfigError(`name already registered`, { where: this.where(`register${kind}`), argument: 'name', got: name }));
    }
  }

  /** Registers a learnable tensor under `name`, taking ownership of `init`. */
  protected registerParameter(name: string, init: tf.Tensor, options?: ParameterOptions): Parameter {
    this.checkName(name, 'Parameter', init);
    const p = new Parameter(init, options);
    this._params.set(name, p);
    return p;
  }

  /**
   * Registers a complex parameter as two float32 parameters `<name>.real` and `<name>.imag`
   * (tfjs's wasm backend has no complex kernels). Takes ownership of both tensors.
   */
  protected registerComplexParameter(
    name: string,
    real: tf.Tensor,
    imag: tf.Tensor,
    options?: ParameterOptions,
  ): { real: Parameter; imag: Parameter } {
    if (real.shape.join() !== imag.shape.join()) {
      throw new ConfigError('real and imaginary parts differ in shape', {
        where: this.where('registerComplexParameter'),
        argument: name,
        expected: formatShape(real.shape),
        got: formatShape(imag.shape),
      });
    }
    return {
      real: this.registerParameter(`${name}.real`, real, options),
      imag: this.registerParameter(`${name}.imag`, imag, options),
    };
  }

  /**
   * Registers non-trainable state (a KAN grid, running statistics). Persistent buffers are in
   * the state dict. Takes ownership of `tensor`.
   */
  protected registerBuffer(name: string, tensor: tf.Tensor, options: { persistent?: boolean } = {}): void {
    this.checkName(name, 'Buffer', tensor);
    this._buffers.set(name, { tensor: tf.keep(tensor), persistent: options.persistent ?? true });
  }

  /** The current value of buffer `name`. */
  protected buffer(name: string): tf.Tensor {
    const b = this._buffers.get(name);
    if (!b) throw new ConfigError('no such buffer', { where: this.where('buffer'), argument: 'name', got: name });
    return b.tensor;
  }

  /** Replaces buffer `name` (disposing the old value), taking ownership of `tensor`. */
  protected setBuffer(name: string, tensor: tf.Tensor): void {
    const b = this._buffers.get(name);
    if (!b) throw new ConfigError('no such buffer', { where: this.where('setBuffer'), argument: 'name', got: name });
    if (b.tensor === tensor) return;
    b.tensor.dispose();
    b.tensor = tf.keep(tensor);
  }

  /** Registers a sub-module; its parameters appear as `<name>.<param>`. */
  protected registerModule<M extends Module>(name: string, module: M): M {
    this.checkName(name, 'Module');
    this._modules.set(name, module);
    module.setPath(this._path ? `${this._path}.${name}` : name);
    return module;
  }

  private setPath(path: string): void {
    this._path = path;
    for (const [n, m] of this._modules) m.setPath(`${path}.${n}`);
  }

  /** Direct sub-modules with their names. */
  namedChildren(): [string, Module][] {
    return [...this._modules];
  }

  /** This module and every descendant, with dotted names (`''` for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [n, m] of this._modules) out.push(...m.namedModules(prefix ? `${prefix}.${n}` : n));
    return out;
  }

  /** Every parameter with its dotted name, in registration order (depth first). */
  namedParameters(options: { trainableOnly?: boolean } = {}): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [n, p] of m._params) {
        if (options.trainableOnly && !p.trainable) continue;
        out.push([prefix ? `${prefix}.${n}` : n, p]);
      }
    }
    return out;
  }

  /** Every parameter (see {@link Module.namedParameters}). */
  parameters(options: { trainableOnly?: boolean } = {}): Parameter[] {
    return this.namedParameters(options).map(([, p]) => p);
  }

  /** The variables of the trainable parameters, for tfjs optimizers and `tf.variableGrads`. */
  trainableVariables(): tf.Variable[] {
    return this.parameters({ trainableOnly: true }).map((p) => p.value);
  }

  /** Every buffer with its dotted name. */
  namedBuffers(options: { persistentOnly?: boolean } = {}): [string, tf.Tensor][] {
    const out: [string, tf.Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [n, b] of m._buffers) {
        if (options.persistentOnly && !b.persistent) continue;
        out.push([prefix ? `${prefix}.${n}` : n, b.tensor]);
      }
    }
    return out;
  }

  /** Number of scalars in the parameters (trainable only when asked). */
  numParameters(options: { trainableOnly?: boolean } = {}): number {
    return this.parameters(options).reduce((s, p) => s + p.size, 0);
  }

  /** Sets training mode on this module and every descendant. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /** Same as `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Makes every parameter trainable (or frozen with `false`). */
  requiresGrad(flag = true): this {
    for (const p of this.parameters()) p.trainable = flag;
    return this;
  }

  /**
   * Parameters and persistent buffers by dotted name. The tensors are the module's own
   * (not copies): read or save them, do not dispose them.
   */
  stateDict(): Record<string, tf.Tensor> {
    const out: Record<string, tf.Tensor> = {};
    for (const [n, p] of this.namedParameters()) out[n] = p.value;
    for (const [n, b] of this.namedBuffers({ persistentOnly: true })) out[n] = b;
    return out;
  }

  /**
   * Copies values from `dict` into the parameters and persistent buffers. Every problem is
   * collected first — missing keys, unexpected keys (strict mode), shape and dtype
   * mismatches — and reported in one {@link StateDictError}; when it throws, nothing has been
   * loaded. The dict's tensors stay the caller's.
   */
  loadStateDict(dict: Record<string, tf.Tensor>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = options.strict ?? true;
    const own = this.stateDict();
    const missing = Object.keys(own).filter((k) => !(k in dict));
    const unexpected = Object.keys(dict).filter((k) => !(k in own));
    const mismatched: { key: string; expected: number[]; got: number[] }[] = [];
    const badDtype: string[] = [];
    for (const [k, t] of Object.entries(dict)) {
      const mine = own[k];
      if (!mine) continue;
      if (mine.shape.join() !== t.shape.join()) mismatched.push({ key: k, expected: mine.shape, got: t.shape });
      else if (mine.dtype !== t.dtype) badDtype.push(`${k}: expected ${mine.dtype}, got ${t.dtype}`);
    }
    const lines: string[] = [];
    if (strict && missing.length) lines.push(`missing keys: ${missing.join(', ')}`);
    if (strict && unexpected.length) lines.push(`unexpected keys: ${unexpected.join(', ')}`);
    for (const m of mismatched) {
      lines.push(`shape mismatch for ${m.key}: expected ${formatShape(m.expected)}, got ${formatShape(m.got)}`);
    }
    if (badDtype.length) lines.push(`dtype mismatch for ${badDtype.join('; ')}`);
    if (lines.length) {
      throw new StateDictError(
        `state dict rejected, nothing loaded:\n  ${lines.join('\n  ')}`,
        { where: this.where('loadStateDict') },
        strict ? missing : [],
        strict ? unexpected : [],
        mismatched,
      );
    }
    for (const [prefix, m] of this.namedModules()) {
      const full = (n: string) => (prefix ? `${prefix}.${n}` : n);
      for (const [n, p] of m._params) {
        const t = dict[full(n)];
        if (t) p.assign(t);
      }
      for (const [n, b] of m._buffers) {
        const t = dict[full(n)];
        if (t && b.persistent) {
          const next = tf.keep(t.clone()); // clone first: t may be this buffer itself
          b.tensor.dispose();
          b.tensor = next;
        }
      }
    }
    return { missingKeys: missing, unexpectedKeys: unexpected };
  }

  /** Frees every parameter and buffer of this module and its descendants. */
  dispose(): void {
    for (const [, m] of this.namedModules()) {
      for (const p of m._params.values()) p.dispose();
      for (const b of m._buffers.values()) if (!b.tensor.isDisposed) b.tensor.dispose();
    }
  }
}

/** A list of sub-modules named `0`, `1`, ... (PyTorch's `nn.ModuleList`). */
export class ModuleList<M extends Module = Module> extends Module {
  private readonly items: M[] = [];

  constructor(modules: M[] = []) {
    super();
    for (const m of modules) this.push(m);
  }

  /** Appends a module under the next index. */
  push(module: M): void {
    this.registerModule(String(this.items.length), module);
    this.items.push(module);
  }

  get length(): number {
    return this.items.length;
  }

  /** The module at index `i`. */
  at(i: number): M {
    const m = this.items.at(i);
    if (!m) throw new ConfigError('index out of range', { where: this.where('at'), argument: 'i', expected: `< ${this.items.length}`, got: String(i) });
    return m;
  }

  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }

  /** A ModuleList holds modules; it has no computation of its own. */
  forward(): never {
    throw new ConfigError('ModuleList has no forward; iterate over it', { where: this.where('forward') });
  }
}
