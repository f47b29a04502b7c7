/**
 * The only door to mathjs. Note text never reaches it: callers hand it values and node trees built from our IR.
 * Each instance has its expression parser, evaluator, `import` and `createUnit` disabled, and mathjs is loaded
 * on first use (it takes most of a second to load, and most runs never need it).
 */
import type { MathJsInstance } from 'mathjs';

const instances = new Map<string, MathJsInstance>();

/** Functions a note could use to run code if its text ever reached mathjs. */
const DISABLED = ['import', 'createUnit', 'evaluate', 'parse', 'compile', 'resolve', 'reviver', 'simplify'];

export function restrictedMath(numbers: 'number' | 'BigNumber'): MathJsInstance {
  const cached = instances.get(numbers);
  if (cached) return cached;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { create, all } = require('mathjs') as typeof import('mathjs');
  const m = create(all, numbers === 'BigNumber' ? { number: 'BigNumber', precision: 64 } : {});
  const refuse = (name: string) => () => {
    throw new Error(`mathjs ${name} is disabled in calcnotes`);
  };
  m.import(Object.fromEntries(DISABLED.map((name) => [name, refuse(name)])), { override: true });
  instances.set(numbers, m);
  return m;
}
