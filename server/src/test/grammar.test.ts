/**
 * Tests of the TextMate injection grammar syntaxes/calcnotes-math.tmLanguage.json, run through vscode-textmate and
 * vscode-oniguruma the way VS Code runs it: injected into a Markdown grammar (a stand-in for VS Code's, in
 * server/test-notes/grammar/) and fed one line at a time with the rule stack carried from line to line.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as vsctm from 'vscode-textmate';
import * as oniguruma from 'vscode-oniguruma';

const REPO = path.resolve(__dirname, '../../..');
const GRAMMAR_FILE = path.join(REPO, 'syntaxes', 'calcnotes-math.tmLanguage.json');
const FIXTURES = path.join(REPO, 'server', 'test-notes', 'grammar');
const INJECTION = 'markdown.math.calcnotes.injection';
const BUILTIN_INLINE = 'markdown.math.inline';

const GRAMMAR_FILES: Record<string, string> = {
  'text.html.markdown': path.join(FIXTURES, 'markdown-standin.tmLanguage.json'),
  [INJECTION]: GRAMMAR_FILE,
  [BUILTIN_INLINE]: path.join(FIXTURES, 'builtin-math-standin.tmLanguage.json'),
};

const MD = 'text.html.markdown';
const PARA = 'meta.paragraph.markdown';
const INLINE = 'meta.math.inline.calcnotes';
const BLOCK = 'meta.math.block.calcnotes';
const BEGIN = 'punctuation.definition.math.begin.calcnotes';
const END = 'punctuation.definition.math.end.calcnotes';
const DERIV = 'keyword.operator.derivative.calcnotes';
const FUNC = 'support.function.calcnotes';
const NUM = 'constant.numeric.calcnotes';
const REL = 'keyword.operator.relation.calcnotes';
/** Stands in for the paragraph on a list or quote line that starts with math (not a math scope). */
const LEADING = 'meta.paragraph.leading-math.calcnotes';

let onigLib: Promise<vsctm.IOnigLib> | undefined;

function getOnigLib(): Promise<vsctm.IOnigLib> {
  if (!onigLib) {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    onigLib = oniguruma.loadWASM(wasm).then(() => ({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns) as unknown as vsctm.OnigScanner,
      createOnigString: (s: string) => new oniguruma.OnigString(s) as unknown as vsctm.OnigString,
    }));
  }
  return onigLib;
}

/** The Markdown stand-in with the given grammars injected into it, in this order (as VS Code registers them). */
async function loadMarkdown(injections: string[]): Promise<vsctm.IGrammar> {
  const registry = new vsctm.Registry({
    onigLib: getOnigLib(),
    loadGrammar: async (scopeName) => {
      const file = GRAMMAR_FILES[scopeName];
      return file ? vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file) : null;
    },
    getInjections: (scopeName) => (scopeName === MD ? injections : undefined),
  });
  const grammar = await registry.loadGrammar(MD);
  assert.ok(grammar, 'the Markdown stand-in loads');
  return grammar;
}

interface Line {
  text: string;
  tokens: vsctm.IToken[];
}

/** Tokenizes a document line by line, carrying the rule stack (multi-line constructs depend on it). */
function tokenize(grammar: vsctm.IGrammar, doc: string[]): Line[] {
  let state: vsctm.StateStack = vsctm.INITIAL;
  return doc.map((text) => {
    const result = grammar.tokenizeLine(text, state);
    assert.equal(result.stoppedEarly, false, `tokenizing ${JSON.stringify(text)} stopped early`);
    state = result.ruleStack;
    return { text, tokens: result.tokens };
  });
}

/** The scope stacks of the characters of `needle` (its `nth` occurrence on line `row`). */
function charScopes(lines: Line[], row: number, needle: string, nth = 1): string[][] {
  const line = lines[row];
  assert.ok(line, `no line ${row}`);
  let at = -1;
  for (let k = 0; k < nth; k++) {
    at = line.text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `${JSON.stringify(needle)} (occurrence ${nth}) not on line ${row}: ${JSON.stringify(line.text)}`);
  }
  const out: string[][] = [];
  for (let i = at; i < at + needle.length; i++) {
    const tok = line.tokens.find((t) => t.startIndex <= i && i < t.endIndex);
    assert.ok(tok, `no token at ${i} on line ${row}`);
    out.push(tok.scopes);
  }
  return out;
}

