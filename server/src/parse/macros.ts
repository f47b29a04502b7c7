/**
 * User macros: `\newcommand{\R}{\mathbb{R}}`, `\newcommand{\norm}[1]{\|#1\|}`, `\def\x{…}`,
 * `\DeclareMathOperator{\sech}{sech}` found anywhere in a note, plus the `calcnotes.macros` setting. The lexer
 * expands them (every token of an expansion gets the span of the invocation), KaTeX gets them for validation.
 */

export interface Macro {
  /** Number of arguments (#1 … #9). */
  params: number;
  body: string;
  /**
   * The default of an optional first argument (`\newcommand{\pd}[2][]{…}`, MathJax's `["…", 2, ""]`): then `#1`
   * is what an invocation writes in `[…]` right after the name, or this default.
   */
  optional?: string;
}

/** Macros by name with the backslash (`\R`). */
export type MacroTable = ReadonlyMap<string, Macro>;

/** The balanced `{…}` group starting at `i`: its content and the index after it, or null. */
export function braceGroup(s: string, i: number): { body: string; next: number } | null {
  if (s[i] !== '{') return null;
  let depth = 0;
  for (let j = i; j < s.length && j < i + 5000; j++) {
    if (s[j] === '\\') {
      j++;
      continue;
    }
    if (s[j] === '{') depth++;
    else if (s[j] === '}' && --depth === 0) return { body: s.slice(i + 1, j), next: j + 1 };
  }
  return null;
}

/**
 * The `[…]` group starting at `i` (braces inside it may hold a `]`: `[{a]b}]`): its content, one outer brace pair
 * removed as TeX does, and the index after it; null when there is none.
 */
export function bracketGroup(s: string, i: number): { body: string; next: number } | null {
  if (s[i] !== '[') return null;
  let depth = 0;
  for (let j = i + 1; j < s.length && j < i + 2000; j++) {
    const c = s[j];
    if (c === '\\') {
      j++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') {
      if (--depth < 0) return null;
    } else if (c === ']' && depth === 0) {
      let body = s.slice(i + 1, j);
      const whole = braceGroup(body, 0);
      if (whole && whole.next === body.length) body = whole.body;
      return { body, next: j + 1 };
    }
  }
  return null;
}

const DEFINITION = /\\(newcommand|renewcommand|providecommand|def|gdef|DeclareMathOperator)(?![A-Za-z])\*?\s*/g;

const MAYBE_DEFINITION = /\\(?:newcommand|renewcommand|providecommand|g?def|DeclareMathOperator)/;

/** One definition as written: where it stands in the text, and what it defines. */
export interface Definition {
  name: string;
  macro: Macro;
  start: number;
  end: number;
}

/** Every macro definition in a text, in order (bounded work, never throws). */
export function findDefinitions(text: string): Definition[] {
  const out: Definition[] = [];
  // Most notes define nothing: one quick scan for a command of this family before the full expression.
  if (!MAYBE_DEFINITION.test(text)) return out;
  DEFINITION.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = DEFINITION.exec(text)) && out.length < 500) {
    const kind = m[1];
    let i = m.index + m[0].length;
    let name: string | null = null;
    const braced = braceGroup(text, i);
    if (braced) {
      name = braced.body.trim();
      i = braced.next;
    } else {
      const n = /^\\[a-zA-Z]+/.exec(text.slice(i, i + 100));
      if (n) {
        name = n[0];
        i += n[0].length;
      }
    }
    if (!name || !/^\\[a-zA-Z]+$/.test(name)) continue;
    let params = 0;
    let optional: string | undefined;
    if (kind === 'def' || kind === 'gdef') {
      const hashes = /^(#\d)+/.exec(text.slice(i, i + 30));
      if (hashes) {
        params = hashes[0].length / 2;
        i += hashes[0].length;
      }
    } else if (kind !== 'DeclareMathOperator') {
      const p = /^\s*\[(\d)\]/.exec(text.slice(i, i + 10));
      if (p) {
        params = Number(p[1]);
        i += p[0].length;
        // `[2][x]`: a default for the first argument.
        const ws = /^\s*/.exec(text.slice(i, i + 50))![0].length;
        const d = params > 0 ? bracketGroup(text, i + ws) : null;
        if (d) {
          optional = d.body;
          i = d.next;
        }
      }
    }
    while (text[i] === ' ') i++;
    const body = braceGroup(text, i);
    if (!body) continue;
    out.push({
      name,
      macro: {
        params,
        body: kind === 'DeclareMathOperator' ? `\\operatorname${m[0].includes('*') ? '*' : ''}{${body.body}}` : body.body,
        ...(optional !== undefined ? { optional } : {}),
      },
      start: m.index,
      end: body.next,
    });
    DEFINITION.lastIndex = body.next;
  }
  return out;
}

/** Every macro a note defines (later definitions win). */
export function collectMacros(text: string): Map<string, Macro> {
  return new Map(findDefinitions(text).map((d) => [d.name, d.macro]));
}

/** The text with every macro definition blanked out (same length, so positions stay true). */
export function withoutDefinitions(text: string): string {
  const defs = findDefinitions(text);
  if (!defs.length) return text;
  let out = '';
  let at = 0;
  for (const d of defs) {
    out += text.slice(at, d.start) + text.slice(d.start, d.end).replace(/[^\n]/g, ' ');
    at = d.end;
  }
  return out + text.slice(at);
}

