/**
 * Macros for the renderer: the `\newcommand`/`\def`/`\DeclareMathOperator` definitions a note makes in its math,
 * and the `calcnotes.macros` setting, turned into one TeX prelude that the renderer defines before each formula.
 * Definitions are found by the same scanner the checker's lexer uses (parse/macros.ts).
 */
import { braceGroup, findDefinitions as scanDefinitions } from '../parse/macros';

const MAX_DEFINITIONS = 300;

/** The macro definitions written in a piece of LaTeX, each as its exact source text, in order. */
export function findDefinitions(latex: string): string[] {
  return scanDefinitions(latex).map((d) => latex.slice(d.start, d.end));
}

/** `\newcommand` lines for the user's `macros` setting (names already validated by settings.ts). */
export function settingsDefinitions(macros: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [name, body] of Object.entries(macros)) {
    let args = 0;
    for (const a of body.matchAll(/#([1-9])/g)) args = Math.max(args, Number(a[1]));
    // Unbalanced braces would swallow the formula: such a macro is skipped.
    if (braceGroup(`{${body}}`, 0)?.next !== body.length + 2) continue;
    out.push(`\\newcommand{${name}}${args ? `[${args}]` : ''}{${body}}`);
  }
  return out;
}

/** A definition as the renderer takes it. */
function asRenderable(definition: string): string {
  return definition.replace(/^\\providecommand/, '\\newcommand').replace(/^\\gdef/, '\\def');
}

/**
 * The prelude the renderer defines before a note's formulas: the project's preamble (its configuration's macros),
 * then the settings' macros, then the note's own definitions (which win, as in LaTeX where the document comes after
 * the preamble).
 */
export function macroPrelude(settingsMacros: Record<string, string>, noteLatex: Iterable<string>, projectPreamble = ''): string {
  const defs = projectPreamble ? findDefinitions(projectPreamble).slice(0, MAX_DEFINITIONS).map(asRenderable) : [];
  defs.push(...settingsDefinitions(settingsMacros));
  for (const latex of noteLatex) {
    if (!latex.includes('\\')) continue;
    for (const d of findDefinitions(latex)) {
      if (defs.length >= MAX_DEFINITIONS * 2) break;
      defs.push(asRenderable(d));
    }
  }
  return defs.join('\n');
}

/** Does this LaTeX define macros (so it changes the renderer's macro table)? */
export function definesMacros(latex: string): boolean {
  return latex.includes('\\') && scanDefinitions(latex).length > 0;
}
