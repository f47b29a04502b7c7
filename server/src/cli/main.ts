#!/usr/bin/env node
/**
 * `calcnotes check [options] <files or folders…>` — the same engine as the editor, for CI.
 * Exit status: 0 when no claim is false, 1 when one is, 2 on usage or I/O errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CheckCache, checkDocument, looksLikeMathNotes, summarize, type DocumentReport, type EngineOptions } from '../engine';
import { LineMap } from '../scan/lines';
import { findProjectMacros, readMacrosFile } from '../config/projectMacros';

const USAGE = `usage: calcnotes check [--format text|json] [--all] [--log-base e|10] [--budget MS] [--no-bare]
                       [--macros FILE] [--no-config] [--dollar-dialect vscode|pandoc|github] <files or folders…>

Checks the derivatives, rules and worked steps in Markdown (.md, .markdown) and plain-text (.txt) notes.
Folders are searched for those files. Exit status: 0 no false claim, 1 a false claim, 2 usage or I/O error.

  --format text|json   text (default): one line per problem and a summary; json: every claim and diagnostic
  --all                text format: also list verified and unchecked claims with their reasons
  --log-base e|10      meaning of \\log without a base (default e)
  --budget MS          time budget per claim in milliseconds (default 200)
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

const NOTE_EXT = new Set(['.md', '.markdown', '.txt']);

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
      args.engine.budgetMs = ms;
    } else if (a === '--') {
      args.inputs.push(...argv.slice(i + 1));
      break;
    } else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}'`);
    else args.inputs.push(a);
  }
  if (args.inputs.length === 0) throw new UsageError('no files or folders given');
  return args;
}

/** A plain-text file found in a folder is a note when it looks like one (as in the editor: engine.looksLikeMathNotes). */
function mathNotesFile(file: string): boolean {
  try {
    return looksLikeMathNotes(fs.readFileSync(file, 'utf8'));
  } catch {
    return true; // reading it again later reports the error
  }
}

/**
 * Expand folders into note files (sorted, skipping node_modules and hidden folders, and plain-text files that do
 * not look like math notes); a file named on the command line is always checked.
 */
function collectFiles(inputs: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && NOTE_EXT.has(path.extname(e.name).toLowerCase()) && (modeFor(p) === 'markdown' || mathNotesFile(p))) out.push(p);
    }
  };
  for (const input of inputs) {
    let st: fs.Stats;
    try {
      st = fs.statSync(input);
    } catch {
      throw new IoError(`${input}: no such file or folder`);
    }
    if (st.isDirectory()) walk(input);
    else out.push(input);
  }
  return out;
}

class IoError extends Error {}

export function modeFor(file: string): 'markdown' | 'text' {
  return path.extname(file).toLowerCase() === '.txt' ? 'text' : 'markdown';
}

interface FileResult {
  path: string;
  text: string;
  report: DocumentReport;
}

function toJson(results: FileResult[]): string {
  const files = results.map((r) => {
    const lm = new LineMap(r.text);
    const range = (start: number, end: number) => {
      const a = lm.positionAt(start);
      const b = lm.positionAt(end);
      return { line: a.line + 1, column: a.character + 1, endLine: b.line + 1, endColumn: b.character + 1 };
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
  return JSON.stringify({ files, summary: { files: results.length, ...s } });
}

function textLines(results: FileResult[], all: boolean): string[] {
  const lines: string[] = [];
  for (const r of results) {
    const lm = new LineMap(r.text);
    const at = (offset: number) => {
      const p = lm.positionAt(offset);
      return `${r.path}:${p.line + 1}:${p.character + 1}`;
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
    for (const row of rows) lines.push(row.line);
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
  let files: string[];
  try {
    files = collectFiles(args.inputs);
  } catch (e) {
    io.stderr(`calcnotes: ${(e as Error).message}\n`);
    return 2;
  }
  // Macros: the files given, then (per folder) the site configuration found above each note.
  const warned = new Set<string>();
  const warn = (lines: string[]) => {
    for (const line of lines) {
      if (warned.has(line)) continue;
      warned.add(line);
      io.stderr(`calcnotes: warning: ${line}\n`);
    }
  };
  const given: string[] = [];
  for (const file of args.macroFiles) {
    if (!fs.existsSync(file)) {
      io.stderr(`calcnotes: ${file}: no such macros file\n`);
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
  let ioFailed = false;
  // Shared by the files of this run: a formula or claim repeated across a course's notes is checked once.
  const cache = new CheckCache();
  files.forEach((file, i) => {
    if (progress) io.stderr(`\rchecking ${i + 1}/${files.length}: ${file}`.slice(0, 100).padEnd(100));
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      io.stderr(`${progress ? '\n' : ''}calcnotes: ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})\n`);
      ioFailed = true;
      return;
    }
    const preamble = preambleFor(file);
    const report = checkDocument(text, { ...args.engine, mode: modeFor(file), ...(preamble ? { preamble } : {}) }, cache);
    results.push({ path: file, text, report });
  });
  if (progress) io.stderr(`\r${' '.repeat(100)}\r`);
  if (args.format === 'json') io.stdout(`${toJson(results)}\n`);
  else io.stdout(`${textLines(results, args.all).join('\n')}\n`);
  if (ioFailed) return 2;
  return results.some((r) => r.report.claims.some((c) => c.verdict === 'false')) ? 1 : 0;
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as { version?: string };
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