/** Macros from settings (`{"\\R": "\\mathbb{R}"}`): the number of arguments is the highest #n in the body. */
export function macrosFromSettings(settings: Record<string, string> | undefined): Map<string, Macro> {
  const out = new Map<string, Macro>();
  for (const [rawName, body] of Object.entries(settings ?? {})) {
    if (typeof body !== 'string') continue;
    const name = rawName.startsWith('\\') ? rawName : `\\${rawName}`;
    if (!/^\\[a-zA-Z]+$/.test(name)) continue;
    const params = Math.max(0, ...[...body.matchAll(/#(\d)/g)].map((x) => Number(x[1])));
    out.set(name, { params, body });
  }
  return out;
}

/** A KaTeX macro: its body, or a function of KaTeX's macro expander (the few methods used here). */
export type KatexMacro = string | ((context: KatexMacroContext) => string);

interface KatexToken {
  text: string;
}

export interface KatexMacroContext {
  future(): KatexToken;
  popToken(): KatexToken;
}

/** Does the body use exactly the parameters #1 … #n (the count KaTeX infers from a body)? */
function usesParams(body: string, n: number): boolean {
  for (let k = 1; k <= n; k++) if (!body.includes(`#${k}`)) return false;
  return !body.includes(`#${n + 1}`);
}

/**
 * KaTeX's `macros` option for the same table. KaTeX counts a string macro's arguments from its body and knows no
 * optional argument; a macro with an optional first argument, or with more arguments than its body uses (MathJax's
 * `["\\foo", 2]`), becomes a function that reads the `[…]` itself (or takes the default) and leaves the remaining
 * arguments, renumbered, to KaTeX.
 */
export function katexMacros(table: MacroTable): Record<string, KatexMacro> {
  const out: Record<string, KatexMacro> = {};
  for (const [name, m] of table) {
    if (m.optional === undefined && usesParams(m.body, m.params)) {
      out[name] = m.body;
      continue;
    }
    out[name] = (context) => {
      let body = m.body;
      let first = 1;
      if (m.optional !== undefined && m.params > 0) {
        let value = m.optional;
        if (context.future().text === '[') {
          context.popToken();
          const parts: string[] = [];
          let depth = 0;
          for (let n = 0; n < 1000; n++) {
            const t = context.future();
            if (t.text === 'EOF') break;
            context.popToken();
            if (t.text === '{') depth++;
            else if (t.text === '}') depth--;
            else if (t.text === ']' && depth <= 0) break;
            parts.push(t.text);
          }
          value = parts.join(' ');
        }
        body = body.replace(/#1/g, () => `{${value}}`);
        first = 2;
      }
      // Arguments the body never uses are still read (MathJax's count), as groups KaTeX takes and drops.
      const rest = m.params - first + 1;
      body = body.replace(/#([1-9])/g, (_, d) => (Number(d) - first + 1 > rest ? '' : `#${Number(d) - first + 1}`));
      let pad = '';
      for (let k = 1; k <= rest; k++) if (!body.includes(`#${k}`)) pad += `\\vphantom{#${k}}`;
      return body + pad;
    };
  }
  return out;
}

/**
 * Read a macro's arguments from `input` at `i` (brace groups or single characters/commands) and give the
 * expansion and the index after the invocation, or null when the arguments are missing.
 */
export function expandAt(input: string, i: number, to: number, macro: Macro): { text: string; next: number } | null {
  const args: string[] = [];
  let j = i;
  if (macro.optional !== undefined && macro.params > 0) {
    let k = j;
    while (k < to && /\s/.test(input[k])) k++;
    const g = input[k] === '[' ? bracketGroup(input, k) : null;
    if (g && g.next <= to) {
      args.push(g.body);
      j = g.next;
    } else args.push(macro.optional);
  }
  for (let k = args.length; k < macro.params; k++) {
    while (j < to && /\s/.test(input[j])) j++;
    if (j >= to) return null;
    const g = braceGroup(input, j);
    if (g && g.next <= to) {
      args.push(g.body);
      j = g.next;
    } else {
      const cmd = /^\\[a-zA-Z]+|^./.exec(input.slice(j, to));
      if (!cmd) return null;
      args.push(cmd[0]);
      j += cmd[0].length;
    }
  }
  let body = macro.body.trim();
  // A body that is one brace group (`{\\operatorname{d}\\!{#1}}`, MathJax macros are often written so) groups
  // only for a script after it (or around an infix `\\over`): without one, the braces say nothing and would hide
  // the notation inside.
  const whole = braceGroup(body, 0);
  if (whole && whole.next === body.length && !/\\(over|atop|choose)(?![A-Za-z])/.test(body) && !/^\s*(['^_])/.test(input.slice(j, Math.min(to, j + 40)).replace(/^\s*[_^]\s*\{\s*\}/, ''))) body = whole.body;
  const text = body.replace(/#(\d)/g, (_, d) => args[Number(d) - 1] ?? '');
  return { text: ` ${text} `, next: j };
}
