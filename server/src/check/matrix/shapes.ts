/**
 * Shapes of matrix expressions, found by unification. Every expression has a shape [rows, cols] of dimension
 * variables; a product unifies the inner sizes, a sum unifies the shapes of its terms. Sizes the note fixed
 * (`\mathbf{x} \in \mathbb{R}^3`, a written-out matrix) are fixed values; sizes nobody fixed are free and drawn at
 * random (2–4) once everything is unified. A free size is never 1: a bold letter is a vector of several entries
 * and a capital a matrix of several rows and columns, so forcing one of them to size 1 is a reading we refuse.
 *
 * An impossible unification is a ShapeError. It is `proven` only when both sizes in conflict were fixed by the
 * note; otherwise the claim just cannot be read with the shapes we guessed.
 */

export class ShapeError extends Error {
  constructor(
    message: string,
    readonly proven: boolean,
  ) {
    super(message);
  }
}

let nextDimId = 0;

export class Dim {
  parent: Dim | null = null;
  readonly id = nextDimId++;
  /** A known size: 1 for the unit side of vectors and scalars, or a size the note wrote. */
  value?: number;
  /** The size was fixed by the note (declared with \in, or a written-out matrix), not guessed. */
  fixed = false;
  /** A symbolic size from a declaration (`n` in ℝ^n). */
  name?: string;
  /** Other symbolic names unified with this one (n = p). */
  aliases: string[] = [];
  /**
   * The size counts something written out (the entries of a matrix or list), so it is evaluated at this very size.
   * A size only declared (`\mathbb{R}^{3000}`) may be evaluated at a small representative size instead.
   */
  exact = false;

  static one(fixed = false): Dim {
    const d = new Dim();
    d.value = 1;
    d.fixed = fixed;
    return d;
  }

  /** A size counting what is written out (rows of a written matrix, items of a list): evaluated at this size. */
  static sized(n: number, fixed = true): Dim {
    const d = new Dim();
    d.value = n;
    d.fixed = fixed;
    d.exact = true;
    return d;
  }

  /** A size the note declares (`\mathbb{R}^{3000}`): fixed for unification, evaluated at a representative size when large. */
  static declared(n: number): Dim {
    const d = Dim.sized(n);
    d.exact = false;
    return d;
  }

  static named(name: string): Dim {
    const d = new Dim();
    d.name = name;
    d.fixed = true;
    return d;
  }
}

export function find(d: Dim): Dim {
  let r = d;
  while (r.parent) r = r.parent;
  // Path compression.
  let c = d;
  while (c.parent && c.parent !== r) {
    const next: Dim = c.parent;
    c.parent = r;
    c = next;
  }
  return r;
}

export function isOne(d: Dim): boolean {
  return find(d).value === 1;
}

export function dimText(d: Dim): string {
  const r = find(d);
  if (r.value !== undefined) return String(r.value);
  if (r.name) return r.name;
  return '?';
}

export function unifyDims(a: Dim, b: Dim, what: () => string): void {
  const ra = find(a);
  const rb = find(b);
  if (ra === rb) return;
  if (ra.value !== undefined && rb.value !== undefined && ra.value !== rb.value) {
    throw new ShapeError(`${what()}: sizes ${ra.value} and ${rb.value} differ`, ra.fixed && rb.fixed);
  }
  // A free (guessed) size is at least 2.
  if ((ra.value === 1 && rb.value === undefined) || (rb.value === 1 && ra.value === undefined)) {
    // A size the note declared by name (ℝ^n) is generic: the note means every n, so a claim that needs n = 1 is
    // wrong as stated. A size nobody declared is only our guess.
    const free = ra.value === undefined ? ra : rb;
    if (free.name && free.fixed) throw new ShapeError(`${what()}: they would agree only when ${free.name} = 1, and the note declares ${free.name} as a general size`, true);
    throw new ShapeError(`${what()}: a size would have to be 1`, false);
  }
  // Merge rb into ra.
  rb.parent = ra;
  if (ra.value === undefined) ra.value = rb.value;
  ra.fixed = ra.fixed || rb.fixed;
  ra.exact = ra.exact || rb.exact;
  if (rb.name) {
    if (!ra.name) ra.name = rb.name;
    else if (ra.name !== rb.name && !ra.aliases.includes(rb.name)) ra.aliases.push(rb.name);
  }
  for (const n of rb.aliases) if (n !== ra.name && !ra.aliases.includes(n)) ra.aliases.push(n);
}

export type Shape = [Dim, Dim];

export function scalarShape(): Shape {
  return [Dim.one(), Dim.one()];
}

export function isScalar(s: Shape): boolean {
  return isOne(s[0]) && isOne(s[1]);
}

/** A column or row vector (not a scalar). */
export function isVector(s: Shape): boolean {
  return !isScalar(s) && (isOne(s[0]) || isOne(s[1]));
}

export function isMatrix(s: Shape): boolean {
  return !isOne(s[0]) && !isOne(s[1]);
}

export function shapeText(s: Shape): string {
  return `${dimText(s[0])}×${dimText(s[1])}`;
}

export function unifyShapes(a: Shape, b: Shape, what: string): void {
  const msg = () => `${what} (${shapeText(a)} and ${shapeText(b)})`;
  unifyDims(a[0], b[0], msg);
  unifyDims(a[1], b[1], msg);
}

/**
 * Declared sizes up to this are evaluated as they are; larger ones (`\mathbb{R}^{3000}`) at small representative
 * sizes: nothing allocates what a note declares. Shapes were unified with the declared values, so a shape mismatch
 * is still found; a claim whose value depends on the size itself (`\operatorname{tr} I = 3000`) cannot be decided
 * at a representative size, which `checkMatrixClaim` handles.
 */
export const EXACT_SIZE_MAX = 12;

function roots(dims: Dim[]): Dim[] {
  const out = new Set<Dim>();
  for (const d of dims) out.add(find(d));
  return [...out];
}

/** The declared sizes too large to evaluate at (ascending), each standing for a representative size in a draw. */
export function largeSizes(dims: Dim[]): number[] {
  const out = new Set<number>();
  for (const r of roots(dims)) if (r.value !== undefined && r.value > EXACT_SIZE_MAX && !r.exact) out.add(r.value);
  return [...out].sort((a, b) => a - b);
}

/**
 * Draw a size for every free dimension (2–4, different sizes where possible), the same within one draw. Declared
 * sizes above EXACT_SIZE_MAX get representative sizes: distinct sizes stay distinct and in order, larger than every
 * other size of the draw.
 */
export function assignSizes(dims: Dim[], rng: () => number): Map<Dim, number> {
  const out = new Map<Dim, number>();
  const rs = roots(dims);
  const pool = [2, 3, 4];
  // Shuffle the pool so free sizes tend to differ (a transposed result then cannot agree by accident).
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  const large = largeSizes(dims);
  let k = 0;
  let top = Math.max(...pool);
  for (const r of rs) {
    if (r.value !== undefined && large.includes(r.value)) continue;
    const v = r.value ?? pool[k++ % pool.length];
    out.set(r, v);
    top = Math.max(top, v);
  }
  for (const r of rs) if (r.value !== undefined && large.includes(r.value)) out.set(r, top + 1 + large.indexOf(r.value));
  return out;
}
