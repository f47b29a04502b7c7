/**
 * Printing the IR for people: readable LaTeX (`2x\cos(x^2)`, `\frac{f'g - fg'}{g^2}`) for messages, hovers and
 * quick fixes, and plain numbers for counterexamples.
 */
import { type Expr, add, mul, num, pow, same } from './expr';
import { FUNCTIONS } from './functions';

const GREEK = new Set([
  'alpha', 'beta', 'gamma', 'delta', 'epsilon', 'varepsilon', 'zeta', 'eta', 'theta', 'vartheta', 'iota', 'kappa',
  'lambda', 'mu', 'nu', 'xi', 'pi', 'rho', 'sigma', 'tau', 'upsilon', 'phi', 'varphi', 'chi', 'psi', 'omega',
  'Gamma', 'Delta', 'Theta', 'Lambda', 'Xi', 'Pi', 'Sigma', 'Phi', 'Psi', 'Omega', 'ell',
]);

const FONTS: Record<string, string> = { bold: '\\mathbf', cal: '\\mathcal', bb: '\\mathbb', rm: '\\mathrm', frak: '\\mathfrak', scr: '\\mathscr', sf: '\\mathsf' };
const ACCENTS = new Set(['hat', 'bar', 'tilde', 'vec', 'dot', 'ddot', 'check', 'breve']);

/** A canonical symbol name (`x_ij`, `bold:theta`, `hat:bold:y`, `bold:W^(2)`) as LaTeX. */
export function symbolLatex(name: string): string {
  const m = /^((?:\w+:)*)([A-Za-z0-9]+)(?:\^\((.*?)\))?(?:_(.+))?$/.exec(name);
  if (!m) return name;
  const [, prefixes, rawBase, label, sub] = m;
  let base = GREEK.has(rawBase) ? `\\${rawBase}` : rawBase;
  // Innermost prefix first: `hat:bold:y` is \hat{\mathbf{y}}.
  for (const p of prefixes.split(':').filter(Boolean).reverse()) {
    if (FONTS[p]) base = `${FONTS[p]}{${base}}`;
    else if (ACCENTS.has(p)) base = `\\${p}{${base}}`;
  }
  if (label !== undefined) base = `${base}^{(${label})}`;
  if (!sub) return base;
  return sub.length === 1 ? `${base}_${sub}` : `${base}_{${sub}}`;
}

/** A number for people: integers as they are, simple fractions as fractions, else 4 significant digits. */
export function numberLatex(v: number): string {
  if (Number.isInteger(v)) return String(v);
  for (let d = 2; d <= 12; d++) {
    const n = v * d;
    if (Math.abs(n - Math.round(n)) < 1e-12 && Math.abs(n) < 1000) {
      const s = v < 0 ? '-' : '';
      return `${s}\\frac{${Math.abs(Math.round(n))}}{${d}}`;
    }
  }
  if (Math.abs(v - Math.PI) < 1e-12) return '\\pi';
  if (Math.abs(v - Math.E) < 1e-12) return 'e';
  return formatNumber(v);
}

/** Plain-text number for messages: up to 4 significant digits, a real minus sign. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  let s: string;
  if (v !== 0 && (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-4)) s = v.toExponential(3).replace(/\.?0+e/, 'e');
  else s = String(Number(v.toPrecision(4)));
  return s.replace(/^-/, '−');
}

export interface PrintOptions {
  /** Show abstract functions applied to this variable without the argument: `f'` rather than `f'(x)`. */
  bareVariable?: string;
  /** Display names for abstract functions (dependent variables print as their own name). */
  names?: (f: string) => string;
}

const PREC_ADD = 1;
const PREC_MUL = 2;
const PREC_NEG = 3;
const PREC_POW = 4;

export function toLatex(e: Expr, opts: PrintOptions = {}): string {
  return print(e, 0, opts);
}

function wrap(s: string, need: boolean): string {
  return need ? `\\left(${s}\\right)` : s;
}

function negative(e: Expr): Expr | null {
  if (e.k === 'num' && e.v < 0) return { k: 'num', v: -e.v };
  if (e.k === 'mul' && e.a[0].k === 'num' && e.a[0].v < 0) {
    const c = -e.a[0].v;
    const rest = e.a.slice(1);
    if (c === 1) return rest.length === 1 ? rest[0] : { k: 'mul', a: rest };
    return { k: 'mul', a: [{ k: 'num', v: c }, ...rest] };
  }
  return null;
}

