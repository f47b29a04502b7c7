import { QuietError } from '../quiet';
/**
 * A small dense linear-algebra value type for the matrix checker: a real matrix of shape rows × cols stored
 * row-major in a Float64Array. Column vectors are n × 1, row vectors 1 × n, scalars 1 × 1. Sizes here are tiny
 * (at most a few rows), so everything is the textbook algorithm.
 */

export class Mat {
  constructor(
    readonly rows: number,
    readonly cols: number,
    readonly data: Float64Array = new Float64Array(rows * cols),
  ) {
    if (data.length !== rows * cols) throw new Error(`matrix data has ${data.length} entries, not ${rows}×${cols}`);
  }

  get(i: number, j: number): number {
    return this.data[i * this.cols + j];
  }

  set(i: number, j: number, v: number): void {
    this.data[i * this.cols + j] = v;
  }

  get size(): number {
    return this.data.length;
  }

  get isScalar(): boolean {
    return this.rows === 1 && this.cols === 1;
  }

  /** A vector: n × 1 or 1 × n (a scalar counts too). */
  get isVector(): boolean {
    return this.rows === 1 || this.cols === 1;
  }

  get isSquare(): boolean {
    return this.rows === this.cols;
  }

  /** The value of a 1 × 1 matrix. */
  scalar(): number {
    if (!this.isScalar) throw new Error(`a ${this.rows}×${this.cols} matrix is not a scalar`);
    return this.data[0];
  }

  clone(): Mat {
    return new Mat(this.rows, this.cols, new Float64Array(this.data));
  }

  static scalar(v: number): Mat {
    return new Mat(1, 1, Float64Array.of(v));
  }

  static zeros(rows: number, cols: number): Mat {
    return new Mat(rows, cols);
  }

  static filled(rows: number, cols: number, v: number): Mat {
    return new Mat(rows, cols, new Float64Array(rows * cols).fill(v));
  }

  static identity(n: number): Mat {
    const m = new Mat(n, n);
    for (let i = 0; i < n; i++) m.set(i, i, 1);
    return m;
  }

  /** From nested rows: `Mat.from([[1, 2], [3, 4]])`. */
  static from(rows: number[][]): Mat {
    const r = rows.length;
    const c = r ? rows[0].length : 0;
    const m = new Mat(r, c);
    rows.forEach((row, i) => {
      if (row.length !== c) throw new Error('ragged rows');
      row.forEach((v, j) => m.set(i, j, v));
    });
    return m;
  }

  /** A column vector. */
  static column(values: number[]): Mat {
    return new Mat(values.length, 1, Float64Array.from(values));
  }

  /** The unit matrix of this shape with a 1 at flat index k. */
  static unit(rows: number, cols: number, k: number): Mat {
    const m = new Mat(rows, cols);
    m.data[k] = 1;
    return m;
  }

  toArray(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) {
      const row: number[] = [];
      for (let j = 0; j < this.cols; j++) row.push(this.get(i, j));
      out.push(row);
    }
    return out;
  }

  /** The same entries as another shape (row-major order kept). */
  reshape(rows: number, cols: number): Mat {
    return new Mat(rows, cols, this.data);
  }
}

function sameShape(a: Mat, b: Mat, what: string): void {
  if (a.rows !== b.rows || a.cols !== b.cols) throw new Error(`${what}: ${a.rows}×${a.cols} and ${b.rows}×${b.cols}`);
}

export function add(a: Mat, b: Mat): Mat {
  sameShape(a, b, 'sum of different shapes');
  const out = new Mat(a.rows, a.cols);
  for (let k = 0; k < a.size; k++) out.data[k] = a.data[k] + b.data[k];
  return out;
}

export function sub(a: Mat, b: Mat): Mat {
  sameShape(a, b, 'difference of different shapes');
  const out = new Mat(a.rows, a.cols);
  for (let k = 0; k < a.size; k++) out.data[k] = a.data[k] - b.data[k];
  return out;
}

export function scale(s: number, a: Mat): Mat {
  const out = new Mat(a.rows, a.cols);
  for (let k = 0; k < a.size; k++) out.data[k] = s * a.data[k];
  return out;
}

export function neg(a: Mat): Mat {
  return scale(-1, a);
}

export function matmul(a: Mat, b: Mat): Mat {
  if (a.cols !== b.rows) throw new Error(`product of ${a.rows}×${a.cols} and ${b.rows}×${b.cols}`);
  const out = new Mat(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < b.cols; j++) {
      let s = 0;
      for (let k = 0; k < a.cols; k++) s += a.data[i * a.cols + k] * b.data[k * b.cols + j];
      out.data[i * b.cols + j] = s;
    }
  }
  return out;
}

export function transpose(a: Mat): Mat {
  const out = new Mat(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out.set(j, i, a.get(i, j));
  return out;
}

/** Elementwise (Hadamard) product. */
export function hadamard(a: Mat, b: Mat): Mat {
  sameShape(a, b, 'elementwise product of different shapes');
  const out = new Mat(a.rows, a.cols);
  for (let k = 0; k < a.size; k++) out.data[k] = a.data[k] * b.data[k];
  return out;
}

export function kron(a: Mat, b: Mat): Mat {
  const out = new Mat(a.rows * b.rows, a.cols * b.cols);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < a.cols; j++)
      for (let k = 0; k < b.rows; k++) for (let l = 0; l < b.cols; l++) out.set(i * b.rows + k, j * b.cols + l, a.get(i, j) * b.get(k, l));
  return out;
}

