/**
 * LaTeX → standalone SVG with MathJax (TeX input, SVG output, the lite DOM adaptor), for hovers: VS Code shows
 * Markdown images but no HTML, so formulas travel as `data:image/svg+xml;base64,…` URIs.
 *
 * - Self-contained: `fontCache: 'none'` puts every glyph's path inline (no `<use>` of outside definitions).
 * - The ink is the theme foreground: MathJax draws in `currentColor`, which an SVG shown as an image cannot
 *   inherit, so it is replaced by the colour given.
 * - Safe: only the packages listed in TEX_PACKAGES are loaded — no `require` (so no `\require`), no `html`; TeX
 *   has no `\input` here. Note text can neither load files nor run code. Unknown macros are drawn in red
 *   (`noundefined`), TeX errors are drawn inside the SVG; an exception gives null.
 * - Fast: MathJax (`mathjaxLib.ts`, a file of its own beside the server's bundle) is loaded on the first render,
 *   not at start-up; results are cached (LRU by LaTeX, colour, display mode and macro prelude).
 */
import type { LiteAdaptor } from 'mathjax-full/js/adaptors/liteAdaptor.js';
import type { MathDocument } from 'mathjax-full/js/core/MathDocument.js';
import type { TeX } from 'mathjax-full/js/input/tex.js';
import { createHash } from 'crypto';
import { definesMacros } from './macros';
import { shallowEnough } from '../parse/depth';

/** The packages we allow. Adding `require`, `html`, `setoptions` or `autoload` would let notes do more. */
export const TEX_PACKAGES = ['base', 'ams', 'newcommand', 'noundefined', 'boldsymbol', 'color', 'cancel'];

/** Ink used until the client tells the theme: readable on light and dark backgrounds. */
export const DEFAULT_INK = '#808080';

/** Formulas longer than this are not rendered (a hover should stay light). */
export const MAX_LATEX_LENGTH = 8000;

const CACHE_SIZE = 400;
/** The render cache holds at most this many characters of SVG in all (it is bounded by size, not only count). */
const CACHE_CHARS = 8_000_000;
/** An SVG longer than this is not used (a 60×60 array drew 3.7 MB): the hover shows the LaTeX as code. */
export const MAX_SVG_LENGTH = 200_000;

export interface RenderOptions {
  /** CSS colour of the ink (`#rrggbb`, `rgb(…)`, a colour name); anything else gives DEFAULT_INK. */
  color?: string;
  /** Display (block) style rather than inline. */
  display?: boolean;
  /** TeX macro definitions (`\newcommand…`) made before the formula: see render/macros.ts. */
  prelude?: string;
}

interface MathJaxState {
  adaptor: LiteAdaptor;
  // The document's generic parameters are MathJax's lite DOM types; we only call convert().
  doc: MathDocument<unknown, unknown, unknown>;
  tex: TeX<unknown, unknown, unknown>;
  /** The prelude currently defined in the TeX input jax, and whether a rendered formula changed the macros. */
  prelude: string;
  dirty: boolean;
}

let state: MathJaxState | null = null;
let initError: Error | null = null;
const cache = new Map<string, string | null>();
let cacheChars = 0;

/** Loads and configures MathJax (once). Slow (a few hundred ms): call it early to take the cost off a hover. */
export function initMathJax(): boolean {
  if (state) return true;
  if (initError) return false;
  try {
    // In the .vsix MathJax is a file of its own (dist/mathjax.js): it is read and compiled here, on first use.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { mathjax, TeX, SVG, liteAdaptor, RegisterHTMLHandler } = require('./mathjaxLib') as typeof import('./mathjaxLib');
    const adaptor = liteAdaptor();
    RegisterHTMLHandler(adaptor);
    const tex = new TeX({ packages: TEX_PACKAGES });
    const svg = new SVG({ fontCache: 'none' });
    const doc = mathjax.document('', { InputJax: tex, OutputJax: svg }) as unknown as MathDocument<unknown, unknown, unknown>;
    state = { adaptor, doc, tex: tex as unknown as TeX<unknown, unknown, unknown>, prelude: '', dirty: false };
    return true;
  } catch (e) {
    initError = e as Error;
    return false;
  }
}

/** Why MathJax could not be loaded, if it could not. */
export function mathJaxError(): Error | null {
  return initError;
}

