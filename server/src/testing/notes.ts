/**
 * Deterministic generator of long course notes for the benchmark (scripts/bench.js) and the load and fuzz tests
 * (not part of the extension). A seed gives always the same note: Markdown with sections of concrete derivatives
 * (some wrong on purpose), rules over f and g, worked chains in aligned blocks and `$$= …$$` continuations,
 * definitions followed by claims about them, prose, code blocks holding math-looking text, and matrix identities.
 */

import { makeRng, type Rng } from '../check/random';

export type { Rng };

/** The checker's own seeded generator (mulberry32). */
export function seededRng(seed: number): Rng {
  return makeRng(seed);
}

export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
export const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

export interface GeneratedNote {
  text: string;
  /**
   * Offsets of single digits inside inline formulas (a coefficient of a claim's right side): editing one of them
   * is a one-character edit inside one formula.
   */
  editSites: number[];
  /** How many claims the generator meant to write (the engine's count may differ slightly). */
  plannedClaims: number;
  /** How many of them are wrong on purpose. */
  plannedFalse: number;
}

export interface NoteOptions {
  /** Stop after about this many lines. Default 5000. */
  lines?: number;
  /** Share of concrete derivatives written wrong on purpose. Default 0.05. */
  wrongRate?: number;
}

/** A piece of note: its lines, and the offsets (relative to the piece's text) of editable digits. */
interface Piece {
  lines: string[];
  claims: number;
  wrong: number;
  /** [line index, column] of editable digits. */
  sites?: [number, number][];
}

const PROSE = [
  'The derivative measures how fast a quantity changes when its input moves a little.',
  'We write the rule once for general functions and then use it on concrete ones.',
  'In the exercises below every step should be checked by differentiating again.',
  'A common mistake is to forget the inner derivative when applying the chain rule.',
  'Gradient descent moves the parameters against the gradient of the loss, one small step at a time.',
  'The cost of a single update is proportional to the number of parameters.',
  'Keep track of which letters are constants and which are the variable of differentiation.',
  'When in doubt, expand the product first and differentiate term by term.',
  'The textbook costs $5 and the solutions cost $6 more, so budget accordingly.',
  'Recall that a function is differentiable at a point when the difference quotient has a limit there.',
  'Backpropagation is nothing more than the chain rule applied in a careful order.',
  'Logarithmic differentiation helps when the variable appears both in a base and in an exponent.',
];

const CODE = [
  ['```python', "# not math: (f/g)' = (f'g + fg')/g^2", 'def grad(x):', '    return 2 * x  # d/dx x^2 = 2x', '```'],
  ['```', "(fg)' = f'g' (wrong, but this is a code block)", '$\\frac{d}{dx} x^3 = 2x$', '```'],
  ['```js', 'const dydx = (f(x + h) - f(x)) / h; // $f\'(x) = 0$', '```'],
  ['    indented code: d/dx sin(x) = cos(x)', '    $\\frac{d}{dx}x^2 = 5$'],
];

const MATRIX = [
  '\\nabla_{\\mathbf x} \\mathbf{x}^T A \\mathbf{x} = (A + A^T)\\mathbf{x}',
  '\\nabla_{\\mathbf{x}} \\mathbf{a}^T \\mathbf{x} = \\mathbf{a}',
  '\\nabla_{\\mathbf{x}} \\mathbf{x}^\\top \\mathbf{x} = 2\\mathbf{x}',
  '\\frac{\\partial}{\\partial \\mathbf{x}} \\|A\\mathbf{x} - \\mathbf{b}\\|^2 = 2A^T(A\\mathbf{x} - \\mathbf{b})',
  '\\frac{\\partial}{\\partial X} \\operatorname{tr}(AX) = A^T',
];

