/**
 * User settings (`calcnotes.*`, read per resource) merged into DEFAULT_SETTINGS. Every field is validated: a value
 * of the wrong type or out of range falls back to the default, so a broken settings.json never breaks checking.
 */
import { DEFAULT_SETTINGS, FILE_KINDS, type CalcnotesSettings } from './protocol';
import { clampBudget, type EngineOptions } from '../engine';

const SEVERITIES = ['error', 'warning', 'information', 'hint'] as const;
const LAYOUTS = ['auto', 'denominator', 'numerator'] as const;
const DIALECTS = ['vscode', 'pandoc', 'github'] as const;

/** Bounds of the per-claim time budget (ms): the engine's, which package.json declares too. */
export { MAX_BUDGET_MS, MIN_BUDGET_MS } from '../engine';

/** At most this many user macros are kept (each one becomes a `\newcommand` for the renderer). */
const MAX_MACROS = 500;
const MAX_MACRO_BODY = 2000;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], fallback: T): T {
  return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
}

function bool(v: unknown, fallback: boolean): boolean {
  return typeof v === 'boolean' ? v : fallback;
}

/**
 * A macro name as written in settings: `\R`, `R` (the backslash is optional) or a one-character control symbol
 * like `\|`. Returns the name with its backslash, or null when it cannot be a TeX control sequence.
 */
export function normalizeMacroName(key: string): string | null {
  const k = key.trim();
  const bare = k.startsWith('\\') ? k.slice(1) : k;
  if (/^[A-Za-z]+$/.test(bare)) return `\\${bare}`;
  if (bare.length === 1 && /[^A-Za-z0-9\s{}%#\\]/.test(bare)) return `\\${bare}`;
  return null;
}

/** The user's macros, validated: string bodies only, sane names, bounded size. */
export function validateMacros(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(v)) return out;
  let n = 0;
  for (const [key, body] of Object.entries(v)) {
    if (n >= MAX_MACROS) break;
    if (typeof body !== 'string' || body.length > MAX_MACRO_BODY) continue;
    const name = normalizeMacroName(key);
    if (!name) continue;
    out[name] = body; // names start with a backslash: never a prototype key
    n++;
  }
  return out;
}

/**
 * `raw` is what `workspace/configuration` returned for section `calcnotes` (anything, possibly null);
 * `markdownMathMacros` what it returned for `markdown.math.macros`, the KaTeX macros of VS Code's own Markdown
 * preview: they are taken too, and `calcnotes.macros` wins over them.
 */
export function mergeSettings(raw: unknown, markdownMathMacros?: unknown): CalcnotesSettings {
  const d = DEFAULT_SETTINGS;
  const r = isRecord(raw) ? raw : {};
  let logBase: CalcnotesSettings['logBase'] = d.logBase;
  if (r.logBase === 'e' || r.logBase === '10') logBase = r.logBase;
  else if (r.logBase === 10) logBase = '10';
  const timeBudgetMs = clampBudget(r.timeBudgetMs as number | undefined, d.timeBudgetMs);
  return {
    enable: bool(r.enable, d.enable),
    logBase,
    matrixLayout: oneOf(r.matrixLayout, LAYOUTS, d.matrixLayout),
    bareFormulas: bool(r.bareFormulas, d.bareFormulas),
    dollarDialect: oneOf(r.dollarDialect, DIALECTS, d.dollarDialect),
    falseClaimSeverity: oneOf(r.falseClaimSeverity, SEVERITIES, d.falseClaimSeverity),
    showUnchecked: bool(r.showUnchecked, d.showUnchecked),
    timeBudgetMs,
    macros: { ...validateMacros(markdownMathMacros), ...(r.macros === undefined ? d.macros : validateMacros(r.macros)) },
    plots: bool(r.plots, d.plots),
    include: strings(r.include, 100, 500),
    exclude: strings(r.exclude, 100, 500),
    hiddenClaims: strings(r.hiddenClaims, 2000, 5000).map(claimKey),
    fileKinds: Object.fromEntries(FILE_KINDS.map((k) => [k, bool(isRecord(r.fileKinds) ? r.fileKinds[k] : undefined, d.fileKinds[k])])) as CalcnotesSettings['fileKinds'],
    latexFormulaHover: oneOf(r.latexFormulaHover, ['auto', 'on', 'off'] as const, d.latexFormulaHover),
    disabledCodes: Array.isArray(r.disabledCodes) ? r.disabledCodes.filter((c): c is string => typeof c === 'string' && /^[a-z-]{1,40}$/.test(c)).slice(0, 50) : [...d.disabledCodes],
  };
}

/** The strings of a setting that should be a list of them, bounded in number and length. */
function strings(v: unknown, max: number, maxLength: number): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.length > 0 && x.length <= maxLength).slice(0, max) : [];
}

/** A claim as `calcnotes.hiddenClaims` records it: its LaTeX without spaces, so that re-spacing keeps it hidden. */
export function claimKey(latex: string): string {
  return latex.replace(/\s+/g, '');
}

/**
 * A glob as a regular expression over `/`-separated paths: `**` any folders, `*` and `?` within one name,
 * `{a,b}` alternatives. A glob without `/` is matched against the file name too (`*.txt`, `todo.txt`).
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      i++;
      if (glob[i + 1] === '/') {
        i++;
        re += '(?:.*/)?';
      } else re += '.*';
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') re += '(?:';
    else if (c === '}') re += ')';
    else if (c === ',' && re.lastIndexOf('(?:') > re.lastIndexOf(')')) re += '|';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Does a path (relative to its workspace folder, `/`-separated) match one of the globs? */
export function matchesAny(relPath: string, globs: string[]): boolean {
  const name = relPath.slice(relPath.lastIndexOf('/') + 1);
  for (const g of globs) {
    let re: RegExp;
    try {
      re = globToRegExp(g.replace(/^\.\//, ''));
    } catch {
      continue;
    }
    if (re.test(relPath) || (!g.includes('/') && re.test(name))) return true;
  }
  return false;
}

/** 'text' for `.txt` notes (by extension, or the `plaintext` language), 'markdown' for everything else. */
export function modeFor(uri: string, languageId?: string): 'markdown' | 'text' {
  if (languageId === 'plaintext') return 'text';
  const path = uri.replace(/[?#].*$/, '');
  return /\.txt$/i.test(path) ? 'text' : 'markdown';
}

/**
 * The engine's options for a document with these settings, and the macros its project's configuration defines
 * (config/projectMacros.ts; the settings' macros win over them).
 */
export function engineOptions(settings: CalcnotesSettings, mode: 'markdown' | 'text', preamble = ''): EngineOptions {
  return {
    mode,
    ...(preamble ? { preamble } : {}),
    logBase: settings.logBase,
    budgetMs: settings.timeBudgetMs,
    bareFormulas: settings.bareFormulas,
    // (The default is left out, so the options — and the cache keys made of them — read as before.)
    ...(settings.dollarDialect === 'vscode' ? {} : { dollarDialect: settings.dollarDialect }),
    macros: settings.macros,
    ...(settings.matrixLayout === 'auto' ? {} : { matrixLayout: settings.matrixLayout }),
    ...(settings.disabledCodes.length ? { disabledCodes: settings.disabledCodes } : {}),
  };
}