/** The one scope stack shared by every character of `needle`. */
function scopesOf(lines: Line[], row: number, needle: string, nth = 1): string[] {
  const all = charScopes(lines, row, needle, nth);
  const first = all[0];
  for (const s of all) {
    assert.deepEqual(s, first, `${JSON.stringify(needle)} on line ${row} is split over different scopes`);
  }
  return first;
}

/** The innermost scope shared by every character of `needle`. */
function innermost(lines: Line[], row: number, needle: string, nth = 1): string {
  const all = charScopes(lines, row, needle, nth).map((s) => s[s.length - 1]);
  const set = [...new Set(all)];
  assert.equal(set.length, 1, `${JSON.stringify(needle)} on line ${row} has innermost scopes ${set.join(', ')}`);
  return set[0];
}

function assertNoMath(lines: Line[], row: number, needle: string, nth = 1): void {
  for (const scopes of charScopes(lines, row, needle, nth)) {
    const math = scopes.filter((s) => s.startsWith('meta.math') || (s.endsWith('.calcnotes') && s !== LEADING));
    assert.deepEqual(math, [], `${JSON.stringify(needle)} on line ${row} must not be math`);
  }
}

function assertNoMathOnLine(lines: Line[], row: number): void {
  assertNoMath(lines, row, lines[row].text);
}