function print(e: Expr, prec: number, o: PrintOptions): string {
  switch (e.k) {
    case 'num': {
      const s = numberLatex(e.v);
      return e.v < 0 && prec > PREC_ADD ? wrap(s, true) : s;
    }
    case 'var':
      return symbolLatex(e.name);
    case 'add': {
      const combined = overCommonDenominator(e);
      if (combined) return print(combined, prec, o);
      let s = '';
      // `1 - \hat y^2`, not `-\hat y^2 + 1`: a sum that would start with a minus starts with its first positive term.
      let terms = e.a;
      if (negative(terms[0])) {
        const k = terms.findIndex((t) => !negative(t));
        if (k > 0) terms = [terms[k], ...terms.slice(0, k), ...terms.slice(k + 1)];
      }
      terms.forEach((t, i) => {
        const n = negative(t);
        if (i === 0) s = n ? `-${print(n, PREC_NEG, o)}` : print(t, PREC_ADD, o);
        else s += n ? ` - ${print(n, PREC_MUL, o)}` : ` + ${print(t, PREC_ADD, o)}`;
      });
      return wrap(s, prec > PREC_ADD);
    }
    case 'mul': {
      const n = negative(e);
      if (n) return wrap(`-${print(n, PREC_NEG, o)}`, prec > PREC_ADD);
      const top: Expr[] = [];
      const bottom: Expr[] = [];
      for (const f of e.a) {
        if (f.k === 'pow' && f.e.k === 'num' && f.e.v < 0) {
          bottom.push(f.e.v === -1 ? f.b : { k: 'pow', b: f.b, e: { k: 'num', v: -f.e.v } });
        } else if (f.k === 'num' && !Number.isInteger(f.v) && Number.isInteger(1 / f.v)) {
          bottom.push({ k: 'num', v: 1 / f.v });
        } else top.push(f);
      }
      if (bottom.length) {
        const t = top.length === 0 ? '1' : top.length === 1 ? print(top[0], 0, o) : product(top, o);
        const b = bottom.length === 1 ? print(bottom[0], PREC_MUL, o) : product(bottom, o);
        return `\\frac{${t}}{${b}}`;
      }
      return wrap(product(top, o), prec > PREC_MUL);
    }
    case 'pow': {
      if (e.e.k === 'num' && e.e.v === 0.5) return `\\sqrt{${print(e.b, 0, o)}}`;
      if (e.e.k === 'num' && e.e.v < 0) return print({ k: 'mul', a: [e] }, prec, o);
      const base = e.b.k === 'fn' && e.b.f !== 'exp' && e.b.f !== 'abs' ? fnWithPower(e.b, e.e, o) : null;
      if (base) return base;
      const b = print(e.b, PREC_POW + 1, o);
      const x = print(e.e, 0, o);
      return `${b}^${x.length === 1 ? x : `{${x}}`}`;
    }
    case 'fn': {
      if (e.f === 'exp') return `e^{${print(e.a, 0, o)}}`;
      if (e.f === 'abs') return `\\left|${print(e.a, 0, o)}\\right|`;
      const name = FUNCTIONS[e.f].latex;
      // σ(x), ReLU(x): names that are not operators always take parentheses.
      if (!/^\\[a-z]+$/.test(name) || e.f === 'sigmoid') return `${name}(${print(e.a, 0, o)})`;
      return `${name}${fnArg(e.a, o)}`;
    }
    case 'app': {
      const name = o.names ? o.names(e.f) : symbolLatex(e.f);
      const total = e.d.reduce((s, x) => s + x, 0);
      const bare = o.bareVariable !== undefined && e.a.length === 1 && e.a[0].k === 'var' && e.a[0].name === o.bareVariable;
      const args = bare ? '' : `(${e.a.map((a) => print(a, 0, o)).join(', ')})`;
      if (total === 0) return `${name}${args}`;
      if (e.a.length === 1) {
        const primes = total <= 3 ? "'".repeat(total) : `^{(${total})}`;
        return `${name}${primes}${args}`;
      }
      const parts = e.d.map((n, i) => (n === 0 ? '' : n === 1 ? `\\partial_${i + 1}` : `\\partial_${i + 1}^${n}`)).join(' ');
      return `${parts} ${name}${args}`;
    }
    case 'int': {
      const t = symbolLatex(e.v.replace(/#\d+$/, ''));
      const s = `\\int_{${print(e.lo, 0, o)}}^{${print(e.hi, 0, o)}} ${print(e.body, PREC_ADD, o)} \\, d${t}`;
      return wrap(s, prec > PREC_ADD);
    }
  }
}

function fnWithPower(f: Extract<Expr, { k: 'fn' }>, p: Expr, o: PrintOptions): string | null {
  if (p.k !== 'num' || !Number.isInteger(p.v) || p.v < 2) return null;
  // `\sin^2 x`, but σ(x)² and ReLU(x)² keep their parentheses (`\sigma^2 x` reads as σ² · x).
  if (!/^\\[a-z]+$/.test(FUNCTIONS[f.f].latex) || f.f === 'sigmoid') return null;
  return `${FUNCTIONS[f.f].latex}^${p.v < 10 ? p.v : `{${p.v}}`}${fnArg(f.a, o)}`;
}

function fnArg(a: Expr, o: PrintOptions): string {
  const s = print(a, 0, o);
  if (a.k === 'var' || (a.k === 'num' && a.v >= 0)) return ` ${s}`;
  return `(${s})`;
}

/** Order of factors in a printed product: numbers, letters and their powers, functions, then sums. */
function rank(e: Expr): number {
  if (e.k === 'num') return 0;
  if (e.k === 'var' || (e.k === 'pow' && e.b.k === 'var')) return 1;
  if (e.k === 'app' || (e.k === 'pow' && e.b.k === 'app')) return 2;
  if (e.k === 'add') return 4;
  return 3;
}

function product(unsorted: Expr[], o: PrintOptions): string {
  const fs = unsorted.map((e, i) => ({ e, i })).sort((a, b) => rank(a.e) - rank(b.e) || a.i - b.i).map((p) => p.e);
  const parts = fs.map((f) => ({ f, s: print(f, PREC_MUL, o) }));
  let s = parts[0].s;
  for (let i = 1; i < parts.length; i++) {
    const prev = parts[i - 1];
    const cur = parts[i].s;
    // `\sin x` followed by a factor, or a factor starting with a digit, needs an explicit dot.
    // (`\sin^2 x` is a function too: `\sin^2 x e^x` would read as sin²(x eˣ).)
    const fnLike = prev.f.k === 'fn' || (prev.f.k === 'pow' && prev.f.b.k === 'fn');
    const needDot = /^[0-9]/.test(cur) || (fnLike && !/[)}]$/.test(prev.s)) || cur.startsWith('-');
    const needSpace = /\\[a-zA-Z]+$/.test(s) && /^[a-zA-Z]/.test(cur);
    s += needDot ? ` \\cdot ${cur}` : needSpace ? ` ${cur}` : cur;
  }
  return s;
}

