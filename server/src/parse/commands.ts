/**
 * Stage 2 — parse. Table-driven dictionaries of the LaTeX constructs the parser knows.
 *
 * Every LaTeX command the parser gives a meaning to has exactly one entry here; the parser looks a command up in
 * `COMMANDS` and dispatches on the entry's `kind`. Adding support for a command should only need an entry.
 */

import type { CallName, MulOp, RelOp, SymNode } from './ast';
import { LIBRARY_FUNCTIONS } from '../library/functions';

export type FontName = NonNullable<SymNode['font']>;
export type AccentName = NonNullable<SymNode['accent']>;
export type BigOpName = 'sum' | 'prod' | 'int' | 'oint';

export type CommandEntry =
  /** A Greek letter or other symbol-like command: becomes a SymNode with this base. */
  | { kind: 'symbol'; base: string }
  /** A known function: `\sin`, `\log`, … (`\sqrt` is `sqrt`). */
  | { kind: 'function'; call: CallName }
  /** A named operator the parser does not model (`\gcd`, `\sup`): parsed like a function, becomes UnknownNode. */
  | { kind: 'opaque-function'; name: string }
  /** Font command: `\mathbf{x}` → bold x. */
  | { kind: 'font'; font: FontName | null }
  /** Accent command: `\hat{y}` → hat y. */
  | { kind: 'accent'; accent: AccentName }
  /** A relation between operands. */
  | { kind: 'relation'; op: RelOp }
  /** A statement separator at the top level (`\quad`, `\therefore`, `\implies`); ignored when nested. */
  | { kind: 'separator'; args: number }
  /**
   * Spacing, sizing, labels: skipped everywhere, with `args` brace groups. `space`: visible horizontal space
   * (`\,`), which also ends the implicit argument of a function (`\cos x\, e^x` is (cos x)·e^x).
   */
  | { kind: 'ignore'; args: number; space?: boolean }
  /** Text: a TextPiece at the top level. */
  | { kind: 'text' }
  | { kind: 'ellipsis' }
  | { kind: 'bigop'; op: BigOpName }
  | { kind: 'limit' }
  /** Multiplicative infix operator. */
  | { kind: 'mulop'; op: MulOp }
  /** `\div`: slash-like division. */
  | { kind: 'divop' }
  /** Infix operator the parser does not model (`\cup`, `\setminus`, `\mid`): UnknownNode with both sides. */
  | { kind: 'opaque-infix'; name: string; level: 'add' | 'mul' }
  /** `\pm`, `\mp`: additive, modelled as UnknownNode. */
  | { kind: 'pm'; name: string }
  | { kind: 'frac' }
  | { kind: 'binom' }
  | { kind: 'operatorname' }
  | { kind: 'partial' }
  | { kind: 'nabla' }
  | { kind: 'prime' }
  /** Wrapper whose first argument is the content (`\boxed{x}`, `\underbrace{x}_{…}`); `args` total brace args. */
  | { kind: 'transparent'; args: number; dropScripts?: boolean }
  /** Delimiter commands. */
  | { kind: 'open'; delim: string; close: string }
  | { kind: 'close'; delim: string }
  /** `\left`, `\right`, `\middle`. */
  | { kind: 'left' }
  | { kind: 'right' }
  | { kind: 'middle' }
  | { kind: 'begin' }
  | { kind: 'end' }
  /** `\newcommand`, `\def`, … inside math. */
  | { kind: 'definition' }
  /** `\overset{a}{=}`, `\stackrel{a}{=}`. */
  | { kind: 'overset' }
  /** `\not` before a relation. */
  | { kind: 'not' };

const table = new Map<string, CommandEntry>();

function add(names: string | string[], entry: CommandEntry): void {
  for (const n of Array.isArray(names) ? names : [names]) table.set(n, entry);
}

// ---- Greek letters ---------------------------------------------------------------------------------------------

