import { ConfigError } from './errors';
import { Module } from './module';

/**
 * Sub-modules by name (PyTorch's `nn.ModuleDict`): each module's state-dict keys are prefixed
 * `<name>.`, in insertion order.
 */
export class ModuleDict<M extends Module = Module> extends Module {
  private readonly items = new Map<string, M>();

  constructor(modules: Record<string, M> | Iterable<[string, M]> = {}) {
    super();
    const entries = Symbol.iterator in Object(modules) ? (modules as Iterable<[string, M]>) : Object.entries(modules as Record<string, M>);
    for (const [name, m] of entries) this.set(name, m);
  }

  /** Registers `module` under `name` (a new name; replacing is not supported). */
  set(name: string, module: M): M {
    this.items.set(name, this.registerModule(name, module));
    return module;
  }

  /** The module named `name`; throws a ConfigError listing the names when there is none. */
  get(name: string): M {
    const m = this.items.get(name);
    if (!m)
      throw new ConfigError('no such module', {
        where: this.where('get'),
        argument: 'name',
        expected: `one of ${[...this.items.keys()].join(', ')}`,
        got: JSON.stringify(name),
      });
    return m;
  }

  /** Whether a module is registered under `name`. */
  has(name: string): boolean {
    return this.items.has(name);
  }

  /** Number of modules. */
  get size(): number {
    return this.items.size;
  }

  /** The names, in insertion order. */
  keys(): string[] {
    return [...this.items.keys()];
  }

  /** The modules, in insertion order. */
  values(): M[] {
    return [...this.items.values()];
  }

  /** `[name, module]` pairs, in insertion order. */
  entries(): [string, M][] {
    return [...this.items];
  }

  [Symbol.iterator](): Iterator<[string, M]> {
    return this.items[Symbol.iterator]();
  }

  /** A ModuleDict holds modules; it has no computation of its own. */
  forward(): never {
    throw new ConfigError('ModuleDict has no forward; get a module by name', { where: this.where('forward') });
  }
}
