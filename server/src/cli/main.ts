#!/usr/bin/env node
/**
 * `calcnotes check [options] <files or folders…>` — the same engine as the editor, for CI.
 * Exit status: 0 when no claim is false, 1 when one is, 2 on usage or I/O errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CheckCache, MAX_BUDGET_MS, MIN_BUDGET_MS, checkDocument, clampBudget, looksLikeMathNotes, summarize, type DocumentReport, type EngineOptions } from '../engine';
import { LineMap } from '../scan/lines';
import { NOTE_EXTENSIONS, cellPosition, expandInputs, noteKind, sourceOf, toNote, type NotebookNote, type TexPiece } from '../formats';
import { findProjectMacros, readMacrosFile, texInputPath } from '../config/projectMacros';

const USAGE = `usage: calcnotes check [--format text|json] [--all] [--log-base e|10] [--budget MS] [--no-bare]
                       [--macros FILE] [--no-config] [--dollar-dialect vscode|pandoc|github] <files or folders…>

Checks the derivatives, rules and worked steps in Markdown (.md, .markdown, Quarto .qmd, R Markdown .Rmd),
plain-text (.txt) and LaTeX (.tex) notes and Jupyter notebooks (.ipynb).
Folders are searched for those files. Exit status: 0 no false claim, 1 a false claim, 2 usage or I/O error.

  --format text|json   text (default): one line per problem and a summary; json: every claim and diagnostic
  --all                text format: also list verified and unchecked claims with their reasons
  --log-base e|10      meaning of \\log without a base (default e)
  --budget MS          time budget per claim in milliseconds (default 200; ${MIN_BUDGET_MS} to ${MAX_BUDGET_MS})
  --no-bare            do not look for formulas written without $ delimiters
  --macros FILE        macros for every note: a JSON object (name: body, or [body, number of arguments]), a TeX
                       preamble (\\newcommand, \\DeclareMathOperator), or a site configuration (_config.yml, …);
                       may be given more than once, and wins over the configuration found
  --no-config          do not read the macros of the site configuration found above each note (Jupyter Book
                       _config.yml, myst.yml, mkdocs.yml, _quarto.yml, katex-macros.json, macros.json,
                       preamble.tex, macros.tex), up to the folder holding .git
  --dollar-dialect D   how $ delimits math: vscode (VS Code's preview, default), pandoc or github
`;

export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** True when stderr is a terminal (progress line allowed). */
  stderrIsTTY: boolean;
}

const NOTE_EXT = new Set(NOTE_EXTENSIONS);

class UsageError extends Error {}

interface Args {
  format: 'text' | 'json';
  all: boolean;
  engine: EngineOptions;
  inputs: string[];
  /** Macros files given with --macros, in order. */
  macroFiles: string[];
  /** Read the site configuration above each note. */
  config: boolean;
}

function parseArgs(argv: string[]): Args | 'help' | 'version' {
  if (argv.length === 0) throw new UsageError('missing command');
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') return 'help';
  if (argv[0] === '--version' || argv[0] === '-v') return 'version';
  if (argv[0] !== 'check') throw new UsageError(`unknown command '${argv[0]}'`);
  const args: Args = { format: 'text', all: false, engine: {}, inputs: [], macroFiles: [], config: true };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const eq = a.indexOf('=');
      if (eq >= 0) return a.slice(eq + 1);
      if (i + 1 >= argv.length) throw new UsageError(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--help' || a === '-h') return 'help';
    else if (a === '--format' || a.startsWith('--format=')) {
      const f = value();
      if (f !== 'text' && f !== 'json') throw new UsageError(`--format must be text or json, not '${f}'`);
      args.format = f;
    } else if (a === '--all') args.all = true;
    else if (a === '--no-bare') args.engine.bareFormulas = false;
    else if (a === '--no-config') args.config = false;
    else if (a === '--macros' || a.startsWith('--macros=')) args.macroFiles.push(value());
    else if (a === '--dollar-dialect' || a.startsWith('--dollar-dialect=')) {
      const d = value();
      if (d !== 'vscode' && d !== 'pandoc' && d !== 'github') throw new UsageError(`--dollar-dialect must be vscode, pandoc or github, not '${d}'`);
      if (d !== 'vscode') args.engine.dollarDialect = d;
    }
    else if (a === '--log-base' || a.startsWith('--log-base=')) {
      const b = value();
      if (b !== 'e' && b !== '10') throw new UsageError(`--log-base must be e or 10, not '${b}'`);
      args.engine.logBase = b;
    } else if (a === '--budget' || a.startsWith('--budget=')) {
      const ms = Number(value());
      if (!Number.isFinite(ms) || ms <= 0) throw new UsageError('--budget must be a positive number of milliseconds');
      args.engine.budgetMs = clampBudget(ms);
    } else if (a === '--') {
      args.inputs.push(...argv.slice(i + 1));
      break;
    } else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}'`);
    else args.inputs.push(a);
  }
  if (args.inputs.length === 0) throw new UsageError('no files or folders given');
  return args;
}