export const GREEK: readonly string[] = [
  'alpha', 'beta', 'gamma', 'delta', 'epsilon', 'varepsilon', 'zeta', 'eta', 'theta', 'vartheta', 'iota', 'kappa',
  'varkappa', 'lambda', 'mu', 'nu', 'xi', 'pi', 'varpi', 'rho', 'varrho', 'sigma', 'varsigma', 'tau', 'upsilon',
  'phi', 'varphi', 'chi', 'psi', 'omega', 'digamma',
  'Gamma', 'Delta', 'Theta', 'Lambda', 'Xi', 'Pi', 'Sigma', 'Upsilon', 'Phi', 'Psi', 'Omega',
  'varGamma', 'varDelta', 'varTheta', 'varLambda', 'varXi', 'varPi', 'varSigma', 'varUpsilon', 'varPhi', 'varPsi',
  'varOmega',
];
for (const g of GREEK) add(g, { kind: 'symbol', base: g });

// Other symbol-like commands.
add('infty', { kind: 'symbol', base: 'infty' });
add('ell', { kind: 'symbol', base: 'ell' });
add('hbar', { kind: 'symbol', base: 'hbar' });
add('imath', { kind: 'symbol', base: 'imath' });
add('jmath', { kind: 'symbol', base: 'jmath' });
add(['emptyset', 'varnothing'], { kind: 'symbol', base: 'emptyset' });
add('aleph', { kind: 'symbol', base: 'aleph' });
add(['top', 'intercal'], { kind: 'symbol', base: 'top' });
add('bot', { kind: 'symbol', base: 'bot' });
add('dagger', { kind: 'symbol', base: 'dagger' });
add('Re', { kind: 'symbol', base: 'Re' });
add('Im', { kind: 'symbol', base: 'Im' });
add('forall', { kind: 'symbol', base: 'forall' });
add('exists', { kind: 'symbol', base: 'exists' });
for (const c of ['%', '#', '$', '&', '_']) add(c, { kind: 'symbol', base: c });

// ---- Functions -------------------------------------------------------------------------------------------------

// The library's functions (library/functions.ts) as their commands write them; then the structural ones.
for (const f of LIBRARY_FUNCTIONS) if (f.call) for (const c of f.commands ?? []) add(c, { kind: 'function', call: f.call as CallName });
const FUNCTION_COMMANDS: readonly CallName[] = ['log', 'lg', 'det', 'max', 'min'];
for (const f of FUNCTION_COMMANDS) add(f, { kind: 'function', call: f });
add('argmax', { kind: 'function', call: 'argmax' });
add('argmin', { kind: 'function', call: 'argmin' });
add(['tr', 'Tr', 'trace'], { kind: 'function', call: 'tr' });
add('diag', { kind: 'function', call: 'diag' });
add('softmax', { kind: 'function', call: 'softmax' });

for (const f of ['arccot', 'arcsec', 'arccsc', 'arcsinh', 'arccosh', 'arctanh', 'gcd', 'deg', 'dim', 'ker', 'hom',
  'inf', 'sup', 'liminf', 'limsup', 'Pr', 'arg', 'mod', 'bmod', 'pmod', 'Var', 'Cov']) {
  if (!table.has(f)) add(f, { kind: 'opaque-function', name: f });
}

/** Names written in `\operatorname{…}`, `\mathrm{…}`, `\text{…}` that are known functions. */
export const OPERATOR_NAMES: ReadonlyMap<string, CallName> = new Map<string, CallName>([
  ...LIBRARY_FUNCTIONS.flatMap((f) => (f.call ? (f.operatorNames ?? []).map((n): [string, CallName] => [n, f.call as CallName]) : [])),
  ['LSE', 'logsumexp'], ['logsumexp', 'logsumexp'], ['LogSumExp', 'logsumexp'],
  ['softmax', 'softmax'], ['Softmax', 'softmax'],
  ['tr', 'tr'], ['Tr', 'tr'], ['trace', 'tr'],
  ['diag', 'diag'], ['Diag', 'diag'],
  ['argmax', 'argmax'], ['arg max', 'argmax'], ['argmin', 'argmin'], ['arg min', 'argmin'],
  ['max', 'max'], ['min', 'min'], ['log', 'log'], ['det', 'det'],
]);

