/**
 * Macros from outside the note: the project's site configuration, found by walking up from the note's folder, and
 * macros files given by name. Pure file reading (Node's `fs`, no editor types), used by the CLI and the language
 * server alike. What it gives is TeX: a preamble of `\newcommand` definitions (`EngineOptions.preamble`), which
 * the engine reads with the same scanner as a note's own definitions — MathJax's argument counts and optional
 * first arguments included.
 *
 * Read, in each folder (a nearer folder wins on a name; in one folder, later files in this list win):
 * - Jupyter Book `_config.yml`: `sphinx.config.mathjax3_config.tex.macros` (MathJax 3) or
 *   `sphinx.config.mathjax_config.TeX.Macros` (MathJax 2); `parse.myst_substitutions` are not macros.
 * - MyST / Jupyter Book 2 `myst.yml`: `project.math`.
 * - MkDocs `mkdocs.yml`: the `extra_javascript` files (under `docs_dir`) that configure MathJax or KaTeX with a
 *   literal `macros: { … }` object; macros computed in code are not read.
 * - Quarto `_quarto.yml`: `include-in-header` (top level or under a format) — the `\newcommand`s of the files it
 *   names (.tex, .html) and of its `text:` entries.
 * - A KaTeX/MathJax macros JSON (`katex-macros.json`, `macros.json`), a TeX preamble (`preamble.tex`,
 *   `macros.tex`).
 *
 * Every read is bounded (file size, number of files, number of macros, body length) and nothing here throws: a
 * file that cannot be read is one warning line and contributes nothing.
 */
import * as fs from 'fs';
import * as path from 'path';
import { inputsOf, latexToNote } from '../formats/latex';
type YamlModule = typeof import('js-yaml');

/** The files looked for in each folder, in the order they are read. */
export const CONFIG_FILES: readonly string[] = ['_config.yml', 'myst.yml', 'mkdocs.yml', '_quarto.yml', 'katex-macros.json', 'macros.json', 'preamble.tex', 'macros.tex'];

/** Largest file read (bytes). */
export const MAX_FILE_BYTES = 256 * 1024;
/** At most this many macros are taken from one file (as from the settings). */
export const MAX_MACROS = 500;
/** Longest macro body taken. */
export const MAX_MACRO_BODY = 2000;
/** At most this many folders are walked up, and this many files read (configs and the files they name) per note. */
const MAX_LEVELS = 40;
const MAX_FILES = 24;

export interface ProjectMacros {
  /** TeX definitions (`\newcommand…`, one per line, or a preamble's text), outermost folder first. */
  preamble: string;
  /** The files that gave macros. */
  files: string[];
  /** One line per file that could not be read as it should, naming the file. */
  warnings: string[];
}

/** How far up to look for the configuration of a note. */
export interface WalkLimit {
  /** The highest folder looked in (the workspace folder in the editor); never above it. */
  root?: string;
  /** Stop at the first folder that holds a `.git` (the CLI, when no root is given). Default true. */
  stopAtGit?: boolean;
}

// ---- YAML ----------------------------------------------------------------------------------------------------

/**
 * YAML with the tags of other tools accepted as plain values: MkDocs files are full of
 * `!!python/name:pymdownx.superfences.fence_code_format`, Quarto's of `!expr`; none of them holds macros.
 */
let yaml: { load: YamlModule['load']; schema: import('js-yaml').Schema } | null = null;
/**
 * js-yaml and the schema, on first use: most notes have no YAML configuration above them, and loading the
 * library is a good part of the CLI's start.
 */
function yamlReader(): NonNullable<typeof yaml> {
  if (!yaml) {
    const { DEFAULT_SCHEMA, Type, load } = require('js-yaml') as YamlModule;
    const anyTag = ['tag:yaml.org,2002:', '!'].flatMap((tag) =>
      (['scalar', 'sequence', 'mapping'] as const).map((kind) => new Type(tag, { kind, multi: true, construct: (data: unknown) => data })),
    );
    yaml = { load, schema: DEFAULT_SCHEMA.extend(anyTag) };
  }
  return yaml;
}

class ReadError extends Error {}

