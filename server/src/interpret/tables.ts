/**
 * Tables of derivatives. A Markdown table whose header states a relation between two columns — `| $f(x)$ | $f'(x)$ |`,
 * `| function | derivative |`, `| $f$ | $\frac{df}{dx}$ |`, `| function | antiderivative |`, `| $f(x)$ | $\int f(x)\,dx$ |`
 * — claims it on every row: the derivative cell is the derivative of the function cell (an antiderivative cell is a
 * function whose derivative is the function cell). A header that states no relation makes no claims, and a row
 * whose cells are not one expression each (words, a blank, "$x^n$, $n \ne 0$") claims nothing.
 *
 * This module reads headers and rows; `claims.ts` makes the claims, with the note's context where the row stands.
 */
import type { Node, ParseResult, SymNode } from '../parse/ast';
import { walk } from '../parse/walk';
import type { MathFragment, ScannedTable } from '../scan/types';

/** What a header cell says its column holds. */
type Role =
  | { role: 'function'; letter?: string; variable?: string }
  | { role: 'derivative'; order: number; letter?: string; variable?: string }
  | { role: 'antiderivative'; letter?: string; variable?: string };

/** The relations a table's header states: each claiming column with its function column. */
export interface TableRelation {
  claims: Array<{ fnCol: number; col: number; kind: 'derivative' | 'antiderivative'; order: number }>;
  /** The variable the header names (`f(t)`, `\frac{d}{dt}`), if any. */
  variable?: string;
}

/** One row's claim: the fragments of its function cell and of its claiming cell. */
export interface TableRowClaim {
  fn: number;
  cell: number;
  kind: 'derivative' | 'antiderivative';
  order: number;
  variable: string;
  /** The function cell names no variable but other letters: which one is varied is a guess. */
  guessedVariable: boolean;
}