describe('calcnotes math grammar', () => {
  let md: vsctm.IGrammar;
  let mdWithBuiltin: vsctm.IGrammar;

  before(async () => {
    md = await loadMarkdown([INJECTION]);
    mdWithBuiltin = await loadMarkdown([BUILTIN_INLINE, INJECTION]);
  });

  describe('the grammar file', () => {
    const raw = JSON.parse(fs.readFileSync(GRAMMAR_FILE, 'utf8')) as {
      scopeName: string;
      injectionSelector: string;
      repository: Record<string, unknown>;
    };

    test('is an injection grammar with the agreed scope name and selector', () => {
      assert.equal(raw.scopeName, INJECTION);
      const parts = raw.injectionSelector.split(',').map((p) => p.trim());
      assert.ok(parts[0].startsWith('L:text.html.markdown '), parts[0]);
      for (const excluded of ['-markup.fenced_code', '-markup.inline.raw', '-markup.raw', '-comment', '-meta.math']) {
        assert.ok(parts[0].split(/\s+/).includes(excluded), `selector excludes ${excluded}`);
      }
    });

    test('every regular expression compiles with Oniguruma', async () => {
      await getOnigLib();
      const regexes: string[] = [];
      const walk = (v: unknown): void => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === 'object') {
          for (const [k, x] of Object.entries(v)) {
            if (typeof x === 'string' && ['match', 'begin', 'end', 'while'].includes(k)) regexes.push(x);
            else walk(x);
          }
        }
      };
      walk(raw);
      assert.ok(regexes.length > 30, `found ${regexes.length} regexes`);
      for (const re of regexes) {
        // End patterns refer to the begin's groups (\1, \2…); give them a stand-in so they compile alone.
        const alone = re.replace(/(?<!\\)((?:\\\\)*)\\[1-9]/g, '$1x');
        assert.doesNotThrow(() => new oniguruma.OnigScanner([alone]).dispose(), `does not compile: ${re}`);
      }
    });
  });

  describe('inline math', () => {
    test('$…$ is scoped, with its delimiters', () => {
      const l = tokenize(md, ['The slope $f(x) = x^2$ grows.']);
      assert.deepEqual(scopesOf(l, 0, '$'), [MD, PARA, INLINE, BEGIN]);
      assert.deepEqual(scopesOf(l, 0, 'f'), [MD, PARA, INLINE]);
      assert.deepEqual(scopesOf(l, 0, '$', 2), [MD, PARA, INLINE, END]);
      assert.deepEqual(scopesOf(l, 0, 'The slope '), [MD, PARA]);
      assert.deepEqual(scopesOf(l, 0, ' grows.'), [MD, PARA]);
      assert.equal(innermost(l, 0, '='), REL);
      assert.equal(innermost(l, 0, '2'), NUM);
    });

    test('\\(…\\), its Markdown-escaped form \\\\(…\\\\) and GitHub $`…`$ are inline math', () => {
      const l = tokenize(md, ['Here \\(g(x) = \\sin x\\) and \\\\(y\\\\) and $`\\ln x`$ end.']);
      assert.deepEqual(scopesOf(l, 0, '\\('), [MD, PARA, INLINE, BEGIN]);
      assert.deepEqual(scopesOf(l, 0, '\\)'), [MD, PARA, INLINE, END]);
      assert.equal(innermost(l, 0, '\\sin'), FUNC);
      assert.deepEqual(scopesOf(l, 0, '\\\\('), [MD, PARA, INLINE, BEGIN]);
      assert.deepEqual(scopesOf(l, 0, 'y'), [MD, PARA, INLINE]);
      assert.deepEqual(scopesOf(l, 0, '\\\\)'), [MD, PARA, INLINE, END]);
      assert.deepEqual(scopesOf(l, 0, '$`'), [MD, PARA, INLINE, BEGIN]);
      assert.equal(innermost(l, 0, '\\ln'), FUNC);
      assert.deepEqual(scopesOf(l, 0, '`$'), [MD, PARA, INLINE, END]);
      assert.deepEqual(scopesOf(l, 0, ' end.'), [MD, PARA]);
    });

    test('money is not math (pandoc rule)', () => {
      const l = tokenize(md, [
        'It costs $5 and $6 today.',
        'Prices: $x$5 and $ x$ and $x $ are not math either.',
        'Mixed: $5 and then $y$ is math.',
      ]);
      assertNoMathOnLine(l, 0);
      assertNoMathOnLine(l, 1);
      assertNoMath(l, 2, 'Mixed: $5 and then ');
      assert.deepEqual(scopesOf(l, 2, 'y'), [MD, PARA, INLINE]);
    });

    test('an escaped \\$ is not a delimiter', () => {
      const l = tokenize(md, ['Escaped \\$x\\$ is text, but $q\\$r$ is math.', '\\$5 and \\$6', 'So \\$x$ stays text.']);
      assertNoMath(l, 0, 'Escaped \\$x\\$ is text, but ');
      assert.deepEqual(scopesOf(l, 0, '$', 3), [MD, PARA, INLINE, BEGIN]);
      assert.equal(innermost(l, 0, '\\$', 3), 'constant.character.escape.calcnotes');
      assert.deepEqual(scopesOf(l, 0, 'r'), [MD, PARA, INLINE]);
      assertNoMath(l, 0, ' is math.');
      assertNoMathOnLine(l, 1);
      assertNoMathOnLine(l, 2);
    });

    test('a line starting with inline math stays a Markdown paragraph', () => {
      const l = tokenize(md, ['$x$ is **bold** and `$c$` is code.']);
      assert.deepEqual(scopesOf(l, 0, '$'), [MD, PARA, INLINE, BEGIN]);
      assert.deepEqual(scopesOf(l, 0, 'bold'), [MD, PARA, 'markup.bold.markdown']);
      assertNoMath(l, 0, '$c$');
    });

    test('inline math does not run past the end of the line', () => {
      const l = tokenize(md, ['an open $x and', 'next $y$ line']);
      assertNoMathOnLine(l, 0);
      assertNoMath(l, 1, 'next ');
      assert.deepEqual(scopesOf(l, 1, 'y'), [MD, PARA, INLINE]);
    });
  });

  describe('display math', () => {
    test('$$…$$ spans lines', () => {
      const l = tokenize(md, ['We have', '$$', '\\frac{d}{dx} x^2 = 2x', '$$', 'after $y$ text']);
      assert.deepEqual(scopesOf(l, 1, '$$'), [MD, BLOCK, BEGIN]);
      assert.deepEqual(scopesOf(l, 2, '\\frac{d}{dx}'), [MD, BLOCK, DERIV]);
      assert.deepEqual(scopesOf(l, 2, '='), [MD, BLOCK, REL]);
      assert.deepEqual(scopesOf(l, 2, '2'), [MD, BLOCK, NUM]);
      assert.deepEqual(scopesOf(l, 2, ' x'), [MD, BLOCK]);
      assert.deepEqual(scopesOf(l, 3, '$$'), [MD, BLOCK, END]);
      assert.deepEqual(scopesOf(l, 4, 'after '), [MD, PARA]);
      assert.deepEqual(scopesOf(l, 4, 'y'), [MD, PARA, INLINE]);
    });

    test('$$…$$ on one line, also inside a paragraph', () => {
      const l = tokenize(md, ['$$\\ln x$$', 'so $$e^x$$ holds']);
      assert.deepEqual(scopesOf(l, 0, '$$'), [MD, BLOCK, BEGIN]);
      assert.deepEqual(scopesOf(l, 0, '\\ln'), [MD, BLOCK, FUNC]);
      assert.deepEqual(scopesOf(l, 0, '$$', 2), [MD, BLOCK, END]);
      assert.deepEqual(scopesOf(l, 1, '$$'), [MD, PARA, BLOCK, BEGIN]);
      assert.deepEqual(scopesOf(l, 1, ' holds'), [MD, PARA]);
    });

    test('\\[…\\] spans lines', () => {
      const l = tokenize(md, ['\\[', '  y = \\cos t', '\\]', 'text']);
      assert.deepEqual(scopesOf(l, 0, '\\['), [MD, BLOCK, BEGIN]);
      assert.deepEqual(scopesOf(l, 1, '\\cos'), [MD, BLOCK, FUNC]);
      assert.deepEqual(scopesOf(l, 2, '\\]'), [MD, BLOCK, END]);
      assertNoMathOnLine(l, 3);
    });

    test('bare \\begin{…}…\\end{…} environments span lines', () => {
      const l = tokenize(md, ['\\begin{align*}', "f'(x) &= 2x \\\\", '\\end{align*}', '\\begin{equation}', 'x', '\\end{equation}', 'x']);
      assert.deepEqual(scopesOf(l, 0, '\\begin'), [MD, BLOCK, BEGIN, 'keyword.control.environment.calcnotes']);
      assert.deepEqual(scopesOf(l, 0, 'align*'), [MD, BLOCK, BEGIN, 'entity.name.type.environment.calcnotes']);
      assert.deepEqual(scopesOf(l, 1, "f'"), [MD, BLOCK, DERIV]);
      assert.deepEqual(scopesOf(l, 1, '&'), [MD, BLOCK, 'keyword.operator.alignment.calcnotes']);
      assert.deepEqual(scopesOf(l, 2, '\\end'), [MD, BLOCK, END, 'keyword.control.environment.calcnotes']);
      assert.deepEqual(scopesOf(l, 4, 'x'), [MD, BLOCK]);
      assert.deepEqual(scopesOf(l, 5, '}'), [MD, BLOCK, END, 'punctuation.section.braces.end.calcnotes']);
      assertNoMathOnLine(l, 6);
    });

    test('an unclosed $$ ends at a blank line', () => {
      const l = tokenize(md, ['$$', 'x = 1', '', 'Plain text after.', '$y$']);
      assert.deepEqual(scopesOf(l, 1, 'x'), [MD, BLOCK]);
      assertNoMathOnLine(l, 3);
      assert.deepEqual(scopesOf(l, 4, 'y'), [MD, PARA, INLINE]);
    });

    test('```math fences are display math', () => {
      const l = tokenize(md, ['```math', '\\frac{d}{dx} e^x = e^x', '```', 'after']);
      assert.deepEqual(scopesOf(l, 0, '```'), [MD, BLOCK, BEGIN]);
      assert.deepEqual(scopesOf(l, 1, '\\frac{d}{dx}'), [MD, BLOCK, DERIV]);
      assert.deepEqual(scopesOf(l, 2, '```'), [MD, BLOCK, END]);
      assertNoMathOnLine(l, 3);
    });
  });

  describe('inside math', () => {
    const doc = [
      '$\\frac{d}{dx} \\sin x + \\frac{\\partial}{\\partial x} u + \\frac{dy}{dx} + \\frac{d^2 y}{dx^2}$',
      "$\\partial f + \\nabla g + D_x h + f'(x) + f''(x) + dy/dx + \\frac{\\partial^2 f}{\\partial x\\,\\partial y}$",
      '$\\frac{p}{q} + D_{KL} + x^{(i)} + \\sin\\cos\\ln\\log\\exp\\sqrt{x}$',
      '$3.14 = 2 \\approx 1 \\le 7 \\neq 0 < 1 + 2 \\cdot 3 \\alpha \\mathbb{R} \\{ \\} \\operatorname{ReLU}(x)$',
    ];
    let l: Line[];
    before(() => {
      l = tokenize(md, doc);
    });

    test('derivative operators get the derivative scope, as whole tokens', () => {
      const cases: Array<[number, string]> = [
        [0, '\\frac{d}{dx}'],
        [0, '\\frac{\\partial}{\\partial x}'],
        [0, '\\frac{dy}{dx}'],
        [0, '\\frac{d^2 y}{dx^2}'],
        [1, '\\partial'],
        [1, '\\nabla'],
        [1, 'D_x'],
        [1, "f'"],
        [1, "f''"],
        [1, 'dy/dx'],
        [1, '\\frac{\\partial^2 f}{\\partial x\\,\\partial y}'],
      ];
      for (const [row, needle] of cases) {
        assert.deepEqual(scopesOf(l, row, needle), [MD, PARA, INLINE, DERIV], needle);
      }
    });

    test('look-alikes are not derivatives', () => {
      assert.equal(innermost(l, 2, '\\frac'), FUNC);
      assert.equal(innermost(l, 2, 'p'), INLINE);
      assert.equal(innermost(l, 2, 'q'), INLINE);
      assert.equal(innermost(l, 2, 'D'), INLINE);
      assert.equal(innermost(l, 2, 'KL'), INLINE);
      assert.equal(innermost(l, 2, 'i'), INLINE);
    });

    test('known functions', () => {
      for (const f of ['\\sin', '\\cos', '\\ln', '\\log', '\\exp', '\\sqrt']) {
        assert.deepEqual(scopesOf(l, 2, f), [MD, PARA, INLINE, FUNC], f);
      }
      assert.equal(innermost(l, 0, '\\sin'), FUNC);
      assert.equal(innermost(l, 3, '\\operatorname{ReLU}'), FUNC);
    });

    test('numbers, relations, operators, commands and braces', () => {
      assert.equal(innermost(l, 3, '3.14'), NUM);
      assert.equal(innermost(l, 3, '2'), NUM);
      for (const r of ['=', '\\approx', '\\le', '\\neq', '<']) assert.equal(innermost(l, 3, r), REL, r);
      assert.equal(innermost(l, 3, '+'), 'keyword.operator.arithmetic.calcnotes');
      assert.equal(innermost(l, 3, '\\cdot'), 'keyword.operator.arithmetic.calcnotes');
      assert.equal(innermost(l, 3, '\\alpha'), 'variable.other.greek.calcnotes');
      assert.equal(innermost(l, 3, '\\mathbb'), 'keyword.control.command.calcnotes');
      assert.equal(innermost(l, 3, '{'), 'punctuation.section.braces.begin.calcnotes');
      assert.equal(innermost(l, 3, '}'), 'punctuation.section.braces.end.calcnotes');
      assert.equal(innermost(l, 3, '\\{'), 'constant.character.escape.calcnotes');
      assert.equal(innermost(l, 3, '('), 'punctuation.section.parens.begin.calcnotes');
    });
  });

  describe('code is never math', () => {
    test('fenced code blocks', () => {
      const l = tokenize(md, ['```', '$x$ and $$y$$ and \\(z\\)', '```', '```python', 'cost = "$5" + f"$x$"', '$$', '```', 'then $w$']);
      for (const row of [1, 4, 5]) assertNoMathOnLine(l, row);
      assert.ok(scopesOf(l, 1, 'x').includes('markup.fenced_code.block.markdown'));
      assert.deepEqual(scopesOf(l, 7, 'w'), [MD, PARA, INLINE]);
    });

    test('inline code', () => {
      const l = tokenize(md, ['Use `$x$` or ``\\(y\\)`` then $z$.', '`a $b` $c$ d`']);
      assert.deepEqual(scopesOf(l, 0, '$x$'), [MD, PARA, 'markup.inline.raw.string.markdown']);
      assertNoMath(l, 0, '\\(y\\)');
      assert.deepEqual(scopesOf(l, 0, 'z'), [MD, PARA, INLINE]);
      assertNoMath(l, 1, '`a $b`');
      assert.deepEqual(scopesOf(l, 1, 'c'), [MD, PARA, INLINE]);
      assertNoMath(l, 1, ' d`');
    });

    test('indented code and HTML comments', () => {
      const l = tokenize(md, ['Para.', '', '    $x$ = \\(y\\)', '', '<!-- $a$ -->', 'Text <!-- $b$ --> and $c$']);
      assertNoMathOnLine(l, 2);
      assertNoMathOnLine(l, 4);
      assertNoMath(l, 5, 'Text <!-- $b$ --> and ');
      assert.ok(scopesOf(l, 5, 'c').includes(INLINE));
    });
  });

  describe('lists, block quotes and headings', () => {
    test('a list item starting with math keeps its Markdown', () => {
      const l = tokenize(md, ["- $f'(x) = 2x$ by the **power** rule, see `$c$`", '- $y$']);
      assert.ok(scopesOf(l, 0, '$').includes(BEGIN));
      assert.equal(innermost(l, 0, "f'"), DERIV);
      const bold = scopesOf(l, 0, 'power');
      assert.ok(bold.includes('markup.bold.markdown') && bold.includes(PARA), bold.join(' '));
      assert.ok(!bold.includes(INLINE));
      assertNoMath(l, 0, '$c$');
      assert.ok(scopesOf(l, 1, 'y').includes(INLINE));
    });

    test('display math inside a list item and a block quote', () => {
      const l = tokenize(md, ['- Then', '  $$', '  \\frac{dy}{dx} = 1', '  $$', '', '> $$', '> \\nabla f', '>', '> text']);
      assert.ok(scopesOf(l, 1, '$$').includes(BEGIN));
      assert.equal(innermost(l, 2, '\\frac{dy}{dx}'), DERIV);
      assert.ok(scopesOf(l, 3, '$$').includes(END));
      assert.ok(scopesOf(l, 5, '$$').includes(BEGIN));
      assert.equal(innermost(l, 6, '\\nabla'), DERIV);
      assertNoMath(l, 8, 'text');
    });

    test('math in a heading', () => {
      const l = tokenize(md, ['## The derivative of $\\ln x$']);
      assert.deepEqual(scopesOf(l, 0, '\\ln'), [MD, 'markup.heading.markdown', 'entity.name.section.markdown', INLINE, FUNC]);
    });
  });

  describe("beside VS Code's built-in Markdown Math grammar", () => {
    test('content of math claimed by the built-in grammar still gets calcnotes scopes', () => {
      const l = tokenize(mdWithBuiltin, ["Slope $\\frac{d}{dx} x^2 = 2x$ and $$f'(x)$$ and \\(D_x u\\)."]);
      assert.deepEqual(scopesOf(l, 0, '$'), [MD, PARA, 'markup.math.inline.markdown', 'punctuation.definition.math.begin.markdown']);
      assert.deepEqual(scopesOf(l, 0, '\\frac{d}{dx}'), [
        MD,
        PARA,
        'markup.math.inline.markdown',
        'meta.embedded.math.markdown',
        INLINE,
        DERIV,
      ]);
      assert.equal(innermost(l, 0, '='), REL);
      assert.deepEqual(scopesOf(l, 0, '$', 2), [MD, PARA, 'markup.math.inline.markdown', 'punctuation.definition.math.end.markdown']);
      assert.equal(innermost(l, 0, "f'"), DERIV);
      assert.deepEqual(scopesOf(l, 0, '$$', 2), [MD, PARA, 'markup.math.inline.markdown', 'punctuation.definition.math.end.markdown']);
      assert.equal(innermost(l, 0, 'D_x'), DERIV);
      assert.deepEqual(scopesOf(l, 0, '\\)'), [MD, PARA, INLINE, END]);
      assert.deepEqual(scopesOf(l, 0, ' and ', 2), [MD, PARA]);
    });
  });
});