/** Notes larger than this are not read (a one-line message says so): the largest real notes are well under it. */
export const MAX_NOTE_BYTES = 10 * 1024 * 1024;

/** Why a file or folder could not be read, in words (the error code in brackets). */
function why(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  const words: Record<string, string> = {
    ENOENT: 'no such file or folder',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ENAMETOOLONG: 'the name is too long',
    ELOOP: 'too many levels of symbolic links',
    ENOTDIR: 'a part of the path is not a folder',
    EMFILE: 'too many open files',
    EISDIR: 'a folder',
  };
  if (code && words[code]) return `${words[code]} (${code})`;
  return code ?? (e as Error)?.message ?? String(e);
}

type NoteRead = ReturnType<typeof readNote>;

/** `readNote` once per file in a run: the folder walk, the LaTeX pre-pass, chapters and the checks share the reads. */
function noteReader(): (file: string) => NoteRead {
  const reads = new Map<string, NoteRead>();
  return (file) => {
    let r = reads.get(file);
    if (!r) {
      r = readNote(file);
      reads.set(file, r);
    }
    return r;
  };
}

/** A plain-text file found in a folder is a note when it looks like one (as in the editor: engine.looksLikeMathNotes). */
function mathNotesFile(file: string, read: (file: string) => NoteRead): boolean {
  const r = read(file);
  if ('text' in r) return looksLikeMathNotes(r.text);
  // Not a note by readNote's rules (too large, binary): judged by its text all the same, as always.
  try {
    return looksLikeMathNotes(fs.readFileSync(file, 'utf8'));
  } catch {
    return true; // reading it again later reports the error
  }
}

/**
 * Expand folders into note files (sorted, skipping node_modules and hidden folders, and plain-text files that do
 * not look like math notes; a file named on the command line is always checked). Symbolic links are followed
 * once: a folder or note reached twice (a link loop, or a link to something already searched) is taken once.
 * What cannot be read is added to `problems` and the walk goes on.
 */
function collectFiles(inputs: string[], problems: string[], read: (file: string) => NoteRead): string[] {
  const out: string[] = [];
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();
  const addFile = (p: string) => {
    let real = path.resolve(p);
    try {
      real = fs.realpathSync(p);
    } catch {
      // Reading it will say why.
    }
    if (seenFiles.has(real)) return;
    seenFiles.add(real);
    out.push(p);
  };
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      const real = fs.realpathSync(dir);
      if (seenDirs.has(real)) return;
      seenDirs.add(real);
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      problems.push(`${dir}: folder not searched: ${why(e)}`);
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = path.join(dir, e.name);
      const isNote = NOTE_EXT.has(path.extname(e.name).toLowerCase());
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        try {
          const st = fs.statSync(p);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch (err) {
          if (isNote) problems.push(`${p}: cannot read: ${why(err)}`);
          continue;
        }
      }
      if (isDir) walk(p);
      else if (isFile && isNote && (noteKind(p) !== 'text' || mathNotesFile(p, read))) addFile(p);
    }
  };
  for (const input of inputs) {
    let st: fs.Stats;
    try {
      st = fs.statSync(input);
    } catch (e) {
      problems.push(`${input}: ${(e as NodeJS.ErrnoException)?.code === 'ENOENT' ? 'no such file or folder' : `cannot read: ${why(e)}`}`);
      continue;
    }
    if (st.isDirectory()) walk(input);
    else addFile(input);
  }
  return out;
}

const CONTROL_BYTES = /[\x01-\x08\x0b\x0e-\x1f\x7f]/g;

/**
 * Does this look like binary content rather than a note: in its first 64 KB, a NUL byte, more than 10 % control
 * bytes, or more than 25 % control bytes and invalid UTF-8 sequences together? (A Latin-1 note, or one with a few
 * terminal escapes, is still a note; random bytes are about 12 % control bytes and 45 % invalid sequences.)
 */