/** Function names recognised when spelled with plain letters and followed by `(`: `max(0, x)`, `log(1)`. */
export const BARE_FUNCTION_NAMES: ReadonlyMap<string, CallName> = new Map<string, CallName>([
  ...LIBRARY_FUNCTIONS.flatMap((f) => (f.call ? (f.words ?? []).map((w): [string, CallName] => [w, f.call as CallName]) : [])),
  ['log', 'log'], ['max', 'max'], ['min', 'min'],
]);

/** `\sin^{-1}` and friends. */
export const INVERSE_FUNCTIONS: ReadonlyMap<CallName, CallName> = new Map<CallName, CallName>([
  ['sin', 'arcsin'], ['cos', 'arccos'], ['tan', 'arctan'],
]);

add('operatorname', { kind: 'operatorname' });
add('operatornamewithlimits', { kind: 'operatorname' });
add(['frac', 'dfrac', 'tfrac', 'cfrac'], { kind: 'frac' });
add(['binom', 'dbinom', 'tbinom'], { kind: 'binom' });

// ---- Fonts and accents -----------------------------------------------------------------------------------------

add(['mathbf', 'bf', 'boldsymbol', 'bm', 'pmb', 'mathbfit', 'bold', 'Bold'], { kind: 'font', font: 'bold' });
add(['mathcal', 'cal'], { kind: 'font', font: 'cal' });
add(['mathbb', 'Bbb', 'bbold', 'mathbbm'], { kind: 'font', font: 'bb' });
add(['mathrm', 'rm', 'mathup'], { kind: 'font', font: 'rm' });
add(['mathfrak', 'frak'], { kind: 'font', font: 'frak' });
add('mathscr', { kind: 'font', font: 'scr' });
add(['mathsf', 'sf'], { kind: 'font', font: 'sf' });
add(['mathit', 'mathnormal', 'it', 'mathtt', 'tt'], { kind: 'font', font: null });

add(['hat', 'widehat'], { kind: 'accent', accent: 'hat' });
add(['bar', 'overline'], { kind: 'accent', accent: 'bar' });
add(['tilde', 'widetilde'], { kind: 'accent', accent: 'tilde' });
add(['vec', 'overrightarrow'], { kind: 'accent', accent: 'vec' });
add('dot', { kind: 'accent', accent: 'dot' });
add('ddot', { kind: 'accent', accent: 'ddot' });
add('check', { kind: 'accent', accent: 'check' });
add('breve', { kind: 'accent', accent: 'breve' });

// ---- Relations -------------------------------------------------------------------------------------------------

const RELATION_COMMANDS: ReadonlyArray<[string[], RelOp]> = [
  [['approx', 'approxeq', 'thickapprox'], '\\approx'],
  [['le', 'leq', 'leqslant', 'leqq'], '\\le'],
  [['ge', 'geq', 'geqslant', 'geqq'], '\\ge'],
  [['lt'], '<'],
  [['gt'], '>'],
  [['neq', 'ne'], '\\neq'],
  [['to', 'rightarrow', 'longrightarrow'], '\\to'],
  [['in'], '\\in'],
  [['notin'], '\\notin'],
  [['coloneqq', 'coloneq', 'eqqcolon', 'triangleq', 'defeq', 'leftarrow', 'gets', 'longleftarrow'], ':='],
  [['equiv'], '\\equiv'],
  [['propto', 'varpropto'], '\\propto'],
  [['sim'], '\\sim'],
  [['mapsto', 'longmapsto'], '\\mapsto'],
  [['Leftarrow', 'Longleftarrow', 'impliedby'], '\\Leftarrow'],
  [['iff', 'Leftrightarrow', 'Longleftrightarrow', 'leftrightarrow'], '\\iff'],
  [['subset'], '\\subset'],
  [['subseteq'], '\\subseteq'],
  [['ll'], '\\ll'],
  [['gg'], '\\gg'],
  [['simeq'], '\\simeq'],
  [['cong'], '\\cong'],
  [['doteq'], '='],
];
for (const [names, op] of RELATION_COMMANDS) add(names, { kind: 'relation', op });

/** Single-character relations. */
export const RELATION_CHARS: ReadonlyMap<string, RelOp> = new Map<string, RelOp>([
  ['=', '='], ['<', '<'], ['>', '>'],
]);