export function map(a: Mat, f: (v: number) => number): Mat {
  const out = new Mat(a.rows, a.cols);
  for (let k = 0; k < a.size; k++) out.data[k] = f(a.data[k]);
  return out;
}

export function trace(a: Mat): number {
  if (!a.isSquare) throw new Error(`trace of a ${a.rows}×${a.cols} matrix`);
  let s = 0;
  for (let i = 0; i < a.rows; i++) s += a.get(i, i);
  return s;
}

/** Sum of products of corresponding entries (the Frobenius inner product; the dot product for vectors). */
export function inner(a: Mat, b: Mat): number {
  if (a.size !== b.size) throw new Error('inner product of different sizes');
  let s = 0;
  for (let k = 0; k < a.size; k++) s += a.data[k] * b.data[k];
  return s;
}

export function sumAll(a: Mat): number {
  let s = 0;
  for (let k = 0; k < a.size; k++) s += a.data[k];
  return s;
}

export function maxAbs(a: Mat): number {
  let m = 0;
  for (let k = 0; k < a.size; k++) m = Math.max(m, Math.abs(a.data[k]));
  return m;
}

/** LU decomposition with partial pivoting: the factors packed in one matrix, the permutation and its sign. */
function lu(a: Mat): { lu: Mat; perm: number[]; sign: number; singular: boolean } {
  if (!a.isSquare) throw new Error(`a ${a.rows}×${a.cols} matrix is not square`);
  const n = a.rows;
  const m = a.clone();
  const perm = Array.from({ length: n }, (_, i) => i);
  let sign = 1;
  let singular = false;
  const tiny = 1e-300;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m.get(i, k)) > Math.abs(m.get(p, k))) p = i;
    if (Math.abs(m.get(p, k)) < tiny) {
      singular = true;
      continue;
    }
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = m.get(k, j);
        m.set(k, j, m.get(p, j));
        m.set(p, j, t);
      }
      [perm[k], perm[p]] = [perm[p], perm[k]];
      sign = -sign;
    }
    for (let i = k + 1; i < n; i++) {
      const f = m.get(i, k) / m.get(k, k);
      m.set(i, k, f);
      for (let j = k + 1; j < n; j++) m.set(i, j, m.get(i, j) - f * m.get(k, j));
    }
  }
  return { lu: m, perm, sign, singular };
}

export function det(a: Mat): number {
  const { lu: m, sign, singular } = lu(a);
  if (singular) return 0;
  let d = sign;
  for (let i = 0; i < a.rows; i++) d *= m.get(i, i);
  return d;
}

export class SingularMatrix extends QuietError {}

export function inverse(a: Mat): Mat {
  const { lu: m, perm, singular } = lu(a);
  if (singular) throw new SingularMatrix('the matrix is singular');
  const n = a.rows;
  const out = new Mat(n, n);
  for (let col = 0; col < n; col++) {
    // Solve L U x = P e_col.
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = perm[i] === col ? 1 : 0;
      for (let k = 0; k < i; k++) s -= m.get(i, k) * y[k];
      y[i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = y[i];
      for (let k = i + 1; k < n; k++) s -= m.get(i, k) * out.get(k, col);
      out.set(i, col, s / m.get(i, i));
    }
  }
  return out;
}

/** A square diagonal matrix from a vector's entries. */
export function diagOf(v: Mat): Mat {
  const n = v.size;
  const out = new Mat(n, n);
  for (let i = 0; i < n; i++) out.set(i, i, v.data[i]);
  return out;
}

/** The diagonal of a square matrix as a column vector. */
export function diagonal(a: Mat): Mat {
  const n = Math.min(a.rows, a.cols);
  const out = new Mat(n, 1);
  for (let i = 0; i < n; i++) out.data[i] = a.get(i, i);
  return out;
}

export function softmax(z: Mat): Mat {
  let m = -Infinity;
  for (let k = 0; k < z.size; k++) m = Math.max(m, z.data[k]);
  const e = map(z, (v) => Math.exp(v - m));
  const s = sumAll(e);
  return scale(1 / s, e);
}

export function logSumExp(z: Mat): number {
  let m = -Infinity;
  for (let k = 0; k < z.size; k++) m = Math.max(m, z.data[k]);
  let s = 0;
  for (let k = 0; k < z.size; k++) s += Math.exp(z.data[k] - m);
  return m + Math.log(s);
}

/** Are all entries real numbers? */
export function isFinite(a: Mat): boolean {
  for (let k = 0; k < a.size; k++) if (!Number.isFinite(a.data[k])) return false;
  return true;
}

/** Readable entries for messages: `[0.53, −1.2]`, `[[1, 2], [3, 4]]`. */
export function formatMat(a: Mat, fmt: (v: number) => string): string {
  if (a.isScalar) return fmt(a.data[0]);
  if (a.cols === 1 || a.rows === 1) return `[${Array.from(a.data, fmt).join(', ')}]`;
  return `[${a.toArray().map((r) => `[${r.map(fmt).join(', ')}]`).join(', ')}]`;
}