const RULES: [string, boolean][] = [
  ["(f+g)' = f' + g'", true],
  ["(fg)' = f'g + fg'", true],
  ["\\left(\\frac{f}{g}\\right)' = \\frac{f'g - fg'}{g^2}", true],
  ["(f/g)' = (f'g + fg')/g^2", false],
  ["(1/f)' = -f'/f^2", true],
  ["\\frac{d}{dx} f(g(x)) = f'(g(x))\\, g'(x)", true],
  ["\\frac{d}{dx} f(g(x)) = f'(x)\\, g'(x)", false],
  ['\\frac{d}{dx}\\left[f(x)\\,g(x)\\right] = f(x)\\frac{d}{dx}g(x) + g(x)\\frac{d}{dx}f(x)', true],
  ["(f - g)' = f' - g'", true],
  ['\\frac{dy}{dx} = \\frac{dy}{du} \\cdot \\frac{du}{dx}', true],
  ["(fgh)' = f'gh + fg'h + fgh'", true],
];

/** A concrete derivative: [left, right, right with a mistake], coefficients drawn from the RNG. */
function concrete(rng: Rng): [string, string, string] {
  const a = int(rng, 2, 9);
  const n = int(rng, 3, 9);
  const forms: (() => [string, string, string])[] = [
    () => [`\\frac{d}{dx} x^{${n}}`, `${n}x^{${n - 1}}`, `${n - 1}x^{${n - 1}}`],
    () => [`\\frac{d}{dx}\\sin(${a}x)`, `${a}\\cos(${a}x)`, `\\cos(${a}x)`],
    () => [`\\frac{d}{dx} e^{${a}x}`, `${a}e^{${a}x}`, `e^{${a}x}`],
    () => [`\\frac{d}{dx}\\cos(x^{${n}})`, `-${n}x^{${n - 1}}\\sin(x^{${n}})`, `${n}x^{${n - 1}}\\sin(x^{${n}})`],
    () => [`\\frac{d}{dx}\\ln(${a}x + 1)`, `\\frac{${a}}{${a}x + 1}`, `\\frac{1}{${a}x + 1}`],
    () => [`\\frac{d}{dt}\\left(t^{${n}} + ${a}t\\right)`, `${n}t^{${n - 1}} + ${a}`, `${n}t^{${n - 1}}`],
    () => [`\\frac{d}{dx}\\tanh(${a}x)`, `${a}\\left(1 - \\tanh^2(${a}x)\\right)`, `${a}\\left(1 - \\tanh(${a}x)\\right)`],
    () => [`\\frac{d}{dx}\\sqrt{x^2 + ${a}}`, `\\frac{x}{\\sqrt{x^2 + ${a}}}`, `\\frac{1}{2\\sqrt{x^2 + ${a}}}`],
    () => [`\\frac{d}{dx}\\sigma(${a}x)`, `${a}\\sigma(${a}x)\\left(1 - \\sigma(${a}x)\\right)`, `\\sigma(${a}x)\\left(1 - \\sigma(${a}x)\\right)`],
    () => [`\\frac{\\partial}{\\partial y}\\left(x^2 y^{${n}}\\right)`, `${n}x^2 y^{${n - 1}}`, `${n}x y^{${n - 1}}`],
    () => [`\\frac{d}{dx}\\left(x^{${n}}\\ln x\\right)`, `${n}x^{${n - 1}}\\ln x + x^{${n - 1}}`, `${n}x^{${n - 1}}\\ln x`],
    () => [`\\frac{d}{dx}\\arctan(${a}x)`, `\\frac{${a}}{1 + ${a * a}x^2}`, `\\frac{1}{1 + ${a * a}x^2}`],
  ];
  return pick(rng, forms)();
}

function pieceConcrete(rng: Rng, wrongRate: number): Piece {
  const [l, r, bad] = concrete(rng);
  const wrong = rng() < wrongRate;
  const intro = pick(rng, ['We have', 'Differentiating gives', 'By the rules above,', 'Check:', 'Similarly']);
  const line = `${intro} $${l} = ${wrong ? bad : r}$.`;
  // An editable digit: the first digit of the right side.
  const rhsAt = line.indexOf(' = ') + 3;
  const m = /[0-9]/.exec(line.slice(rhsAt));
  return { lines: [line], claims: 1, wrong: wrong ? 1 : 0, sites: m ? [[0, rhsAt + m.index]] : [] };
}

