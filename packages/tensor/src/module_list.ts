import { ConfigError } from './errors';
import { Module } from './module';

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