/** `\not=` etc. */
export const NEGATED_RELATIONS: ReadonlyMap<RelOp, RelOp> = new Map<RelOp, RelOp>([
  ['=', '\\neq'], ['\\in', '\\notin'],
]);

add('not', { kind: 'not' });

// ---- Separators, spacing, text -----------------------------------------------------------------------------------

add(['quad', 'qquad'], { kind: 'separator', args: 0 });
add(['hspace', 'hspace*'], { kind: 'separator', args: 1 });
add(['therefore', 'because', 'implies', 'Rightarrow', 'Longrightarrow'], { kind: 'separator', args: 0 });
// `f \colon A \to B`: like a top-level `:`.
add('colon', { kind: 'separator', args: 0 });

add([',', ';', ':', '>', ' ', 'enspace', 'thinspace', 'medspace', 'thickspace', 'space', 'nobreakspace'],
  { kind: 'ignore', args: 0, space: true });
add(['!', 'negthinspace', 'negmedspace', 'negthickspace', 'allowbreak', 'nobreak', 'displaystyle', 'textstyle',
  'scriptstyle', 'scriptscriptstyle', 'limits', 'nolimits', 'nonumber', 'notag', 'mathstrut', 'strut', 'big',
  'Big', 'bigg', 'Bigg', 'bigl', 'Bigl', 'biggl', 'Biggl', 'bigr', 'Bigr', 'biggr', 'Biggr', 'bigm', 'Bigm',
  'biggm', 'Biggm', 'centering', 'newline', 'relax', 'protect', 'mathord', 'mathbin', 'mathrel', 'mathopen',
  'mathclose', 'mathpunct', 'mathinner', 'smash',
  // Size switches (`\Large` before an aligned block makes the math bigger, not different).
  'tiny', 'scriptsize', 'footnotesize', 'small', 'normalsize', 'large', 'Large', 'LARGE', 'huge', 'Huge'], { kind: 'ignore', args: 0 });
add(['label', 'tag', 'tag*', 'vspace', 'vspace*', 'phantom', 'hphantom', 'vphantom', 'color', 'eqref', 'ref',
  'mspace', 'pageref', 'cref', 'Cref', 'autoref', 'stepcounter', 'refstepcounter'], { kind: 'ignore', args: 1 });
// Equation numbering: valid LaTeX that says nothing about the formula.
add(['setcounter', 'addtocounter', 'numberwithin'], { kind: 'ignore', args: 2 });
add('allowdisplaybreaks', { kind: 'ignore', args: 0 });

add(['text', 'textrm', 'textit', 'textbf', 'textsf', 'texttt', 'textnormal', 'textup', 'mbox', 'hbox', 'emph',
  'textmd', 'textsl'], { kind: 'text' });

/**
 * `\text{word}(…)` names a function (`\text{ReLU}(x)`, `\textrm{softmax}(z)`), except for these words, which stay
 * prose (`\text{if}(x > 0)`).
 */
export const TEXT_WORDS: ReadonlySet<string> = new Set([
  'if', 'for', 'and', 'or', 'where', 'when', 'with', 'since', 'then', 'as', 'at', 'on', 'in', 'of', 'is', 'by', 'to',
  'else', 'otherwise', 'iff', 'so', 'thus', 'hence', 'but', 'let', 'all', 'each', 'every', 'some', 'from', 'over',
  'see', 'eq', 'cf', 'ie', 'eg', 'note', 'because', 'using', 'via', 'whenever', 'unless', 'until', 'per', 'not',
]);

// ---- Ellipses, big operators, infix operators -------------------------------------------------------------------

add(['dots', 'cdots', 'ldots', 'vdots', 'ddots', 'dotsc', 'dotsb', 'dotsm', 'dotsi', 'dotso', 'dotsx', 'iddots',
  'adots'], { kind: 'ellipsis' });

add('sum', { kind: 'bigop', op: 'sum' });
add('prod', { kind: 'bigop', op: 'prod' });
add(['int', 'iint', 'iiint', 'intop', 'smallint'], { kind: 'bigop', op: 'int' });
add(['oint', 'oiint'], { kind: 'bigop', op: 'oint' });
add('lim', { kind: 'limit' });