function pieceRules(rng: Rng): Piece {
  const k = int(rng, 1, 3);
  const lines: string[] = [];
  let wrong = 0;
  for (let i = 0; i < k; i++) {
    const [rule, ok] = pick(rng, RULES);
    if (!ok) wrong++;
    lines.push(i === 0 ? `The rule $${rule}$ holds for differentiable functions.` : `$$${rule}$$`);
  }
  return { lines, claims: k, wrong };
}

function pieceAligned(rng: Rng): Piece {
  const n = int(rng, 2, 7);
  return {
    lines: [
      '$$',
      '\\begin{aligned}',
      `\\frac{d}{dx}\\left(x^{${n}}\\sin x\\right) &= ${n}x^{${n - 1}}\\sin x + x^{${n}}\\cos x \\\\`,
      `&= x^{${n - 1}}\\left(${n}\\sin x + x\\cos x\\right)`,
      '\\end{aligned}',
      '$$',
    ],
    claims: 2,
    wrong: 0,
  };
}

function pieceContinuation(rng: Rng): Piece {
  const a = int(rng, 1, 9);
  return {
    lines: [
      `$$\\frac{d}{dx}\\left(x^2 + ${a}\\right)^3 = 3\\left(x^2 + ${a}\\right)^2 \\cdot 2x$$`,
      `$$= 6x \\cdot \\left(x^2 + ${a}\\right)^2$$`,
    ],
    claims: 2,
    wrong: 0,
  };
}

function pieceDefinition(rng: Rng): Piece {
  const a = int(rng, 2, 9);
  const n = int(rng, 2, 6);
  const name = pick(rng, ['p', 'q', 'r', 'u']);
  return {
    lines: [
      `Let $${name}(x) = x^{${n}}\\sin(${a}x)$. Then`,
      `$${name}'(x) = ${n}x^{${n - 1}}\\sin(${a}x) + ${a}x^{${n}}\\cos(${a}x)$, and at the origin $${name}(0) = 0$.`,
    ],
    claims: 3,
    wrong: 0,
  };
}

function pieceProse(rng: Rng): Piece {
  const k = int(rng, 2, 5);
  const lines: string[] = [];
  for (let i = 0; i < k; i++) lines.push(pick(rng, PROSE) + (rng() < 0.3 ? ` Here $x$ is real and $f$ is smooth.` : ''));
  return { lines, claims: 0, wrong: 0 };
}

function pieceCode(rng: Rng): Piece {
  return { lines: [...pick(rng, CODE)], claims: 0, wrong: 0 };
}

function pieceMatrix(rng: Rng): Piece {
  return { lines: [`$$${pick(rng, MATRIX)}$$`], claims: 1, wrong: 0 };
}

export function generateNote(seed: number, options: NoteOptions = {}): GeneratedNote {
  const rng = seededRng(seed);
  const maxLines = options.lines ?? 5000;
  const wrongRate = options.wrongRate ?? 0.05;
  const out: string[] = [];
  const editSites: number[] = [];
  let offset = 0;
  let claims = 0;
  let wrong = 0;
  let section = 0;
  const push = (line: string) => {
    out.push(line);
    offset += line.length + 1;
  };
  push(`# Lecture notes (generated, seed ${seed})`);
  push('');
  while (out.length < maxLines) {
    if (out.length === 2 || rng() < 0.06) {
      section++;
      push(`## Section ${section}`);
      push('');
    }
    const r = rng();
    const p: Piece =
      r < 0.3 ? pieceConcrete(rng, wrongRate)
      : r < 0.36 ? pieceRules(rng)
      : r < 0.41 ? pieceAligned(rng)
      : r < 0.45 ? pieceContinuation(rng)
      : r < 0.5 ? pieceDefinition(rng)
      : r < 0.84 ? pieceProse(rng)
      : r < 0.93 ? pieceCode(rng)
      : pieceMatrix(rng);
    const starts: number[] = [];
    for (const line of p.lines) {
      starts.push(offset);
      push(line);
    }
    for (const [li, col] of p.sites ?? []) editSites.push(starts[li] + col);
    push('');
    claims += p.claims;
    wrong += p.wrong;
  }
  return { text: out.join('\n') + '\n', editSites, plannedClaims: claims, plannedFalse: wrong };
}
