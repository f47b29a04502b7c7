/**
 * LaTeX to plain text for messages (Problems panel, terminal): `\frac{f'g - fg'}{g^2}` reads
 * `(f'g − fg')/g²`. Only the common constructs; anything else is left as written.
 */

const SUPERSCRIPT: Record<string, string> = { '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹', '-': '⁻', n: 'ⁿ', x: 'ˣ', i: 'ⁱ', T: 'ᵀ', 'ᵀ': 'ᵀ' };
const GREEK: Record<string, string> = {
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', epsilon: 'ε', varepsilon: 'ε', theta: 'θ', lambda: 'λ', mu: 'μ',
  sigma: 'σ', phi: 'φ', varphi: 'φ', psi: 'ψ', omega: 'ω', tau: 'τ', eta: 'η', xi: 'ξ', rho: 'ρ', pi: 'π', nu: 'ν',
  kappa: 'κ', zeta: 'ζ', partial: '∂', nabla: '∇', int: '∫', sum: '∑', prod: '∏', infty: '∞', cdot: '·', times: '×', approx: '≈', neq: '≠',
  ell: 'ℓ', chi: 'χ', upsilon: 'υ', iota: 'ι', vartheta: 'ϑ', varrho: 'ϱ', Pi: 'Π', Xi: 'Ξ',
  Sigma: 'Σ', Lambda: 'Λ', Phi: 'Φ', Psi: 'Ψ', Omega: 'Ω', Gamma: 'Γ', Delta: 'Δ', Theta: 'Θ',
  le: '≤', ge: '≥', leq: '≤', geq: '≥', to: '→', top: 'ᵀ', intercal: 'ᵀ', odot: '⊙', otimes: '⊗', lVert: '‖', rVert: '‖', Vert: '‖', ldots: '…', cdots: '⋯', dots: '…',
};

/** The balanced `{…}` group starting at `i` (which must be `{`): its content and the index after it. */
function group(s: string, i: number): { body: string; next: number } | null {
  if (s[i] !== '{') return null;
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    if (s[j] === '{') depth++;
    else if (s[j] === '}') {
      depth--;
      if (depth === 0) return { body: s.slice(i + 1, j), next: j + 1 };
    }
  }
  return null;
}

/** A macro argument: a brace group, or one token without braces (`\frac12`, `\frac1\lambda`). */
function arg(s: string, i: number): { body: string; next: number } | null {
  let j = i;
  while (s[j] === ' ') j++;
  if (s[j] === '{') return group(s, j);
  const m = /^(\\[a-zA-Z]+|[A-Za-z0-9])/.exec(s.slice(j));
  return m ? { body: m[1], next: j + m[1].length } : null;
}

