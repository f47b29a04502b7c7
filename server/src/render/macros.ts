/**
 * Macros for the renderer: the `\newcommand`/`\def`/`\DeclareMathOperator` definitions a note makes in its math,
 * and the `calcnotes.macros` setting, turned into one TeX prelude that the renderer defines before each formula.
 * (The checker does not expand macros: an unknown macro makes a claim "not checked".)
 */

const DEFINERS = /\\(newcommand|renewcommand|providecommand|def|gdef|DeclareMathOperator)(?![A-Za-z])/g;
const MAX_DEFINITIONS = 300;
const MAX_DEFINITION_LENGTH = 2000;

/** Index just past a balanced `{…}` group starting at `i` (which must be `{`), or -1. */
function skipGroup(s: string, i: number): number {
  if (s[i] !== '{') return -1;
  let depth = 0;
  for (let k = i; k < s.length; k++) {
    const c = s[k];
    if (c === '\\') {
      k++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return k + 1;
    }
  }
  return -1;
}

function skipSpaces(s: string, i: number): number {
  while (i < s.length && /\s/.test(s[i])) i++;
  return i;
}

/** Index past a control sequence `\name` or `\x` at `i`, or -1. */
function skipControl(s: string, i: number): number {
  if (s[i] !== '\\' || i + 1 >= s.length) return -1;
  let k = i + 1;
  if (/[A-Za-z]/.test(s[k])) {
    while (k < s.length && /[A-Za-z]/.test(s[k])) k++;
    return k;
  }
  return k + 1;
}

/** Index past `[…]` at `i` (no nesting of brackets), or `i` when there is none. */
function skipOptional(s: string, i: number): number {
  const j = skipSpaces(s, i);
  if (s[j] !== '[') return i;
  const close = s.indexOf(']', j);
  return close < 0 ? i : close + 1;
}

/** The macro definitions written in a piece of LaTeX, each as its exact source text, in order. */
export function findDefinitions(latex: string): string[] {
  const out: string[] = [];
  DEFINERS.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = DEFINERS.exec(latex)) !== null && out.length < MAX_DEFINITIONS) {
    const start = m.index;
    let i = m.index + m[0].length;
    const kind = m[1];
    if (latex[i] === '*') i++;
    i = skipSpaces(latex, i);
    // The name: `{\R}` or `\R` (DeclareMathOperator: `{\Tr}`).
    if (latex[i] === '{') i = skipGroup(latex, i);
    else i = skipControl(latex, i);
    if (i < 0) continue;
    if (kind === 'def' || kind === 'gdef') {
      // Parameter text up to the body: `#1#2`.
      while (i < latex.length && latex[i] !== '{' && latex[i] !== '\\' && i - start < MAX_DEFINITION_LENGTH) i++;
    } else if (kind !== 'DeclareMathOperator') {
      i = skipOptional(latex, i); // number of arguments
      i = skipOptional(latex, i); // default of the first argument
    }
    i = skipSpaces(latex, i);
    const end = skipGroup(latex, i);
    if (end < 0 || end - start > MAX_DEFINITION_LENGTH) continue;
    out.push(latex.slice(start, end));
    DEFINERS.lastIndex = end;
  }
  return out;
}

/** `\newcommand` lines for the user's `macros` setting (names already validated by settings.ts). */
export function settingsDefinitions(macros: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [name, body] of Object.entries(macros)) {
    let args = 0;
    for (const a of body.matchAll(/#([1-9])/g)) args = Math.max(args, Number(a[1]));
    // Unbalanced braces would swallow the formula: such a macro is skipped.
    if (skipGroup(`{${body}}`, 0) !== body.length + 2) continue;
    out.push(`\\newcommand{${name}}${args ? `[${args}]` : ''}{${body}}`);
  }
  return out;
}

/**
 * The prelude the renderer defines before a note's formulas: the settings' macros first, then the note's own
 * definitions (which win, as in LaTeX where the document comes after the preamble).
 */
export function macroPrelude(settingsMacros: Record<string, string>, noteLatex: Iterable<string>): string {
  const defs = settingsDefinitions(settingsMacros);
  for (const latex of noteLatex) {
    if (!latex.includes('\\')) continue;
    for (const d of findDefinitions(latex)) {
      if (defs.length >= MAX_DEFINITIONS * 2) break;
      defs.push(d.replace(/^\\providecommand/, '\\newcommand').replace(/^\\gdef/, '\\def'));
    }
  }
  return defs.join('\n');
}

/** Does this LaTeX define macros (so it changes the renderer's macro table)? */
export function definesMacros(latex: string): boolean {
  DEFINERS.lastIndex = 0;
  const r = DEFINERS.test(latex);
  DEFINERS.lastIndex = 0;
  return r;
}