add(['cdot', 'cdotp', 'centerdot', 'bullet'], { kind: 'mulop', op: 'cdot' });
add('times', { kind: 'mulop', op: 'times' });
add('ast', { kind: 'mulop', op: 'ast' });
add('odot', { kind: 'mulop', op: 'odot' });
add('otimes', { kind: 'mulop', op: 'otimes' });
add('circ', { kind: 'mulop', op: 'circ' });
add('div', { kind: 'divop' });
for (const [n, level] of [['cup', 'add'], ['cap', 'mul'], ['setminus', 'add'], ['wedge', 'mul'], ['vee', 'add'],
  ['land', 'mul'], ['lor', 'add'], ['star', 'mul'], ['oplus', 'add'], ['ominus', 'add'], ['mid', 'add'],
  ['choose', 'add'], ['over', 'add'], ['parallel', 'add'], ['perp', 'add']] as const) {
  add(n, { kind: 'opaque-infix', name: n, level });
}
add('pm', { kind: 'pm', name: 'pm' });
add('mp', { kind: 'pm', name: 'mp' });

add('partial', { kind: 'partial' });
add('nabla', { kind: 'nabla' });
add('prime', { kind: 'prime' });

add(['boxed', 'cancel', 'bcancel', 'xcancel', 'mathop', 'fbox', 'bbox', 'underline', 'htmlClass',
  'ensuremath'], { kind: 'transparent', args: 1 });
add(['underbrace', 'overbrace', 'underbracket', 'overbracket'], { kind: 'transparent', args: 1, dropScripts: true });
add('textcolor', { kind: 'transparent', args: 2 });
add('colorbox', { kind: 'transparent', args: 2 });

// ---- Delimiters ------------------------------------------------------------------------------------------------

add('{', { kind: 'open', delim: '\\{', close: '\\}' });
add('lbrace', { kind: 'open', delim: '\\{', close: '\\}' });
add('}', { kind: 'close', delim: '\\}' });
add('rbrace', { kind: 'close', delim: '\\}' });
add(['|', 'Vert', 'lVert', 'rVert'], { kind: 'open', delim: '\\|', close: '\\|' });
add(['vert', 'lvert', 'rvert'], { kind: 'open', delim: '|', close: '|' });
add('langle', { kind: 'open', delim: '\\langle', close: '\\rangle' });
add('rangle', { kind: 'close', delim: '\\rangle' });
add('lfloor', { kind: 'open', delim: '\\lfloor', close: '\\rfloor' });
add('rfloor', { kind: 'close', delim: '\\rfloor' });
add('lceil', { kind: 'open', delim: '\\lceil', close: '\\rceil' });
add('rceil', { kind: 'close', delim: '\\rceil' });
add(['lbrack'], { kind: 'open', delim: '[', close: ']' });
add(['rbrack'], { kind: 'close', delim: ']' });
add('left', { kind: 'left' });
add('right', { kind: 'right' });
add('middle', { kind: 'middle' });
add('begin', { kind: 'begin' });
add('end', { kind: 'end' });

add(['newcommand', 'renewcommand', 'providecommand', 'def', 'gdef', 'edef', 'xdef', 'let', 'DeclareMathOperator',
  'DeclareMathOperator*', 'newenvironment'], { kind: 'definition' });
add(['overset', 'stackrel', 'underset'], { kind: 'overset' });

/** Every command the parser knows, by name without the backslash. */
export const COMMANDS: ReadonlyMap<string, CommandEntry> = table;

/** Closing commands that end the norm opened by the `\|`-like entries (the entries above are symmetric). */
export const NORM_DELIMS: ReadonlySet<string> = new Set(['|', 'Vert', 'lVert', 'rVert']);
export const ABS_DELIMS: ReadonlySet<string> = new Set(['vert', 'lvert', 'rvert']);

// ---- Environments ----------------------------------------------------------------------------------------------