function atomic(t: string): boolean {
  return /^[A-Za-z0-9.'′²³⁴ⁿ]+$/.test(t) || /^\(.*\)$/.test(t) && balancedParens(t.slice(1, -1));
}

/** Are the round brackets of `t` balanced (never closing more than opened)? */
export function balancedParens(t: string): boolean {
  let d = 0;
  for (const c of t) {
    if (c === '(') d++;
    else if (c === ')' && --d < 0) return false;
  }
  return d === 0;
}

function wrap(t: string): string {
  return atomic(t) ? t : `(${t})`;
}

/** A denominator needs brackets unless it is one number or one letter (with primes or a power). */
function wrapDenominator(t: string): string {
  return /^([0-9.]+|[A-Za-zα-ω][′'²³⁴ⁿ]*|\(.*\))$/.test(t) && (!t.startsWith('(') || balancedParens(t.slice(1, -1))) ? t : `(${t})`;
}

function superscript(t: string): string | null {
  let out = '';
  for (const c of t) {
    const m = SUPERSCRIPT[c];
    if (!m) return null;
    out += m;
  }
  return out;
}

/** Combining marks for LaTeX accents (ŷ, x̄, x̃, ẋ, ẍ, v⃗). */
const ACCENT_MARKS: Record<string, string> = {
  hat: '\u0302', widehat: '\u0302', bar: '\u0304', overline: '\u0305', tilde: '\u0303', widetilde: '\u0303',
  dot: '\u0307', ddot: '\u0308', vec: '\u20d7',
};

export function plainText(latex: string, depth = 0): string {
  if (depth > 20) return latex;
  let s = latex;
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '\\') {
      const m = /^\\([a-zA-Z]+|.)/.exec(s.slice(i));
      const name = m ? m[1] : '';
      i += name.length + 1;
      if (name === 'frac' || name === 'dfrac' || name === 'tfrac') {
        const a = arg(s, i);
        const b = a ? arg(s, a.next) : null;
        if (a && b) {
          const top = plainText(a.body, depth + 1);
          const bottom = plainText(b.body, depth + 1);
          // Leibniz notation reads as written: dy/dx, ∂²f/∂x∂y.
          if (/^[d∂]/.test(top) && /^[d∂]/.test(bottom)) {
            out += `${top.replace(/^([d∂][²³]?) /, '$1')}/${bottom.replace(/([d∂]) /g, '$1')}`;
            if (/^\s*[A-Za-z\\(|]/.test(s.slice(b.next))) out += ' ';
          }
          // A fraction multiplied by what follows it reads (1/2)·x, never 1/2x.
          else if (juxtaposed(s, b.next)) out += `(${wrap(top)}/${wrapDenominator(bottom)})${TIGHT_DOT}`;
          else out += `${wrap(top)}/${wrapDenominator(bottom)}`;
          i = b.next;
          continue;
        }
      }
      // `\sum_{i=1}^{n}` reads ∑(i=1…n); `\sum_k` reads ∑_k.
      if ((name === 'sum' || name === 'prod') && /^\s*(?:\\limits|\\nolimits)?\s*_/.test(s.slice(i))) {
        let j = s.slice(i).search(/_/) + i + 1;
        const lower = arg(s, j);
        let upper: { body: string; next: number } | null = null;
        if (lower) {
          j = lower.next;
          while (s[j] === ' ') j++;
          if (s[j] === '^') upper = arg(s, j + 1);
        }
        if (lower) {
          const sign = name === 'sum' ? '∑' : '∏';
          const lo = plainText(lower.body, depth + 1);
          if (out && !/[\s(]$/.test(out)) out += ' ';
          out += upper ? `${sign}(${lo}…${plainText(upper.body, depth + 1)}) ` : `${sign}_${lo.length > 1 ? `(${lo})` : lo} `;
          i = upper ? upper.next : lower.next;
          while (s[i] === ' ') i++;
          continue;
        }
      }
      // A matrix reads [3×3 matrix]: its entries would make a message no one reads at a glance.
      if (name === 'begin') {
        const m = matrixAt(s, i);
        if (m) {
          out += m.text;
          i = m.next;
          continue;
        }
      }
      if (name === 'sqrt') {
        const a = group(s, i);
        if (a) {
          out += `√${wrap(plainText(a.body, depth + 1))}`;
          i = a.next;
          continue;
        }
      }
      if (name === 'operatorname' || name === 'mathrm' || name === 'text' || name === 'mathbf' || name === 'boldsymbol' || name === 'mathcal') {
        const a = group(s, i);
        if (a) {
          out += plainText(a.body, depth + 1);
          i = a.next;
          continue;
        }
        // `\mathbf u` without braces: the font applies to the next letter (or command).
        let j = i;
        while (s[j] === ' ') j++;
        if (j > i || /[A-Za-z\\]/.test(s[j] ?? '')) {
          i = j;
          continue;
        }
      }
      // Accents over one letter: ŷ, x̄, θ̃ (a combining mark after the letter); over more, the mark after the group.
      const accent = ACCENT_MARKS[name];
      if (accent) {
        let j = i;
        while (s[j] === ' ') j++;
        const a = group(s, j);
        const inner = a ? plainText(a.body, depth + 1) : s[j] === '\\' ? plainText(/^\\[a-zA-Z]+/.exec(s.slice(j))?.[0] ?? '', depth + 1) : s[j] ?? '';
        const next = a ? a.next : s[j] === '\\' ? j + (/^\\[a-zA-Z]+/.exec(s.slice(j))?.[0].length ?? 1) : j + 1;
        if (inner) {
          if (/[A-Za-z)′']$/.test(out) && /^[A-Za-z]/.test(inner)) out += ' ';
          // One letter with its mark, composed where Unicode has the letter (ŷ, x̄); a group, the mark after it.
          out += [...inner].length === 1 ? `${inner}${accent}`.normalize('NFC') : `(${inner})${accent}`;
          i = next;
          continue;
        }
      }
      if (name === 'left' || name === 'right' || /^(?:big|Big|bigg|Bigg)[lrm]?$/.test(name)) {
        if (s[i] === '.') i++;
        continue;
      }
      if (name === ',' || name === ';' || name === '!' || name === ' ' || name === ':' || name === 'quad') {
        out += ' ';
        continue;
      }
      if (GREEK[name]) {
        out += GREEK[name];
        continue;
      }
      if (/^[a-zA-Z]+$/.test(name)) {
        if (/[A-Za-z0-9)′']$/.test(out)) out += ' ';
        out += name;
        if (/^[a-zA-Z0-9]/.test(s[i] ?? '')) out += ' ';
        continue;
      }
      out += name === '|' ? '‖' : name;
      continue;
    }
    if (c === '^') {
      const a = group(s, i + 1);
      // `^\top`: the exponent is one command.
      const cmd = !a && s[i + 1] === '\\' ? /^\\[a-zA-Z]+/.exec(s.slice(i + 1)) : null;
      const body = a ? a.body : cmd ? cmd[0] : s[i + 1] ?? '';
      const next = a ? a.next : cmd ? i + 1 + cmd[0].length : i + 2;
      const inner = plainText(body, depth + 1);
      const sup = inner === '−ᵀ' ? '⁻ᵀ' : superscript(inner.replace(/\s+/g, ''));
      out += sup ?? `^${wrap(inner)}`;
      i = next;
      continue;
    }
    if (c === '{' ) {
      const a = group(s, i);
      if (a) {
        const inner = plainText(a.body, depth + 1);
        // `1/{2x}`: a brace group after a slash is a denominator.
        out += /\/\s*$/.test(out) ? wrapDenominator(inner) : inner;
        i = a.next;
        continue;
      }
    }
    if (c === '-' ) {
      out += '−';
      i++;
      continue;
    }
    out += c;
    i++;
  }
  return out.replace(/\s+/g, ' ').replace(/\s*·\s*/g, ' · ').replace(/\s*\u2062\s*/g, '·').trim();
}

/** Marks a product written without a sign (a fraction times a factor): printed `·` with no spaces around it. */
const TIGHT_DOT = '\u2062';

/** Commands after a fraction that are not a factor multiplying it (operators, relations, spacing, closers). */
const NOT_A_FACTOR = new Set([
  'cdot', 'times', 'div', 'pm', 'mp', 'le', 'leq', 'ge', 'geq', 'neq', 'ne', 'approx', 'equiv', 'sim', 'to', 'quad',
  'qquad', 'right', 'end', 'rangle', 'rvert', 'rVert', 'ldots', 'cdots', 'dots', 'text', 'mathrm', 'tag', 'label',
  'big', 'Big', 'bigg', 'Bigg', 'bigr', 'Bigr', 'biggr', 'Biggr', 'iff', 'implies', 'Rightarrow', 'rightarrow',
]);

/** Does a factor follow at `i` (after spaces): a letter, a bracket, a group, or a command that is not an operator? */
function juxtaposed(s: string, i: number): boolean {
  let j = i;
  while (s[j] === ' ') j++;
  const c = s[j];
  if (c === undefined) return false;
  if (/[A-Za-z({]/.test(c)) return true;
  if (c !== '\\') return false;
  const m = /^\\([a-zA-Z]+)/.exec(s.slice(j));
  return !!m && !NOT_A_FACTOR.has(m[1]);
}

const MATRIX_ENVS = new Set(['matrix', 'pmatrix', 'bmatrix', 'Bmatrix', 'vmatrix', 'Vmatrix', 'smallmatrix', 'array']);

/**
 * `\begin{bmatrix}…\end{bmatrix}` at `i` (just after `\begin`) as `[2×3 matrix]` (a determinant `det[2×2 matrix]`),
 * with the index after its `\end`; null when `i` does not open a matrix or it is not closed.
 */
function matrixAt(s: string, i: number): { text: string; next: number } | null {
  const env = group(s, i);
  if (!env || !MATRIX_ENVS.has(env.body)) return null;
  let j = env.next;
  if (env.body === 'array') {
    const spec = group(s, j);
    if (spec) j = spec.next;
  }
  const bodyStart = j;
  let depth = 0;
  let nested = 0;
  let rows = 1;
  let cols = 1;
  let rowHasContent = false;
  for (; j < s.length; j++) {
    const c = s[j];
    if (c === '\\' && s.startsWith('\\end{', j) && nested === 0) {
      const close = group(s, j + 4);
      if (!close || close.body !== env.body) return null;
      if (!rowHasContent && rows > 1) rows--; // a trailing \\ opens no row
      if (bodyStart === j || (rows === 1 && !rowHasContent)) return { text: '[empty matrix]', next: close.next };
      return { text: `${env.body === 'vmatrix' ? 'det' : ''}[${rows}×${cols} matrix]`, next: close.next };
    }
    if (c === '\\' && s[j + 1] === '\\' && depth === 0 && nested === 0) {
      rows++;
      rowHasContent = false;
      j++;
      continue;
    }
    if (c === '\\') {
      if (s.startsWith('\\begin{', j)) nested++;
      else if (s.startsWith('\\end{', j)) nested--;
      rowHasContent = true;
      j++; // the escaped character or the command's first letter
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === '&' && depth === 0 && nested === 0 && rows === 1) cols++;
    if (!/\s/.test(c) && c !== '&') rowHasContent = true;
  }
  return null;
}
