/** Traversal of the syntax tree: one place that knows every node's children. */
import type { Node } from './ast';

export function children(n: Node): Node[] {
  switch (n.type) {
    case 'neg':
      return [n.arg];
    case 'add':
      return n.terms;
    case 'mul':
      return n.factors;
    case 'div':
      return [n.num, n.den];
    case 'pow':
      return [n.base, n.exp];
    case 'call':
      return [...n.args, ...(n.power ? [n.power] : []), ...(n.base ? [n.base] : []), ...(n.index ? [n.index] : [])];
    case 'apply':
      return [n.fn, ...n.args];
    case 'prime':
      return typeof n.order === 'number' ? [n.arg] : [n.arg, n.order];
    case 'deriv':
      return [...(n.of ? [n.of] : []), ...n.wrt.map((w) => w.v)];
    case 'evalat':
      return [n.expr, n.at, ...(n.variable ? [n.variable] : [])];
    case 'limit':
    case 'bigop':
      return [n.body];
    case 'tuple':
      return n.items;
    case 'matrix':
      return n.rows.flat();
    case 'norm':
      return [n.arg];
    case 'unknown':
      return n.args;
    default:
      return [];
  }
}

/**
 * Pushes a node's children onto a stack so that they pop in order (first child first), without building an array
 * per node: the walks below run over every tree of a note on every check, and an array per visited node was a
 * good part of their cost.
 */
export function pushChildren(n: Node, stack: Node[]): void {
  switch (n.type) {
    case 'neg':
    case 'norm':
      stack.push(n.arg);
      return;
    case 'add':
      for (let i = n.terms.length - 1; i >= 0; i--) stack.push(n.terms[i]);
      return;
    case 'mul':
      for (let i = n.factors.length - 1; i >= 0; i--) stack.push(n.factors[i]);
      return;
    case 'div':
      stack.push(n.den, n.num);
      return;
    case 'pow':
      stack.push(n.exp, n.base);
      return;
    case 'apply':
      for (let i = n.args.length - 1; i >= 0; i--) stack.push(n.args[i]);
      stack.push(n.fn);
      return;
    case 'prime':
      if (typeof n.order !== 'number') stack.push(n.order);
      stack.push(n.arg);
      return;
    case 'limit':
    case 'bigop':
      stack.push(n.body);
      return;
    case 'tuple':
      for (let i = n.items.length - 1; i >= 0; i--) stack.push(n.items[i]);
      return;
    case 'unknown':
      for (let i = n.args.length - 1; i >= 0; i--) stack.push(n.args[i]);
      return;
    case 'call':
    case 'deriv':
    case 'evalat':
    case 'matrix': {
      const c = children(n);
      for (let i = c.length - 1; i >= 0; i--) stack.push(c[i]);
      return;
    }
    default:
      return;
  }
}

/** Visit every node of a tree, parents before children (iteratively: deep trees cannot overflow the stack). */
export function walk(root: Node | null | undefined, visit: (n: Node) => void): void {
  if (!root) return;
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    visit(n);
    pushChildren(n, stack);
  }
}

/** Does some node of the tree satisfy `pred`? */
export function containsNode(root: Node, pred: (m: Node) => boolean): boolean {
  const stack: Node[] = [root];
  while (stack.length) {
    const m = stack.pop()!;
    if (pred(m)) return true;
    pushChildren(m, stack);
  }
  return false;
}

/**
 * Every node of the given trees and, transitively, of the definitions their symbols refer to (each node once).
 * `definitionOf` gives the body a symbol stands for, if any.
 */
export function nodesWithDefinitions(roots: Node[], definitionOf: (s: Extract<Node, { type: 'sym' }>) => Node | undefined): Node[] {
  const seen = new Set<Node>();
  const all: Node[] = [];
  const collect = (n: Node) => {
    walk(n, (m) => {
      if (seen.has(m)) return;
      seen.add(m);
      all.push(m);
      if (m.type === 'sym') {
        const body = definitionOf(m);
        if (body && !seen.has(body)) collect(body);
      }
    });
  };
  roots.forEach(collect);
  return all;
}

/**
 * `x[a]` as a product: the reading of a letter before square brackets when the letter is no function. The same
 * tree `x [a]` or `x [a, b]` gives (the bracket's content, or a tuple of its items).
 */
export function squareBracketProduct(n: Extract<Node, { type: 'apply' }>): Node {
  const start = n.args.length ? n.args[0].span.start : n.fn.span.end;
  const inner: Node = n.args.length === 1
    ? n.args[0]
    : n.args.length === 0
      ? { type: 'unknown', what: 'empty brackets', args: [], span: { start, end: n.span.end } }
      : { type: 'tuple', items: n.args, open: '[', close: ']', span: { start, end: n.span.end } };
  return { type: 'mul', factors: [n.fn, inner], ops: ['implicit'], span: n.span };
}

/** The symbols among `nodes` written as plain operands somewhere (not only as the head of an application). */
export function plainOperands(nodes: Node[]): Extract<Node, { type: 'sym' }>[] {
  const heads = new Set<Node>();
  for (const m of nodes) if (m.type === 'apply') heads.add(m.fn);
  const out: Extract<Node, { type: 'sym' }>[] = [];
  for (const m of nodes) if (m.type === 'sym' && !heads.has(m)) out.push(m);
  return out;
}