function parseYaml(text: string): unknown {
  try {
    const { load, schema } = yamlReader();
    return load(text, { schema, json: true });
  } catch (e) {
    const err = e as { reason?: string; mark?: { line?: number }; message?: string };
    const line = typeof err.mark?.line === 'number' ? ` (line ${err.mark.line + 1})` : '';
    throw new ReadError(`not valid YAML${line}: ${err.reason ?? String(err.message ?? e).split('\n')[0]}`);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value at a path of keys, each tried in the spellings given (`['tex', 'TeX']`). */
function at(v: unknown, ...keys: (string | string[])[]): unknown {
  let cur = v;
  for (const k of keys) {
    if (!isRecord(cur)) return undefined;
    const names = Array.isArray(k) ? k : [k];
    const found = names.find((n) => Object.prototype.hasOwnProperty.call(cur, n));
    if (found === undefined) return undefined;
    cur = cur[found];
  }
  return cur;
}

// ---- macros tables -------------------------------------------------------------------------------------------

/** A macro name as a table writes it (`\R`, `R`): with its backslash, or null when it is not a control word. */
function macroName(key: string): string | null {
  const bare = key.trim().replace(/^\\/, '');
  return /^[A-Za-z]+$/.test(bare) ? `\\${bare}` : null;
}

/** Are the braces of a body balanced (a `\newcommand` around it must end where it should)? */
function balanced(body: string): boolean {
  let depth = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && --depth < 0) return false;
  }
  return depth === 0;
}

/**
 * One entry of a MathJax or KaTeX macros table as a `\newcommand`: `"\\mathbb{R}"`, `["\\frac{d#1}{d#2}", 2]`,
 * `["…", 2, "default of #1"]`, or MyST's `{ macro: "…" }`. Null when it is not one.
 */