/** Environments whose rows become separate formulas. */
export const TRANSPARENT_ENVS: ReadonlySet<string> = new Set([
  'aligned', 'align', 'align*', 'alignat', 'alignat*', 'alignedat', 'equation', 'equation*', 'gather', 'gather*',
  'gathered', 'split', 'multline', 'multline*', 'eqnarray', 'eqnarray*', 'flalign', 'flalign*', 'displaymath',
  'math',
]);

/** Environments that become MatrixNode; the value is the number of brace arguments after `\begin{env}`. */
export const MATRIX_ENVS: ReadonlyMap<string, number> = new Map([
  ['matrix', 0], ['bmatrix', 0], ['pmatrix', 0], ['vmatrix', 0], ['Vmatrix', 0], ['Bmatrix', 0], ['smallmatrix', 0],
  ['matrix*', 0], ['bmatrix*', 0], ['pmatrix*', 0], ['array', 1], ['subarray', 1], ['cases', 0], ['dcases', 0],
  ['rcases', 0], ['cases*', 0],
]);

/** Number of brace arguments after `\begin{env}` of transparent environments. */
export const TRANSPARENT_ENV_ARGS: ReadonlyMap<string, number> = new Map([
  ['alignat', 1], ['alignat*', 1], ['alignedat', 1],
]);

// ---- Unicode -----------------------------------------------------------------------------------------------------

/**
 * Unicode math characters and the LaTeX they stand for. The lexer lexes the replacement and gives every resulting
 * token the span of the original character.
 */
export const UNICODE: ReadonlyMap<string, string> = new Map<string, string>([
  ['∂', '\\partial'], ['√', '\\sqrt'], ['·', '\\cdot'], ['⋅', '\\cdot'], ['∙', '\\cdot'], ['×', '\\times'],
  ['−', '-'], ['–', '-'], ['∓', '\\mp'], ['±', '\\pm'], ['÷', '\\div'], ['∗', '*'],
  ['≈', '\\approx'], ['≠', '\\neq'], ['≤', '\\le'], ['≥', '\\ge'], ['⩽', '\\le'], ['⩾', '\\ge'], ['≡', '\\equiv'],
  ['∝', '\\propto'], ['∼', '\\sim'], ['≃', '\\simeq'], ['≅', '\\cong'], ['≪', '\\ll'], ['≫', '\\gg'],
  ['→', '\\to'], ['⟶', '\\to'], ['↦', '\\mapsto'], ['⇒', '\\Rightarrow'], ['⟹', '\\implies'], ['⇐', '\\Leftarrow'],
  ['⇔', '\\iff'], ['⟺', '\\iff'], ['←', '\\leftarrow'], ['∈', '\\in'], ['∉', '\\notin'], ['⊂', '\\subset'],
  ['⊆', '\\subseteq'], ['≔', ':='], ['∴', '\\therefore'], ['∵', '\\because'],
  ['∇', '\\nabla'], ['∑', '\\sum'], ['∏', '\\prod'], ['∫', '\\int'], ['∮', '\\oint'], ['∞', '\\infty'],
  ['…', '\\ldots'], ['⋯', '\\cdots'], ['⋮', '\\vdots'], ['⋱', '\\ddots'],
  ['′', "'"], ['″', "''"], ['‴', "'''"], ['⊙', '\\odot'], ['⊗', '\\otimes'], ['∘', '\\circ'], ['⊤', '\\top'],
  ['‖', '\\|'], ['∥', '\\|'], ['⟨', '\\langle'], ['⟩', '\\rangle'], ['∅', '\\emptyset'], ['ℓ', '\\ell'],
  ['ℏ', '\\hbar'], ['ℎ', 'h'], ['ℝ', '\\mathbb R'], ['ℕ', '\\mathbb N'], ['ℤ', '\\mathbb Z'], ['ℚ', '\\mathbb Q'],
  ['ℂ', '\\mathbb C'], ['ℒ', '\\mathcal L'], ['ℱ', '\\mathcal F'], ['ℋ', '\\mathcal H'], ['∀', '\\forall'],
  ['∃', '\\exists'], ['∪', '\\cup'], ['∩', '\\cap'], ['∖', '\\setminus'],
  // Greek
  ['α', '\\alpha'], ['β', '\\beta'], ['γ', '\\gamma'], ['δ', '\\delta'], ['ϵ', '\\epsilon'], ['ε', '\\varepsilon'],
  ['ζ', '\\zeta'], ['η', '\\eta'], ['θ', '\\theta'], ['ϑ', '\\vartheta'], ['ι', '\\iota'], ['κ', '\\kappa'],
  ['λ', '\\lambda'], ['μ', '\\mu'], ['µ', '\\mu'], ['ν', '\\nu'], ['ξ', '\\xi'], ['π', '\\pi'], ['ϖ', '\\varpi'],
  ['ρ', '\\rho'], ['ϱ', '\\varrho'], ['σ', '\\sigma'], ['ς', '\\varsigma'], ['τ', '\\tau'], ['υ', '\\upsilon'],
  ['ϕ', '\\phi'], ['φ', '\\varphi'], ['χ', '\\chi'], ['ψ', '\\psi'], ['ω', '\\omega'],
  ['Γ', '\\Gamma'], ['Δ', '\\Delta'], ['Θ', '\\Theta'], ['Λ', '\\Lambda'], ['Ξ', '\\Xi'], ['Π', '\\Pi'],
  ['Σ', '\\Sigma'], ['Υ', '\\Upsilon'], ['Φ', '\\Phi'], ['Ψ', '\\Psi'], ['Ω', '\\Omega'],
  ['Α', 'A'], ['Β', 'B'], ['Ε', 'E'], ['Ζ', 'Z'], ['Η', 'H'], ['Ι', 'I'], ['Κ', 'K'], ['Μ', 'M'], ['Ν', 'N'],
  ['Ο', 'O'], ['Ρ', 'P'], ['Τ', 'T'], ['Χ', 'X'],
]);