export function looksBinary(buf: Buffer): boolean {
  const sample = buf.subarray(0, 65536);
  if (sample.includes(0)) return true;
  // Control bytes but tab, line feed, form feed and carriage return (NUL is ruled out above), counted by a regular
  // expression over the bytes as Latin-1 (one character per byte): a loop over a Buffer's bytes runs in V8's
  // interpreter on every CLI run, three times slower than this over a folder of notes.
  const odd = sample.toString('latin1').match(CONTROL_BYTES)?.length ?? 0;
  if (odd * 10 > sample.length) return true;
  const text = sample.toString('utf8');
  let bad = 0;
  for (let i = text.indexOf('\uFFFD'); i >= 0; i = text.indexOf('\uFFFD', i + 1)) bad++;
  return (odd + bad) * 4 > sample.length;
}

/** A note's text, or why it was not read: only regular files, up to MAX_NOTE_BYTES, not binary. */
export function readNote(file: string): { text: string } | { problem: string } {
  let fd: number | undefined;
  try {
    // stat before open: opening a FIFO would wait for a writer, and a device can be read forever.
    const st = fs.statSync(file);
    if (!st.isFile()) return { problem: 'not a regular file, not read' };
    if (st.size > MAX_NOTE_BYTES) return { problem: tooLarge(st.size) };
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    const st2 = fs.fstatSync(fd);
    if (!st2.isFile()) return { problem: 'not a regular file, not read' };
    const buf = Buffer.alloc(Math.min(st2.size, MAX_NOTE_BYTES) + 1);
    let n = 0;
    for (let got = 1; got > 0 && n < buf.length; n += got) got = fs.readSync(fd, buf, n, buf.length - n, null);
    if (n > MAX_NOTE_BYTES) return { problem: tooLarge(n) };
    const bytes = buf.subarray(0, n);
    if (looksBinary(bytes)) return { problem: 'binary content, not a note, not read' };
    return { text: bytes.toString('utf8') };
  } catch (e) {
    return { problem: `cannot read: ${why(e)}` };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function tooLarge(bytes: number): string {
  const mb = (n: number) => `${Math.round((n / 1048576) * 10) / 10} MB`;
  return `too large (${bytes > MAX_NOTE_BYTES ? 'over ' : ''}${mb(Math.max(bytes - 1, MAX_NOTE_BYTES + 1))}; notes up to ${mb(MAX_NOTE_BYTES)} are checked), not read`;
}

/**
 * Text for a terminal: control characters (C0 but for none, DEL, C1) and the bidirectional overrides are written
 * as escapes (`\x1b`, `\u202e`), so a note or a file name cannot move the cursor, recolour, retitle the terminal
 * or reorder what is shown.
 */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g, (c) => {
    const n = c.charCodeAt(0);
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}

/** JSON with the characters a terminal interprets (C1, line and bidi controls) escaped too; still valid JSON. */
function safeJson(json: string): string {
  return json.replace(/[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

interface FileResult {
  path: string;
  text: string;
  report: DocumentReport;
  /** For a notebook: its markdown cells in `text` (positions are given per cell). */
  notebook?: NotebookNote;
  /** For a LaTeX file with `\input`/`\include`: where each stretch of `text` was written (positions in that file). */
  sources?: { pieces: TexPiece[]; texts: Map<string, string> };
}

/**
 * A LaTeX file with the files it `\input`s or `\include`s read in place: names relative to its folder (`.tex` added),
 * and only files inside that folder (the document's project), as regular notes within the size limit.
 */
function latexInputs(file: string, tex: string, readOnce: (file: string) => NoteRead): { text: string; pieces: TexPiece[]; included: string[]; texts: Map<string, string> } {
  const dir = path.dirname(path.resolve(file));
  const texts = new Map<string, string>();
  const resolve = (name: string): string | null => texInputPath(dir, name);
  const read = (p: string): string | null => {
    const r = readOnce(p);
    if (!('text' in r)) return null;
    texts.set(p, r.text);
    return r.text;
  };
  return { ...expandInputs(file, tex, resolve, read), texts };
}

/** A position in a checked file: 1-based line and column, and for a notebook its cell. */
function locator(r: FileResult): (offset: number) => { cell?: number; file?: string; line: number; column: number } {
  if (r.sources) {
    const { pieces, texts } = r.sources;
    const maps = new Map<string, LineMap>();
    return (offset) => {
      const at = sourceOf(pieces, offset);
      let lm = maps.get(at.file);
      if (!lm) maps.set(at.file, (lm = new LineMap(texts.get(at.file) ?? '')));
      const p = lm.positionAt(at.offset);
      return { ...(at.file !== r.path ? { file: at.file } : {}), line: p.line + 1, column: p.character + 1 };
    };
  }
  if (r.notebook) {
    const nb = r.notebook;
    return (offset) => {
      const p = cellPosition(nb, offset);
      return { cell: p.cell, line: p.line + 1, column: p.character + 1 };
    };
  }
  const lm = new LineMap(r.text);
  return (offset) => {
    const p = lm.positionAt(offset);
    return { line: p.line + 1, column: p.character + 1 };
  };
}

function toJson(results: FileResult[]): string {
  const files = results.map((r) => {
    const locate = locator(r);
    const range = (start: number, end: number) => {
      const a = locate(start);
      const b = locate(end);
      return { ...(a.file !== undefined ? { file: a.file } : {}), ...(a.cell !== undefined ? { cell: a.cell } : {}), line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
    };
    return {
      path: r.path,
      claims: r.report.claims.map((c) => ({
        ...range(c.start, c.end),
        latex: c.latex,
        kind: c.kind,
        verdict: c.verdict,
        reason: c.reason,
        ...(c.reasonCode ? { code: c.reasonCode } : {}),
        ...(c.doubts?.length ? { doubts: c.doubts.map((d) => ({ code: d.code, detail: d.detail })) } : {}),
      })),
      diagnostics: r.report.diagnostics.map((d) => ({
        ...range(d.start, d.end),
        severity: d.severity,
        code: d.code,
        message: d.message,
      })),
    };
  });
  const s = summarize(results.map((r) => r.report));
  return safeJson(JSON.stringify({ files, summary: { files: results.length, ...s } }));
}

function textLines(results: FileResult[], all: boolean): string[] {
  const lines: string[] = [];
  for (const r of results) {
    const locate = locator(r);
    const at = (offset: number) => {
      const p = locate(offset);
      return `${p.file ?? r.path}:${p.cell !== undefined ? `cell ${p.cell}:` : ''}${p.line}:${p.column}`;
    };
    type Row = { offset: number; line: string };
    const rows: Row[] = r.report.diagnostics.map((d) => ({
      offset: d.start,
      line: `${at(d.start)}: ${d.severity}: ${d.message} [${d.code}]`,
    }));
    if (all) {
      for (const c of r.report.claims) {
        if (c.verdict === 'false') continue;
        rows.push({ offset: c.start, line: `${at(c.start)}: ${c.verdict}: ${oneLine(c.latex)} — ${c.reason} [${c.kind}${c.reasonCode && c.reasonCode !== c.kind ? `, ${c.reasonCode}` : ''}]` });
      }
    }
    rows.sort((a, b) => a.offset - b.offset);
    for (const row of rows) lines.push(printable(row.line));
  }
  const s = summarize(results.map((r) => r.report));
  lines.push(`${s.claims} claims: ${s.verified} verified, ${s.false} false, ${s.unchecked} unchecked`);
  return lines;
}

function oneLine(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > 80 ? `${t.slice(0, 77)}…` : t;
}

export function run(argv: string[], io: CliIO): number {
  let args: Args | 'help' | 'version';
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`calcnotes: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (args === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  if (args === 'version') {
    io.stdout(`${readVersion()}\n`);
    return 0;
  }
  const problems: string[] = [];
  const readOnce = noteReader();
  const files = collectFiles(args.inputs, problems, readOnce);
  for (const p of problems) io.stderr(`calcnotes: ${printable(p)}\n`);
  // Nothing to check and something could not be read: the messages say why, and stdout stays empty.
  if (problems.length && files.length === 0) return 2;
  // Macros: the files given, then (per folder) the site configuration found above each note.
  const warned = new Set<string>();
  const warn = (lines: string[]) => {
    for (const line of lines) {
      if (warned.has(line)) continue;
      warned.add(line);
      io.stderr(`calcnotes: warning: ${printable(line)}\n`);
    }
  };
  const given: string[] = [];
  for (const file of args.macroFiles) {
    if (!fs.existsSync(file)) {
      io.stderr(`calcnotes: ${printable(file)}: no such macros file\n`);
      return 2;
    }
    const r = readMacrosFile(file);
    warn(r.warnings);
    given.push(...r.definitions);
  }
  const preambles = new Map<string, string>();
  const preambleFor = (file: string): string => {
    const dir = path.dirname(path.resolve(file));
    let p = preambles.get(dir);
    if (p === undefined) {
      const found = args.config ? findProjectMacros(file) : null;
      if (found) warn(found.warnings);
      p = [found?.preamble ?? '', ...given].filter((x) => x).join('\n');
      preambles.set(dir, p);
    }
    return p;
  };
  const progress = io.stderrIsTTY && args.format === 'text' && files.length > 1;
  const results: FileResult[] = [];
  let ioFailed = problems.length > 0;
  // Shared by the files of this run: a formula or claim repeated across a course's notes is checked once. A claim's
  // key is computed only when its text repeats: real notes repeat few claims, and a key costs about a check.
  const cache = new CheckCache(undefined, undefined, { claimKeys: 'repeat' });
  // A LaTeX file another file of this run reads (`\input{chapter1}`) is checked as part of that document.
  // (Each document's expansion is kept for its own check below: read and spliced once.)
  const includedByOthers = new Set<string>();
  const expansions = new Map<string, ReturnType<typeof latexInputs>>();
  for (const f of files) {
    if (noteKind(f) !== 'latex') continue;
    const r = readOnce(f);
    if (!('text' in r)) continue;
    const expanded = latexInputs(f, r.text, readOnce);
    expansions.set(f, expanded);
    for (const inc of expanded.included) if (path.resolve(inc) !== path.resolve(f)) includedByOthers.add(path.resolve(inc));
  }
  files.forEach((file, i) => {
    if (progress) io.stderr(`\rchecking ${i + 1}/${files.length}: ${printable(file)}`.slice(0, 100).padEnd(100));
    const read = readOnce(file);
    if ('problem' in read) {
      io.stderr(`${progress ? '\n' : ''}calcnotes: ${printable(file)}: ${read.problem}\n`);
      ioFailed = true;
      return;
    }
    if (includedByOthers.has(path.resolve(file))) return; // checked as part of the document that reads it
    const kind = noteKind(file) ?? 'markdown';
    // (Read in the pre-pass above: a LaTeX file that reads nothing expands to itself.)
    const expanded = kind === 'latex' ? expansions.get(file) ?? null : null;
    const note = expanded ? { text: expanded.text, mode: 'text' as const, bareFormulas: false } : toNote(kind, read.text);
    if ('problem' in note) {
      io.stderr(`${progress ? '\n' : ''}calcnotes: ${printable(file)}: ${note.problem}\n`);
      ioFailed = true;
      return;
    }
    const text = note.text;
    const preamble = preambleFor(file);
    const bare = args.engine.bareFormulas === false ? {} : { bareFormulas: note.bareFormulas };
    const report = checkDocument(text, { ...args.engine, mode: note.mode, ...bare, ...(preamble ? { preamble } : {}) }, cache);
    const sources = expanded && expanded.included.length ? { sources: { pieces: expanded.pieces, texts: new Map([[file, read.text], ...expanded.texts]) } } : {};
    results.push({ path: file, text, report, ...('notebook' in note && note.notebook ? { notebook: note.notebook } : {}), ...sources });
  });
  if (progress) io.stderr(`\r${' '.repeat(100)}\r`);
  if (args.format === 'json') io.stdout(`${toJson(results)}\n`);
  else io.stdout(`${textLines(results, args.all).join('\n')}\n`);
  if (ioFailed) return 2;
  return results.some((r) => r.report.claims.some((c) => c.verdict === 'false')) ? 1 : 0;
}

function readVersion(): string {
  try {
    // server/out/cli/main.js, or the bundle dist/cli.js (scripts/bundle.js).
    const file = path.resolve(__dirname, path.basename(__dirname) === 'dist' ? '../package.json' : '../../../package.json');
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

if (require.main === module) {
  const out: string[] = [];
  const code = run(process.argv.slice(2), {
    stdout: (s) => out.push(s),
    stderr: (s) => process.stderr.write(s),
    stderrIsTTY: Boolean(process.stderr.isTTY),
  });
  process.stdout.write(out.join(''), () => process.exit(code));
}
