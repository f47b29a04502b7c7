/**
 * Scopes follow the document: note › section › block. This module tells, for each math fragment of a note,
 * the section it is in (a heading starts one) and the list item it belongs to (an exercise, a step of a worked
 * example), and what the section's usage says about its symbols. Pure functions of the note's text and parses.
 */
import type { Node, SymNode } from '../parse/ast';
import { pushChildren } from '../parse/walk';
import type { LineMap } from '../scan/lines';

/** Letters with a conventional meaning of their own when primed (σ' is the logistic function's derivative). */
const CONVENTIONAL: ReadonlySet<string> = new Set(['sigma', 'e', 'pi']);

const LIST_MARK = /^([ \t]*)(?:[-*+\u2022]|\d{1,9}[.)]|\(?[a-z]\)|\([ivx]+\))[ \t]+/;
/** The same mark on any line of a text. */
const LIST_LINE = new RegExp(LIST_MARK.source, 'm');

/**
 * The list item each offset belongs to, as the offset of the item's first line, or -1 outside lists. A list
 * item holds its own line, the indented lines after it and lines that continue it without a blank line; an
 * unindented line after a blank line ends it (as Markdown reads lists).
 */
export function listItems(lines: LineMap, offsets: number[]): number[] {
  // A note without a single list item line: nothing to find (one search instead of a pass over every line).
  if (!LIST_LINE.test(lines.text)) return offsets.map(() => -1);
  const itemOfLine = new Int32Array(lines.lineCount).fill(-1);
  let item = -1;
  let itemIndent = 0;
  let blankBefore = false;
  for (let k = 0; k < lines.lineCount; k++) {
    const start = lines.lineStart(k);
    const line = lines.text.slice(start, Math.min(lines.lineEnd(k), start + 200));
    const first = line.search(/\S/);
    if (first < 0) {
      blankBefore = true;
      itemOfLine[k] = item;
      continue;
    }
    const indent = /^[ \t]*/.exec(line)![0].replace(/\t/g, '    ').length;
    if (line.charCodeAt(first) === 35 && indent <= 3) item = -1;
    else if (LIST_MARK.test(line)) {
      item = start;
      itemIndent = indent;
    } else if (item >= 0 && blankBefore && indent <= itemIndent) item = -1;
    itemOfLine[k] = item;
    blankBefore = false;
  }
  return offsets.map((o) => itemOfLine[lines.lineAt(o)]);
}

/**
 * Usage in a scope: letters written with a prime on their own (`h'`, `(\ln h)' = h'/h`) are functions there —
 * a prime on a bare letter is the derivative of a function. Not when the scope also uses the letter as a
 * variable: differentiated by (`\frac{d}{dh}`), a limit's variable, or inside a function's argument (`f(x+h)`).
 */
export function primedFunctions(trees: Node[]): string[] {
  const primed = new Set<string>();
  const variables = new Set<string>();
  for (const t of trees) {
    const u = usageOf(t);
    for (const n of u.primed) primed.add(n);
    for (const n of u.variables) variables.add(n);
  }
  // σ' is the logistic function's derivative by convention (the note may say otherwise, semantics/prose.ts).
  return [...primed].filter((n) => !variables.has(n) && !CONVENTIONAL.has(n));
}

/**
 * What one tree shows, found in one walk and remembered per tree (parsed trees are shared by repeated formulas
 * and kept between checks, and a claim's sides are asked several times): the usage a scope reads (letters primed
 * on their own, letters used as variables) and what interpret/claims.ts asks of a claim's sides — whether it is a
 * constant (numbers and constants only), holds a derivative (`\frac{d}{dx}`, a prime), holds a limit.
 */
export interface TreeUsage {
  /** The symbols the tree writes, the first of each name, in the order of a walk. */
  symbols: SymNode[];
  primed: string[];
  variables: string[];
  constant: boolean;
  derivative: boolean;
  limit: boolean;
}

/** Names that are constants, not letters (`\pi`, e, `\infty`). */
const CONSTANT_NAMES: ReadonlySet<string> = new Set(['pi', 'e', 'infty']);

const usages = new WeakMap<Node, TreeUsage>();
export function usageOf(tree: Node): TreeUsage {
  let u = usages.get(tree);
  if (u) return u;
  const primed = new Set<string>();
  const variables = new Set<string>();
  const names = new Set<string>();
  const symbols: SymNode[] = [];
  let constant = true;
  let derivative = false;
  let limit = false;
  // Beside each node on the stack: whether it lies inside an argument of an application that is not a plain
  // letter (`f(x+h)`: x and h are variables; f(h) may be h's own application, g(x) names x).
  const stack: Node[] = [tree];
  const inArgument: boolean[] = [false];
  while (stack.length) {
    const m = stack.pop()!;
    const inside = inArgument.pop()!;
    switch (m.type) {
      case 'sym':
        if (!names.has(m.name)) {
          names.add(m.name);
          symbols.push(m);
        }
        if (inside) variables.add(m.name);
        if (!CONSTANT_NAMES.has(m.name)) constant = false;
        break;
      case 'prime':
        derivative = true;
        constant = false;
        if (m.arg.type === 'sym' && !m.arg.font) primed.add(m.arg.name);
        break;
      case 'deriv':
        derivative = true;
        constant = false;
        for (const w of m.wrt) if (w.v.type === 'sym') variables.add(w.v.name);
        break;
      case 'limit':
        limit = true;
        if (m.variable?.type === 'sym') variables.add(m.variable.name);
        break;
      case 'apply':
        constant = false;
        break;
      case 'bigop':
        for (const v of [m.index, m.differential]) if (v?.type === 'sym') variables.add(v.name);
        break;
      case 'unknown':
        // (`\pm\frac{2}{\sqrt 3}` is a pair of numbers: a value, as a solution gives it.)
        if (!((m.what === '\\pm' || m.what === '\\mp') && m.args.length > 0)) constant = false;
        break;
      case 'ellipsis':
        constant = false;
        break;
      default:
        break;
    }
    const from = stack.length;
    pushChildren(m, stack);
    if (m.type === 'apply') {
      // (An application pushes its arguments, then its function last.)
      const fnAt = stack.length - 1;
      for (let i = from; i < stack.length; i++) inArgument.push(inside || (i !== fnAt && stack[i].type !== 'sym'));
    } else {
      for (let i = from; i < stack.length; i++) inArgument.push(inside);
    }
  }
  u = { symbols, primed: [...primed], variables: [...variables], constant, derivative, limit };
  usages.set(tree, u);
  return u;
}