/** Superscript characters (a run becomes one `^{…}`). */
export const UNICODE_SUPERSCRIPTS: ReadonlyMap<string, string> = new Map<string, string>([
  ['⁰', '0'], ['¹', '1'], ['²', '2'], ['³', '3'], ['⁴', '4'], ['⁵', '5'], ['⁶', '6'], ['⁷', '7'], ['⁸', '8'],
  ['⁹', '9'], ['⁺', '+'], ['⁻', '-'], ['⁼', '='], ['⁽', '('], ['⁾', ')'], ['ⁿ', 'n'], ['ⁱ', 'i'], ['ᵀ', 'T'],
  ['ᵗ', 't'], ['ᵏ', 'k'], ['ˣ', 'x'],
]);

/** Subscript characters (a run becomes one `_{…}`). */
export const UNICODE_SUBSCRIPTS: ReadonlyMap<string, string> = new Map<string, string>([
  ['₀', '0'], ['₁', '1'], ['₂', '2'], ['₃', '3'], ['₄', '4'], ['₅', '5'], ['₆', '6'], ['₇', '7'], ['₈', '8'],
  ['₉', '9'], ['₊', '+'], ['₋', '-'], ['₌', '='], ['₍', '('], ['₎', ')'], ['ₐ', 'a'], ['ₑ', 'e'], ['ₒ', 'o'],
  ['ₓ', 'x'], ['ₕ', 'h'], ['ₖ', 'k'], ['ₗ', 'l'], ['ₘ', 'm'], ['ₙ', 'n'], ['ₚ', 'p'], ['ₛ', 's'], ['ₜ', 't'],
  ['ᵢ', 'i'], ['ⱼ', 'j'], ['ᵣ', 'r'], ['ᵤ', 'u'], ['ᵥ', 'v'],
]);

/**
 * Mathematical Alphanumeric Symbols (U+1D400…U+1D7FF): style index → font command (null: plain letter).
 * Letters: 52 per style from U+1D400; digits: 10 per style from U+1D7CE.
 */
export const MATH_ALPHA_STYLES: ReadonlyArray<string | null> = [
  'mathbf', null, 'mathbf', 'mathcal', 'mathcal', 'mathfrak', 'mathbb', 'mathfrak', 'mathsf', 'mathbf', 'mathsf',
  'mathbf', null,
];
export const MATH_DIGIT_STYLES: ReadonlyArray<string | null> = ['mathbf', 'mathbb', 'mathsf', 'mathbf', null];