/** Split a term into numerator factors and denominator powers (numeric exponents only). */
function fractionParts(t: Expr): { top: Expr[]; bottom: { base: Expr; n: number }[] } {
  const factors = t.k === 'mul' ? t.a : [t];
  const top: Expr[] = [];
  const bottom: { base: Expr; n: number }[] = [];
  for (const f of factors) {
    if (f.k === 'pow' && f.e.k === 'num' && f.e.v < 0) {
      // x^{-1} x^{-2} is x^{-3}: one entry per base, or the common denominator comes out wrong.
      const same_ = bottom.find((b) => same(b.base, f.b));
      if (same_) same_.n += -f.e.v;
      else bottom.push({ base: f.b, n: -f.e.v });
    } else top.push(f);
  }
  return { top, bottom };
}

/**
 * `f'/g - fg'/g^2` printed as `(f'g - fg')/g^2`: when every term of a sum has a denominator built from the
 * same few bases, put the sum over their least common denominator.
 */
function overCommonDenominator(e: Extract<Expr, { k: 'add' }>): Expr | null {
  const parts = e.a.map(fractionParts);
  if (parts.some((p) => p.bottom.length === 0)) return null;
  const lcd: { base: Expr; n: number }[] = [];
  for (const p of parts) {
    for (const b of p.bottom) {
      if (!Number.isInteger(b.n)) return null;
      const have = lcd.find((x) => same(x.base, b.base));
      if (have) have.n = Math.max(have.n, b.n);
      else lcd.push({ ...b });
    }
  }
  if (lcd.length > 3) return null;
  const numerators = parts.map((p) => {
    const extra = lcd.map((d) => {
      const mine = p.bottom.find((b) => same(b.base, d.base));
      return pow(d.base, num(d.n - (mine ? mine.n : 0)));
    });
    return mul(...p.top, ...extra);
  });
  return mul(add(...numerators), ...lcd.map((d) => pow(d.base, num(-d.n))));
}
