// PyTorch-style Module: named, nested parameters, buffers and sub-modules with dotted
// state-dict names (`layers.0.base_weight`), identical to the reference projects' names so
// checkpoints exported from PyTorch load by name.
import * as tf from '@tensorflow/tfjs-core';
import { BasiskitError, ConfigError, DisposedError, StateDictError, formatShape } from './errors';
import { Parameter, type ParameterOptions } from './parameter';
import { isRecord, show } from './validate';

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
/** A dict key for a message: as it is when plain, quoted when it has odd characters. */
const showKey = (k: string) => (/^[\w.]+$/.test(k) ? k : JSON.stringify(k));

/** Names that would collide with Object.prototype when used as keys of a state dict. */
const RESERVED = new Set(['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf']);

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
  private _disposed = false;

  constructor() {
    // Every forward checks first that the module is alive: a disposed module names itself
    // instead of failing deep inside tfjs (or silently reviving freed tensors).
    const forward = this.forward;
    Object.defineProperty(this, 'forward', {
      value: (...inputs: unknown[]) => {
        this.assertLive('forward');
        return (forward as (...a: unknown[]) => tf.Tensor).apply(this, inputs);
      },
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }

  /** The layer's computation: input tensor(s) in, a tensor out. */
  abstract forward(x: tf.Tensor, ...rest: unknown[]): tf.Tensor;

  /** Whether {@link Module.dispose} has freed this module. */
  get isDisposed(): boolean {
    return this._disposed;
  }

  /** Throws a {@link DisposedError} naming this module and `method` once it is disposed. */
  protected assertLive(method: string): void {
    if (this._disposed) throw new DisposedError('module used after dispose()', { where: this.where(method) });
  }

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
    if (typeof name !== 'string' || !NAME_RE.test(name) || RESERVED.has(name)) {
      fail(
        new ConfigError(`invalid ${kind} name`, {
          where: this.where(`register${kind}`),
          argument: 'name',
          expected: 'an identifier (not an Object.prototype name), an index, or <identifier>.real/.imag',
          got: JSON.stringify(name),
        }),
      );
    }
    if (this._params.has(name) || this._buffers.has(name) || this._modules.has(name)) {
      fail(new ConfigError(`name already registered`, { where: this.where(`register${kind}`), argument: 'name', got: name }));
    }
  }

  /** Registers a learnable tensor under `name`, taking ownership of `init`. */
  protected registerParameter(name: string, init: tf.Tensor, options?: ParameterOptions): Parameter {
    this.assertLive(`registerParameter`);
    this.checkName(name, 'Parameter', init);
    const p = new Parameter(init, options);
    p.owner = () => `${this.where()} parameter ${name}`;
    this._params.set(name, p);
    return p;
  }

  /**
   * Registers a complex parameter as two float32 parameters `<name>.real` and `<name>.imag`
   * (tfjs's wasm backend has no complex kernels). Takes ownership of both tensors.
   */
  protected registerComplexParameter(name: string, real: tf.Tensor, imag: tf.Tensor, options?: ParameterOptions): { real: Parameter; imag: Parameter } {
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
    this.assertLive('registerBuffer');
    this.checkName(name, 'Buffer', tensor);
    this._buffers.set(name, { tensor: tf.keep(tensor), persistent: options.persistent ?? true });
  }

  /** The current value of buffer `name`. */
  protected buffer(name: string): tf.Tensor {
    this.assertLive('buffer');
    const b = this._buffers.get(name);
    if (!b) throw new ConfigError('no such buffer', { where: this.where('buffer'), argument: 'name', got: name });
    return b.tensor;
  }

  /** Replaces buffer `name` (disposing the old value), taking ownership of `tensor`. */
  protected setBuffer(name: string, tensor: tf.Tensor): void {
    this.assertLive('setBuffer');
    const b = this._buffers.get(name);
    if (!b) throw new ConfigError('no such buffer', { where: this.where('setBuffer'), argument: 'name', got: name });
    if (b.tensor === tensor) return;
    b.tensor.dispose();
    b.tensor = tf.keep(tensor);
  }

  /** Registers a sub-module; its parameters appear as `<name>.<param>`. */
  protected registerModule<M extends Module>(name: string, module: M): M {
    this.assertLive('registerModule');
    this.checkName(name, 'Module');
    if (!(module instanceof Module)) {
      throw new ConfigError('not a Module', { where: this.where('registerModule'), argument: name, expected: 'a Module', got: show(module) });
    }
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
    this.assertLive('stateDict');
    const out: Record<string, tf.Tensor> = {};
    for (const [n, p] of this.namedParameters()) out[n] = p.value;
    for (const [n, b] of this.namedBuffers({ persistentOnly: true })) out[n] = b;
    return out;
  }

  /**
   * Copies values from `dict` into the parameters and persistent buffers. Everything is checked
   * first — the dict itself (a plain object of own keys; `toString` or `__proto__` are keys like
   * any other), every value (a live tf.Tensor of the right shape and dtype), missing keys and
   * unexpected keys (strict mode) — and every problem is reported in one
   * {@link StateDictError}; when it throws, nothing has been loaded. The dict's tensors stay
   * the caller's.
   */
  loadStateDict(dict: Record<string, tf.Tensor>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    this.assertLive('loadStateDict');
    const where = this.where('loadStateDict');
    if (!isRecord(options)) throw new StateDictError('invalid options', { where, argument: 'options', expected: 'an object', got: show(options) });
    const strict = options.strict ?? true;
    if (typeof strict !== 'boolean')
      throw new StateDictError('invalid option', { where, argument: 'options.strict', expected: 'a boolean', got: show(strict) });
    if (!isRecord(dict)) {
      throw new StateDictError('state dict rejected, nothing loaded: not a state dict', {
        where,
        argument: 'dict',
        expected: 'an object of tensors by name',
        got: show(dict),
      });
    }
    // read the dict once, own keys only (a Proxy or a getter that throws is reported, not raised)
    const given = new Map<string, unknown>();
    try {
      for (const k of Object.keys(dict)) given.set(k, (dict as Record<string, unknown>)[k]);
    } catch (e) {
      if (e instanceof BasiskitError) throw e;
      throw new StateDictError(`state dict rejected, nothing loaded: reading it failed (${(e as Error)?.message ?? show(e)})`, { where, argument: 'dict' });
    }
    const own = new Map<string, { shape: number[]; dtype: tf.DataType }>();
    for (const [n, p] of this.namedParameters()) own.set(n, { shape: p.shape, dtype: p.dtype });
    for (const [n, b] of this.namedBuffers({ persistentOnly: true })) own.set(n, { shape: b.shape, dtype: b.dtype });

    const missing = [...own.keys()].filter((k) => !given.has(k));
    const unexpected = [...given.keys()].filter((k) => !own.has(k));
    const mismatched: { key: string; expected: number[]; got: number[] }[] = [];
    const lines: string[] = [];
    if (strict && missing.length) lines.push(`missing keys: ${missing.join(', ')}`);
    if (strict && unexpected.length) lines.push(`unexpected keys: ${unexpected.map(showKey).join(', ')}`);
    for (const [k, mine] of own) {
      if (!given.has(k)) continue;
      const t = given.get(k);
      if (!(t instanceof tf.Tensor) || t.isDisposed) {
        lines.push(`${k}: expected a live tf.Tensor, got ${show(t)}`);
      } else if (mine.shape.join() !== t.shape.join() || mine.shape.length !== t.shape.length) {
        mismatched.push({ key: k, expected: mine.shape, got: t.shape });
        lines.push(`shape mismatch for ${k}: expected ${formatShape(mine.shape)}, got ${formatShape(t.shape)}`);
      } else if (mine.dtype !== t.dtype) {
        lines.push(`dtype mismatch for ${k}: expected ${mine.dtype}, got ${t.dtype}`);
      }
    }
    if (lines.length) {
      throw new StateDictError(
        `state dict rejected, nothing loaded:\n  ${lines.join('\n  ')}`,
        { where },
        strict ? missing : [],
        strict ? unexpected : [],
        mismatched,
      );
    }
    // everything checked: the copies below cannot fail halfway
    for (const [prefix, m] of this.namedModules()) {
      const full = (n: string) => (prefix ? `${prefix}.${n}` : n);
      for (const [n, p] of m._params) {
        const t = given.get(full(n)) as tf.Tensor | undefined;
        if (t) p.assign(t);
      }
      for (const [n, b] of m._buffers) {
        const t = given.get(full(n)) as tf.Tensor | undefined;
        if (t && b.persistent && t !== b.tensor) {
          const next = tf.keep(t.clone());
          b.tensor.dispose();
          b.tensor = next;
        }
      }
    }
    return { missingKeys: missing, unexpectedKeys: unexpected };
  }

  /**
   * Frees this module's parameters and buffers, then calls each child's own `dispose()` (so a
   * subclass that overrides `dispose` to free its caches composes). Idempotent. Afterwards
   * `forward`, `stateDict`, `loadStateDict` and reading a parameter throw a {@link DisposedError}.
   */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    for (const p of this._params.values()) p.dispose();
    for (const b of this._buffers.values()) if (!b.tensor.isDisposed) b.tensor.dispose();
    for (const m of this._modules.values()) m.dispose();
  }
}