/** Header cell text with the math delimiters, spacing commands and spellings of d and prime made uniform. */
function normalizeMath(s: string): string {
  return s
    .replace(/\\left|\\right|\\[,;:! ]|\\displaystyle/g, '')
    .replace(/\\(?:mathrm|text|operatorname)\{d\}/g, 'd')
    .replace(/\\[dt]frac/g, '\\frac')
    .replace(/\^\{?((?:\\prime)+)\}?/g, (_m, p: string) => "'".repeat(p.length / 6))
    .replace(/\^\{('+)\}/g, '$1')
    .replace(/\s+/g, '');
}

const FN = /^([A-Za-z])(?:\(([A-Za-z])\))?$/;
const PRIME = /^([A-Za-z])('{1,3})(?:\(([A-Za-z])\))?$/;
/** `\frac{d}{dx}`, `\frac{d^2}{dx^2}`, then nothing or the function (`f`, `f(x)`, `[f(x)]`, `(f(x))`). */
const OPERATOR = /^\\frac\{d(?:\^\{?(\d)\}?)?\}\{d([A-Za-z])(?:\^\{?\d\}?)?\}(?:([A-Za-z])(?:\(([A-Za-z])\))?|\[([A-Za-z])(?:\(([A-Za-z])\))?\]|\(([A-Za-z])(?:\(([A-Za-z])\))?\))?$/;
/** `\frac{df}{dx}`, `\frac{df(x)}{dx}`, `\frac{d^2y}{dx^2}`. */
const LEIBNIZ = /^\\frac\{d(?:\^\{?(\d)\}?)?([A-Za-z])(?:\(([A-Za-z])\))?\}\{d([A-Za-z])(?:\^\{?\d\}?)?\}$/;
/** `df/dx`, `d/dx`, `dy/dx`. */
const SLASH = /^d([A-Za-z])?\/d([A-Za-z])$/;
/** `\int f(x)dx`, `\int f dx`. */
const INTEGRAL = /^\\int([A-Za-z])(?:\(([A-Za-z])\))?d([A-Za-z])$/;

function mathRole(m: string): Role | null {
  let g: RegExpExecArray | null;
  if ((g = FN.exec(m))) return { role: 'function', letter: g[1], ...(g[2] ? { variable: g[2] } : {}) };
  if ((g = PRIME.exec(m))) return { role: 'derivative', order: g[2].length, letter: g[1], ...(g[3] ? { variable: g[3] } : {}) };
  if ((g = OPERATOR.exec(m))) {
    const letter = g[3] ?? g[5] ?? g[7];
    const inner = g[4] ?? g[6] ?? g[8];
    if (inner && inner !== g[2]) return null;
    return { role: 'derivative', order: g[1] ? Number(g[1]) : 1, variable: g[2], ...(letter ? { letter } : {}) };
  }
  if ((g = LEIBNIZ.exec(m))) {
    if (g[3] && g[3] !== g[4]) return null;
    return { role: 'derivative', order: g[1] ? Number(g[1]) : 1, letter: g[2], variable: g[4] };
  }
  if ((g = SLASH.exec(m))) return { role: 'derivative', order: 1, variable: g[2], ...(g[1] ? { letter: g[1] } : {}) };
  if ((g = INTEGRAL.exec(m))) {
    if (g[2] && g[2] !== g[3]) return null;
    return { role: 'antiderivative', letter: g[1], variable: g[3] };
  }
  return null;
}

function wordRole(w: string): Role | null {
  if (/^(?:the\s+)?(?:original\s+)?(?:functions?|expressions?|integrands?)$/.test(w)) return { role: 'function' };
  if (/^(?:the\s+|its\s+)?(?:first\s+)?derivatives?$/.test(w)) return { role: 'derivative', order: 1 };
  if (/^(?:the\s+|its\s+)?second\s+derivatives?$/.test(w)) return { role: 'derivative', order: 2 };
  if (/^(?:an?\s+|the\s+|its\s+)?(?:anti-?\s?derivatives?|primitives?|(?:indefinite\s+)?integrals?)$/.test(w)) return { role: 'antiderivative' };
  return null;
}

/** What a header cell says its column holds, or null. Words and math in one cell must agree. */
export function headerRole(cell: string): Role | null {
  const maths: string[] = [];
  const words = cell
    .replace(/\$\$?([^$]*)\$\$?|\\\((.*?)\\\)/g, (_m, a?: string, b?: string) => {
      maths.push(a ?? b ?? '');
      return ' ';
    })
    .replace(/[*_`:]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
  let role: Role | null = null;
  if (words) {
    role = wordRole(words);
    // A header written without dollars: `f(x) | f'(x)`, `d/dx`.
    if (!role && !maths.length) role = mathRole(normalizeMath(cell.replace(/[*_`]/g, '')));
    if (!role) return null;
  }
  if (maths.length > 1) return null;
  if (maths.length === 1) {
    // `F'(x) = \frac{dF}{dx}`: several notations for one column; those we read must agree.
    const parts = normalizeMath(maths[0]).split('=').map(mathRole);
    const m = parts.find((p): p is Role => p !== null) ?? null;
    if (!m || parts.some((p) => p && (p.role !== m.role || p.letter !== m.letter || (p.variable && m.variable && p.variable !== m.variable)))) return null;
    if (role && role.role !== m.role) return null;
    if (role && role.role === 'derivative' && m.role === 'derivative' && role.order !== m.order) return null;
    role = m;
  }
  return role;
}

/** The relations a table's header states, or null when it states none. */
export function tableRelation(table: ScannedTable): TableRelation | null {
  const roles = table.header.map(headerRole);
  // A lone letter `x` or `t` heads a column of points, not a function.
  const fns = roles.map((r, col) => ({ r, col })).filter((x) => x.r?.role === 'function' && !(x.r.letter && !x.r.variable && /^[xt]$/.test(x.r.letter)));
  const claimed = roles.map((r, col) => ({ r, col })).filter((x) => x.r && x.r.role !== 'function');
  // `| $f(x)$ | $F(x)$ |`: the capital of the function's letter is its antiderivative.
  for (const f of fns) {
    const capital = fns.find((g) => g.col > f.col && f.r?.letter && g.r?.letter === f.r.letter.toUpperCase() && f.r.letter !== g.r.letter);
    if (capital) claimed.push({ r: { role: 'antiderivative', letter: f.r?.letter, ...(capital.r?.variable ? { variable: capital.r.variable } : {}) }, col: capital.col });
  }
  const claimCols = new Set(claimed.map((c) => c.col));
  const functions = fns.filter((f) => !claimCols.has(f.col));
  if (!claimed.length || !functions.length) return null;
  const all = [...functions, ...claimed].map((x) => x.r as Role);
  const variables = new Set(all.map((r) => r.variable).filter((v): v is string => !!v));
  if (variables.size > 1) return null;
  const variable = [...variables][0];
  if (variable && all.some((r) => r.letter === variable)) return null;
  const claims: TableRelation['claims'] = [];
  for (const c of claimed.sort((p, q) => p.col - q.col)) {
    const role = c.r as Role;
    const fits = (f: { r: Role | null }) => !role.letter || !f.r?.letter || f.r.letter === role.letter;
    // The nearest function column to its left (tables often hold two pairs side by side), else the only one.
    const left = functions.filter((f) => f.col < c.col && fits(f));
    const fn = left.length ? left[left.length - 1] : functions.length === 1 && fits(functions[0]) ? functions[0] : null;
    if (!fn) return null;
    claims.push({ fnCol: fn.col, col: c.col, kind: role.role === 'antiderivative' ? 'antiderivative' : 'derivative', order: role.role === 'derivative' ? role.order : 1 });
  }
  return { claims, ...(variable ? { variable } : {}) };
}

/** The one expression a cell holds (a lone fragment, one operand, no relation, nothing the parser could not read). */
function cellExpression(f: MathFragment | undefined, p: ParseResult | undefined): Node | null {
  if (!f || !p || !f.cell?.alone || f.disabled) return null;
  if (p.problems.length || p.formulas.length !== 1 || p.texts.length) return null;
  const formula = p.formulas[0];
  if (formula.operands.length !== 1 || formula.relations.length || formula.leading || formula.trailing) return null;
  const node = formula.operands[0];
  let readable = true;
  walk(node, (m) => {
    if (m.type === 'unknown' || m.type === 'ellipsis') readable = false;
  });
  return readable ? node : null;
}

const NOT_VARIABLES = new Set(['e', 'pi', 'infty', 'i']);

/** The plain letters an expression uses as variables (not function names, constants or styled symbols). */
export function lettersOf(n: Node): Set<string> {
  const out = new Set<string>();
  walk(n, (m) => {
    if (m.type === 'sym' && !m.font && !m.sub && !m.accent && !m.label && !NOT_VARIABLES.has(m.name)) out.add(m.name);
  });
  return out;
}

/**
 * The claims of every relation table: for each row, its function cell and each claiming cell, by fragment index.
 * Keyed by the fragment of the claiming cell (where the claim is reported).
 */
export function tableClaims(tables: ScannedTable[] | undefined, fragments: MathFragment[], parses: ParseResult[]): Map<number, TableRowClaim[]> {
  const out = new Map<number, TableRowClaim[]>();
  if (!tables?.length) return out;
  const relations = tables.map(tableRelation);
  if (relations.every((r) => !r)) return out;
  // The fragment alone in each cell.
  const byCell = new Map<string, number>();
  fragments.forEach((f, i) => {
    if (f.cell && relations[f.cell.table] && f.cell.row > 0) byCell.set(`${f.cell.table}:${f.cell.row}:${f.cell.col}`, i);
  });
  tables.forEach((table, t) => {
    const rel = relations[t];
    if (!rel) return;
    for (let row = 1; row < table.rows.length; row++) {
      for (const c of rel.claims) {
        const fi = byCell.get(`${t}:${row}:${c.fnCol}`);
        if (fi === undefined) continue;
        const fnNode = cellExpression(fragments[fi], parses[fi]);
        if (!fnNode) continue;
        const ci = byCell.get(`${t}:${row}:${c.col}`);
        if (ci === undefined || !cellExpression(fragments[ci], parses[ci])) continue;
        const letters = lettersOf(fnNode);
        let variable = rel.variable ?? 'x';
        let guessed = false;
        if (!letters.has(variable) && letters.size > 0) {
          // `| $\sin t$ | $\cos t$ |`: the row's one letter, when the other cell uses it too.
          const other = lettersOf(cellExpression(fragments[ci], parses[ci]) as Node);
          if (!rel.variable && letters.size === 1 && [...letters].every((l) => other.has(l))) variable = [...letters][0];
          else guessed = true;
        }
        const list = out.get(ci) ?? [];
        list.push({ fn: fi, cell: ci, kind: c.kind, order: c.order, variable, guessedVariable: guessed });
        out.set(ci, list);
      }
    }
  });
  return out;
}

/** `\frac{d^n}{dv^n}` of `of`, a tree spanning `span` (the spans of the fragment `of` comes from). */
export function derivativeOf(of: Node, variable: string, order: number): Node {
  const v: SymNode = { type: 'sym', name: variable, base: variable, span: { start: of.span.start, end: of.span.start } };
  return { type: 'deriv', kind: 'd', form: 'operator', of, wrt: [{ v, order, span: v.span }], order, span: of.span };
}