export function definitionOf(key: string, value: unknown): string | null {
  const name = macroName(key);
  if (!name) return null;
  let body: unknown = value;
  let count: unknown;
  let optional: unknown;
  if (Array.isArray(value)) [body, count, optional] = value;
  else if (isRecord(value)) body = value.macro;
  if (typeof body !== 'string' || body.length > MAX_MACRO_BODY || !balanced(body)) return null;
  let params = 0;
  for (const a of body.matchAll(/#([1-9])/g)) params = Math.max(params, Number(a[1]));
  if (count !== undefined) {
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > 9) return null;
    params = Math.max(params, count);
  }
  let opt = '';
  if (optional !== undefined) {
    if (typeof optional !== 'string' || !balanced(optional) || params === 0) return null;
    opt = `[{${optional}}]`;
  }
  return `\\newcommand{${name}}${params ? `[${params}]` : ''}${opt}{${body}}`;
}

interface Read {
  defs: string[];
  problems: string[];
}

/** The definitions of a macros table (an object of name → body); what is not a macro is counted as a problem. */
function tableDefinitions(table: unknown, where: string, out: Read): void {
  if (table === undefined || table === null) return;
  if (!isRecord(table)) {
    out.problems.push(`${where} is not a table of macros`);
    return;
  }
  let skipped = 0;
  for (const [key, value] of Object.entries(table)) {
    if (out.defs.length >= MAX_MACROS) {
      out.problems.push(`only the first ${MAX_MACROS} macros are read`);
      break;
    }
    const d = definitionOf(key, value);
    if (d) out.defs.push(d);
    else skipped++;
  }
  if (skipped) out.problems.push(`${skipped} ${skipped === 1 ? 'entry' : 'entries'} of ${where} ${skipped === 1 ? 'is' : 'are'} not a macro (name: body, or [body, number of arguments])`);
}

// ---- JavaScript literals (MkDocs' MathJax/KaTeX configuration) -------------------------------------------------

/**
 * The object literal after `macros:` in a script (`window.MathJax = { tex: { macros: { … } } }`,
 * `renderMathInElement(document.body, { macros: { … } })`), read as data: quoted or bare keys, string, number and
 * array values, comments and trailing commas. Null when there is no such literal or it holds anything computed.
 */
export function macrosLiteralIn(script: string): Record<string, unknown> | null {
  const m = /\bmacros\s*:\s*\{/.exec(script);
  if (!m) return null;
  let i = m.index + m[0].length - 1;
  const fail = (): never => {
    throw new ReadError('computed');
  };
  const skip = () => {
    for (;;) {
      while (i < script.length && /\s/.test(script[i])) i++;
      if (script.startsWith('//', i)) {
        while (i < script.length && script[i] !== '\n') i++;
      } else if (script.startsWith('/*', i)) {
        const e = script.indexOf('*/', i + 2);
        i = e < 0 ? script.length : e + 2;
      } else return;
    }
  };
  const str = (): string => {
    const q = script[i++];
    let out = '';
    while (i < script.length && script[i] !== q) {
      const c = script[i++];
      if (q === '`' && c === '$' && script[i] === '{') fail();
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = script[i++];
      if (e === 'n') out += '\n';
      else if (e === 't') out += '\t';
      else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(script.slice(i, i + 4))) {
        out += String.fromCharCode(parseInt(script.slice(i, i + 4), 16));
        i += 4;
      } else out += e ?? '';
    }
    if (script[i] !== q) fail();
    i++;
    return out;
  };
  const value = (depth: number): unknown => {
    if (depth > 8) fail();
    skip();
    const c = script[i];
    if (c === '"' || c === "'" || c === '`') return str();
    if (c === '[' || c === '{') {
      const close = c === '[' ? ']' : '}';
      i++;
      const arr: unknown[] = [];
      const obj: Record<string, unknown> = {};
      for (;;) {
        skip();
        if (script[i] === close) {
          i++;
          return c === '[' ? arr : obj;
        }
        if (c === '[') arr.push(value(depth + 1));
        else {
          let key: string;
          if (script[i] === '"' || script[i] === "'") key = str();
          else {
            const id = /^[A-Za-z_$][\w$]*/.exec(script.slice(i, i + 100));
            if (!id) return fail();
            key = id[0];
            i += key.length;
          }
          skip();
          if (script[i++] !== ':') fail();
          Object.defineProperty(obj, key, { value: value(depth + 1), enumerable: true, configurable: true, writable: true });
        }
        skip();
        if (script[i] === ',') i++;
        else if (script[i] !== close) fail();
        if (arr.length + Object.keys(obj).length > MAX_MACROS * 2) fail();
      }
    }
    const num = /^-?\d+(\.\d+)?/.exec(script.slice(i, i + 30));
    if (num) {
      i += num[0].length;
      return Number(num[0]);
    }
    return fail();
  };
  try {
    const v = value(0);
    return isRecord(v) ? v : null;
  } catch (e) {
    if (e instanceof ReadError) return null;
    throw e;
  }
}

// ---- the files ----------------------------------------------------------------------------------------------

/** Reads files for one lookup, counting them against MAX_FILES. */
interface Reader {
  text(file: string): string;
}

function boundedReader(): Reader {
  let count = 0;
  return {
    text(file: string): string {
      if (++count > MAX_FILES) throw new ReadError(`more than ${MAX_FILES} configuration files`);
      let st: fs.Stats;
      try {
        st = fs.statSync(file);
      } catch {
        throw new ReadError(`${file}: not found`);
      }
      if (!st.isFile()) throw new ReadError(`${file}: not a file`);
      if (st.size > MAX_FILE_BYTES) throw new ReadError(`${file}: larger than ${MAX_FILE_BYTES / 1024} KB`);
      try {
        return fs.readFileSync(file, 'utf8');
      } catch (e) {
        throw new ReadError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
    },
  };
}

/** A path a configuration names, relative to `dir`; null for a URL or an absolute path outside `dir`'s tree. */
function localPath(dir: string, name: unknown): string | null {
  if (typeof name !== 'string' || !name.trim() || /^[a-z][a-z0-9+.-]*:/i.test(name) || name.startsWith('//')) return null;
  const p = path.resolve(dir, name.trim());
  const rel = path.relative(dir, p);
  return rel.startsWith('..') || path.isAbsolute(rel) ? null : p;
}

function readJupyterBook(text: string, out: Read): void {
  const config = at(parseYaml(text), 'sphinx', 'config');
  for (const key of ['mathjax3_config', 'mathjax_config']) {
    tableDefinitions(at(config, key, ['tex', 'TeX'], ['macros', 'Macros']), `sphinx.config.${key} macros`, out);
  }
}

function readMyst(text: string, out: Read): void {
  tableDefinitions(at(parseYaml(text), 'project', 'math'), 'project.math', out);
}

function readMkdocs(text: string, dir: string, reader: Reader, out: Read): void {
  const config = parseYaml(text);
  const scripts = at(config, 'extra_javascript');
  if (!Array.isArray(scripts)) return;
  const docs = localPath(dir, at(config, 'docs_dir') ?? 'docs') ?? path.join(dir, 'docs');
  for (const s of scripts.slice(0, 20)) {
    const file = localPath(docs, isRecord(s) ? s.path : s);
    if (!file || !/\.m?js$/i.test(file) || !fs.existsSync(file)) continue;
    const script = reader.text(file);
    if (!/\bmacros\s*:/.test(script)) continue;
    const literal = macrosLiteralIn(script);
    if (literal) tableDefinitions(literal, path.basename(file), out);
    else out.problems.push(`the macros in ${path.basename(file)} are computed, not written as a literal object: not read`);
  }
}

function readQuarto(text: string, dir: string, reader: Reader, out: Read): void {
  const config = parseYaml(text);
  const includes: unknown[] = [at(config, 'include-in-header')];
  const formats = at(config, 'format');
  if (isRecord(formats)) for (const f of Object.values(formats)) includes.push(at(f, 'include-in-header'));
  const seen = new Set<string>();
  for (const inc of includes.flatMap((v) => (Array.isArray(v) ? v : [v]))) {
    if (typeof inc === 'string' || (isRecord(inc) && typeof inc.file === 'string')) {
      const file = localPath(dir, isRecord(inc) ? inc.file : inc);
      if (!file || seen.has(file) || !/\.(tex|html?)$/i.test(file)) continue;
      seen.add(file);
      out.defs.push(reader.text(file));
    } else if (isRecord(inc) && typeof inc.text === 'string' && inc.text.length <= MAX_FILE_BYTES) {
      out.defs.push(inc.text);
    }
  }
}

function readJson(text: string, out: Read): void {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ReadError(`not valid JSON: ${(e as Error).message}`);
  }
  // `{ "macros": { … } }` (a KaTeX options file) or the table itself.
  const table = isRecord(v) && isRecord(v.macros) && !Object.keys(v).some((k) => k.startsWith('\\')) ? v.macros : v;
  tableDefinitions(table, 'the file', out);
}

/**
 * The macros of one file, by its kind (a configuration file by its name, else `.json` a macros table and anything
 * else a TeX preamble). Never throws: problems come back as warning lines naming the file.
 */
export function readMacrosFile(file: string, reader: Reader = boundedReader()): { definitions: string[]; warnings: string[] } {
  const out: Read = { defs: [], problems: [] };
  const name = path.basename(file);
  const dir = path.dirname(file);
  try {
    const text = reader.text(file);
    if (name === '_config.yml') readJupyterBook(text, out);
    else if (name === 'myst.yml') readMyst(text, out);
    else if (name === 'mkdocs.yml') readMkdocs(text, dir, reader, out);
    else if (name === '_quarto.yml') readQuarto(text, dir, reader, out);
    else if (/\.json$/i.test(name)) readJson(text, out);
    else if (/\.ya?ml$/i.test(name)) {
      // A configuration under another name: the keys of Jupyter Book and MyST.
      const config = parseYaml(text);
      for (const key of ['mathjax3_config', 'mathjax_config']) {
        tableDefinitions(at(config, 'sphinx', 'config', key, ['tex', 'TeX'], ['macros', 'Macros']), `sphinx.config.${key} macros`, out);
      }
      tableDefinitions(at(config, 'project', 'math'), 'project.math', out);
    }
    else out.defs.push(text);
  } catch (e) {
    const text = String((e as Error)?.message ?? e);
    const msg = text.startsWith(`${file}: `) ? text.slice(file.length + 2) : text;
    return { definitions: [], warnings: [`${file}: macros not read: ${msg}`] };
  }
  return { definitions: out.defs, warnings: out.problems.map((p) => `${file}: ${p}`) };
}

/** The folders from the note's up to the limit, outermost first. */
export function foldersFor(noteFile: string, limit: WalkLimit = {}): string[] {
  let dir = path.resolve(path.dirname(noteFile));
  const root = limit.root !== undefined ? path.resolve(limit.root) : undefined;
  if (root !== undefined) {
    const rel = path.relative(root, dir);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return [dir]; // a note outside the root: its own folder only
  }
  const out: string[] = [];
  for (let n = 0; n < MAX_LEVELS; n++) {
    out.push(dir);
    if (root !== undefined && dir === root) break;
    if (root === undefined && limit.stopAtGit !== false && fs.existsSync(path.join(dir, '.git'))) break;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return out.reverse();
}

/**
 * The macros a note's project defines: every configuration file of CONFIG_FILES in the folders from the limit
 * down to the note's (nearer ones later, so they win). Never throws.
 */
export function findProjectMacros(noteFile: string, limit: WalkLimit = {}): ProjectMacros {
  const result: ProjectMacros = { preamble: '', files: [], warnings: [] };
  const parts: string[] = [];
  try {
    const reader = boundedReader();
    for (const dir of foldersFor(noteFile, limit)) {
      let names: Set<string>;
      try {
        names = new Set(fs.readdirSync(dir));
      } catch {
        continue;
      }
      for (const name of CONFIG_FILES) {
        if (!names.has(name)) continue;
        const file = path.join(dir, name);
        const r = readMacrosFile(file, reader);
        result.warnings.push(...r.warnings);
        if (r.definitions.length) {
          parts.push(...r.definitions);
          result.files.push(file);
        }
      }
    }
  } catch (e) {
    result.warnings.push(`macros from the project's configuration not read: ${(e as Error)?.message ?? e}`);
  }
  result.preamble = parts.join('\n');
  return result;
}

/** At most this many `.tex` files are read when looking for a chapter's main document, and this many links followed. */
const MAX_MAIN_CANDIDATES = 120;
const MAX_MAIN_LINKS = 8;

/**
 * The file an `\input{name}` or `\include{name}` of a LaTeX document in `dir` reads: the name relative to `dir`,
 * `.tex` added when it has no such ending; null when that file is not inside `root` (default: `dir` itself). The
 * one rule of what a document may read, for the CLI and the editor.
 */
export function texInputPath(dir: string, name: string, root: string = dir): string | null {
  const p = path.resolve(dir, /\.tex$/i.test(name) ? name : `${name}.tex`);
  const rel = path.relative(path.resolve(root), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? p : null;
}

export interface MainDocumentLookup {
  /** The highest folder looked in (the workspace folder); without it, the chapter's own folder only. */
  root?: string;
  /** A file's text when it is not the one on disk (an editor's unsaved text), or undefined to read the disk. */
  text?: (file: string) => string | undefined;
}

/**
 * A LaTeX chapter's main document: a `.tex` file in the chapter's folder, or in a folder above it up to `root`, whose
 * `\input`/`\include` names the chapter (resolved from that file's folder or one above it — names are read from the
 * folder of the document LaTeX compiles —, inside `root`); when that file is itself read by another, the outermost
 * one (the document LaTeX compiles). null when no file reads the chapter. Bounded
 * (at most MAX_MAIN_CANDIDATES files of at most MAX_FILE_BYTES; loops end); never throws.
 */
export function mainDocumentOf(chapter: string, lookup: MainDocumentLookup = {}): string | null {
  let read = 0;
  const textOf = (file: string): string | null => {
    const open = lookup.text?.(file);
    if (open !== undefined) return open;
    if (++read > MAX_MAIN_CANDIDATES) return null;
    try {
      return fs.statSync(file).size > MAX_FILE_BYTES ? null : fs.readFileSync(file, 'utf8');
    } catch {
      return null;
    }
  };
  const direct = (file: string): string | null => {
    const root = lookup.root !== undefined ? path.resolve(lookup.root) : path.dirname(file);
    const folders = foldersFor(file, { root });
    for (const [k, dir] of [...folders.entries()].reverse()) {
      let entries: string[];
      try {
        entries = fs.readdirSync(dir).filter((f) => /\.tex$/i.test(f)).sort();
      } catch {
        continue;
      }
      for (const entry of entries) {
        const other = path.join(dir, entry);
        if (other === file) continue;
        const tex = textOf(other);
        if (tex === null || !/\\(?:input|include)/.test(tex)) continue;
        // Names are read from the folder of the document LaTeX compiles: this one's, or one above it.
        const from = folders.slice(0, k + 1);
        if (inputsOf(latexToNote(tex)).some((i) => from.some((d) => texInputPath(d, i.name, root) === file))) return other;
      }
    }
    return null;
  };
  try {
    const seen = new Set([path.resolve(chapter)]);
    let main: string | null = null;
    for (let at = path.resolve(chapter), n = 0; n < MAX_MAIN_LINKS; n++) {
      const up = direct(at);
      if (!up || seen.has(up)) break;
      seen.add(up);
      main = at = up;
    }
    return main;
  } catch {
    return null;
  }
}
