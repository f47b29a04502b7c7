/**
 * User macros: `\newcommand{\R}{\mathbb{R}}`, `\newcommand{\norm}[1]{\|#1\|}`, `\def\x{…}`,
 * `\DeclareMathOperator{\sech}{sech}` found anywhere in a note, plus the `calcnotes.macros` setting. The lexer
 * expands them (every token of an expansion gets the span of the invocation), KaTeX gets them for validation.
 */

export interface Macro {
  /** Number of arguments (#1 … #9). */
  params: number;
  body: string;
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
        // `[2][x]`: a default for the first argument (read, not modelled).
        const d = /^\s*\[[^\]]*\]/.exec(text.slice(i, i + 200));
        if (d) i += d[0].length;
      }
    }
    while (text[i] === ' ') i++;
    const body = braceGroup(text, i);
    if (!body) continue;
    out.push({
      name,
      macro: { params, body: kind === 'DeclareMathOperator' ? `\\operatorname{${body.body}}` : body.body },
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

/** KaTeX's `macros` option for the same table. */
export function katexMacros(table: MacroTable): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, m] of table) out[name] = m.body;
  return out;
}

/**
 * Read a macro's arguments from `input` at `i` (brace groups or single characters/commands) and give the
 * expansion and the index after the invocation, or null when the arguments are missing.
 */
export function expandAt(input: string, i: number, to: number, macro: Macro): { text: string; next: number } | null {
  const args: string[] = [];
  let j = i;
  for (let k = 0; k < macro.params; k++) {
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
  const text = macro.body.replace(/#(\d)/g, (_, d) => args[Number(d) - 1] ?? '');
  return { text: ` ${text} `, next: j };
}