/** Is this a CSS colour we are willing to put into an attribute: `#rgb`…`#rrggbbaa`, `rgb(…)`/`hsl(…)`, a name? */
export function isSafeColor(c: string): boolean {
  if (/^#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/.test(c)) return true;
  if (/^(?:rgb|rgba|hsl|hsla)\([0-9.,%\s/a-z-]*\)$/i.test(c) && c.length < 60 && !/url/i.test(c)) return true;
  return /^[a-zA-Z]{3,30}$/.test(c);
}

/** A CSS colour we are willing to put into an attribute; anything else becomes DEFAULT_INK. */
export function safeColor(color: string | undefined): string {
  if (!color) return DEFAULT_INK;
  const c = color.trim();
  return isSafeColor(c) ? c : DEFAULT_INK;
}

/** Forget the macros that formulas or the previous prelude defined in the TeX input jax. */
function resetMacros(st: MathJaxState): void {
  const handlers = st.tex.parseOptions.handlers;
  for (const name of ['new-Command', 'new-Delimiter', 'new-Environment', 'ams-declare-ops']) {
    const m = handlers.retrieve(name) as unknown as { map?: Map<unknown, unknown> } | undefined;
    m?.map?.clear();
  }
}

function usePrelude(st: MathJaxState, prelude: string): void {
  if (st.prelude === prelude && !st.dirty) return;
  resetMacros(st);
  st.prelude = prelude;
  st.dirty = false;
  if (!prelude) return;
  try {
    st.doc.convert(prelude, { display: false });
  } catch {
    // A broken definition: the formulas render without it (their macros show in red).
  }
}

/** Styles MathJax normally puts in the page: without them an error box would be a solid block of ink. */
const ERROR_STYLE =
  '<defs><style>g[data-mml-node="merror"]>g{fill:#e51400;stroke:#e51400}' +
  'g[data-mml-node="merror"]>rect[data-background]{fill:#fff3b0;stroke:none}</style></defs>';

/**
 * The SVG as a hover may show it: the ink for `currentColor`; every colour a note chose (`\color{…}`,
 * `\colorbox`, `\fcolorbox`) checked, so `url(…)` or anything but a plain colour becomes the ink; a style
 * naming a URL dropped; no links (MathJax draws `\ref` and `\eqref` as `<a href="#">`).
 */
function finish(svg: string, color: string): string {
  let out = svg.replace(/currentColor/g, color);
  out = out.replace(/\s(fill|stroke|color|stop-color|flood-color|lighting-color)="([^"]*)"/g, (m, attr: string, v: string) => (isSafeColor(v) ? m : ` ${attr}="${color}"`));
  out = out.replace(/\sstyle="([^"]*)"/g, (m, v: string) => (/url\s*\(|\\|&|expression\s*\(|@import|javascript:/i.test(v) ? '' : m));
  out = out.replace(/<a\b[^>]*>/g, '<g>').replace(/<\/a>/g, '</g>');
  out = out.replace(/\s(?:xlink:)?href="[^"]*"/g, '');
  if (out.includes('data-mml-node="merror"')) {
    out = out.replace(/^(<svg\b[^>]*>)/, `$1${ERROR_STYLE}`);
  }
  return out;
}

/**
 * The SVG of a formula, or null when MathJax failed (or the formula is too long or nested too deeply). TeX errors and unknown macros
 * do not fail: they are drawn in the SVG.
 */
export function renderSvg(latex: string, options: RenderOptions = {}): string | null {
  if (latex.length > MAX_LATEX_LENGTH || !shallowEnough(latex)) return null;
  const color = safeColor(options.color);
  const display = options.display ?? false;
  const prelude = shallowEnough(options.prelude ?? '') ? (options.prelude ?? '') : '';
  // The prelude (a note's macros) and the formula can be long: the key holds a digest of them (V8 hashes strings
  // over 16,383 characters by their length alone).
  const key = `${display ? 'D' : 'I'}\u0000${color}\u0000${createHash('sha1').update(prelude).update('\u0000').update(latex).digest('base64')}`;
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  if (!initMathJax() || !state) return null;
  const st = state;
  let result: string | null = null;
  try {
    usePrelude(st, prelude);
    const node = st.doc.convert(latex, { display });
    const svg = st.adaptor.innerHTML(node as Parameters<LiteAdaptor['innerHTML']>[0]);
    result = svg.startsWith('<svg') && svg.length <= MAX_SVG_LENGTH ? finish(svg, color) : null;
  } catch {
    result = null;
  } finally {
    if (definesMacros(latex)) st.dirty = true;
  }
  cache.set(key, result);
  cacheChars += result?.length ?? 0;
  while (cache.size > CACHE_SIZE || cacheChars > CACHE_CHARS) {
    const oldest = cache.keys().next().value;
    if (oldest === undefined) break;
    cacheChars -= cache.get(oldest)?.length ?? 0;
    cache.delete(oldest);
  }
  return result;
}

export function svgDataUri(svg: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}

/** `renderSvg` as a data URI (null when rendering failed). */
export function renderDataUri(latex: string, options: RenderOptions = {}): string | null {
  const svg = renderSvg(latex, options);
  return svg === null ? null : svgDataUri(svg);
}

/** Empties the render cache (tests, and when memory matters). */
export function clearRenderCache(): void {
  cache.clear();
  cacheChars = 0;
}

/** Characters of SVG the render cache holds (tests). */
export function renderCacheChars(): number {
  return cacheChars;
}

export function renderCacheSize(): number {
  return cache.size;
}

/** The length of the render cache's longest key (tests). */
export function renderCacheLongestKey(): number {
  let n = 0;
  for (const k of cache.keys()) n = Math.max(n, k.length);
  return n;
}
