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
function braceGroup(s: string, i: number): { body: string; next: number } | null {
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

const DEFINITION = /\\(?:re)?newcommand\*?\s*|\\providecommand\*?\s*|\\def\s*|\\DeclareMathOperator\*?\s*/g;

/** Every macro a note defines (later definitions win). Never throws; bounded work. */
export function collectMacros(text: string): Map<string, Macro> {
  return scanDefinitions(text).macros;
}

/** The text with every macro definition blanked out (same length, so positions stay true). */
export function withoutDefinitions(text: string): string {
  const { spans } = scanDefinitions(text);
  if (!spans.length) return text;
  let out = '';
  let at = 0;
  for (const [a, b] of spans) {
    out += text.slice(at, a) + text.slice(a, b).replace(/[^\n]/g, ' ');
    at = b;
  }
  return out + text.slice(at);
}

function scanDefinitions(text: string): { macros: Map<string, Macro>; spans: [number, number][] } {
  const out = new Map<string, Macro>();
  const spans: [number, number][] = [];
  DEFINITION.lastIndex = 0;
  let m: RegExpExecArray | null;
  let count = 0;
  while ((m = DEFINITION.exec(text)) && count < 500) {
    count++;
    const kind = m[0].trim().replace(/\*$/, '');
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
    const p = /^\s*\[(\d)\]/.exec(text.slice(i, i + 10));
    if (p && kind !== '\\DeclareMathOperator') {
      params = Number(p[1]);
      i += p[0].length;
    } else if (kind === '\\def') {
      const hashes = /^(#\d)+/.exec(text.slice(i, i + 30));
      if (hashes) {
        params = hashes[0].length / 2;
        i += hashes[0].length;
      }
    }
    while (text[i] === ' ') i++;
    const body = braceGroup(text, i);
    if (!body) continue;
    out.set(name, { params, body: kind === '\\DeclareMathOperator' ? `\\operatorname{${body.body}}` : body.body });
    spans.push([m.index, body.next]);
  }
  return { macros: out, spans };
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
