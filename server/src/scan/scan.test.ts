import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { scanMath, scanUnguarded } from './scan';
import { LineMap } from './lines';
import { showsAs } from './entities';
import { countProseWords, findInlineRuns, looksLikeFormula } from './bare';
import { MathFragment, ScanOptions, ScanResult } from './types';

// ---------------------------------------------------------------------------------------------------------
// helpers

function md(text: string, extra: Partial<ScanOptions> = {}): ScanResult {
  const r = scanUnguarded(text, { mode: 'markdown', ...extra });
  checkInvariants(text, r);
  return r;
}

function txt(text: string, extra: Partial<ScanOptions> = {}): ScanResult {
  const r = scanUnguarded(text, { mode: 'text', ...extra });
  checkInvariants(text, r);
  return r;
}

function latexes(r: ScanResult): string[] {
  return r.fragments.map((f) => f.latex);
}

/** Offset of the n-th occurrence of `needle` in `text` (fails the test when absent). */
function at(text: string, needle: string, n = 0): number {
  let i = -1;
  for (let k = 0; k <= n; k++) {
    i = text.indexOf(needle, i + 1);
    assert.notEqual(i, -1, `"${needle}" #${n} not in text`);
  }
  return i;
}

function pick(f: MathFragment): Pick<MathFragment, 'latex' | 'start' | 'end' | 'outerStart' | 'outerEnd' | 'delimiter' | 'display'> {
  return {
    latex: f.latex,
    start: f.start,
    end: f.end,
    outerStart: f.outerStart,
    outerEnd: f.outerEnd,
    delimiter: f.delimiter,
    display: f.display,
  };
}

function checkInvariants(text: string, r: ScanResult): void {
  let prevEnd = 0;
  let prevSentence = -1;
  for (const f of r.fragments) {
    assert.ok(showsAs(text.slice(f.start, f.end), f.latex), 'latex === slice (HTML references decoded in place)');
    assert.ok(0 <= f.outerStart && f.outerStart <= f.start && f.start < f.end && f.end <= f.outerEnd && f.outerEnd <= text.length, `ranges in bounds: ${JSON.stringify(pick(f))}`);
    assert.ok(f.outerStart >= prevEnd, 'ordered, non-overlapping');
    prevEnd = f.outerEnd;
    assert.ok(f.sentence >= prevSentence && f.sentence <= prevSentence + 1, 'sentences dense and in order');
    prevSentence = f.sentence;
    assert.ok(f.proseBefore.length <= 400 && f.proseAfter.length <= 400, 'prose bounded');
    if (f.delimiter === 'bare' || f.delimiter === 'bare-inline' || f.delimiter === 'env') {
      assert.equal(f.outerStart, f.start);
      assert.equal(f.outerEnd, f.end);
    }
    assert.equal(typeof f.disabled, 'boolean');
  }
}

// ---------------------------------------------------------------------------------------------------------

describe('LineMap', () => {
  test('positions and offsets with \\n and \\r\\n', () => {
    const text = 'ab\r\ncd\nef';
    const m = new LineMap(text);
    assert.equal(m.lineCount, 3);
    assert.deepEqual(m.positionAt(0), { line: 0, character: 0 });
    assert.deepEqual(m.positionAt(2), { line: 0, character: 2 });
    assert.deepEqual(m.positionAt(3), { line: 0, character: 2 }, 'inside \\r\\n maps to the line end');
    assert.deepEqual(m.positionAt(4), { line: 1, character: 0 });
    assert.deepEqual(m.positionAt(6), { line: 1, character: 2 });
    assert.deepEqual(m.positionAt(7), { line: 2, character: 0 });
    assert.deepEqual(m.positionAt(9), { line: 2, character: 2 });
    assert.deepEqual(m.positionAt(99), { line: 2, character: 2 }, 'clamped past the end');
    assert.deepEqual(m.positionAt(-5), { line: 0, character: 0 }, 'clamped before the start');
    assert.equal(m.offsetAt({ line: 1, character: 1 }), 5);
    assert.equal(m.offsetAt({ line: 0, character: 10 }), 2, 'character past the line end → line end (before \\r\\n)');
    assert.equal(m.offsetAt({ line: 7, character: 0 }), text.length);
    assert.equal(m.offsetAt({ line: -1, character: 3 }), 0);
    assert.equal(m.lineText(0), 'ab');
    assert.equal(m.lineEnd(0), 2);
    assert.equal(m.lineStart(2), 7);
  });

  test('round trip for every offset, UTF-16 characters', () => {
    const text = 'a😀b\r\n\r\n$x$ é\n\nlast';
    const m = new LineMap(text);
    for (let off = 0; off <= text.length; off++) {
      const p = m.positionAt(off);
      const back = m.offsetAt(p);
      if (text[off - 1] === '\r' && text[off] === '\n') assert.equal(back, off - 1);
      else assert.equal(back, off, `offset ${off}`);
    }
    assert.deepEqual(m.positionAt(text.indexOf('b')), { line: 0, character: 3 }, 'the emoji counts as two code units');
  });

  test('empty text and trailing newline', () => {
    const m = new LineMap('');
    assert.equal(m.lineCount, 1);
    assert.deepEqual(m.positionAt(0), { line: 0, character: 0 });
    const m2 = new LineMap('x\n');
    assert.equal(m2.lineCount, 2);
    assert.deepEqual(m2.positionAt(2), { line: 1, character: 0 });
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('delimited math', () => {
  test('inline $…$ with exact ranges', () => {
    const text = 'Let $x^2$ be given.';
    const r = md(text);
    assert.equal(r.fragments.length, 1);
    assert.deepEqual(pick(r.fragments[0]), { latex: 'x^2', start: 5, end: 8, outerStart: 4, outerEnd: 9, delimiter: '$', display: false });
    assert.equal(r.fragments[0].disabled, false);
    assert.deepEqual(r.directives, {});
  });

  test('pandoc dollar rules', () => {
    const pd = (t: string) => latexes(md(t, { dollarDialect: 'pandoc' }));
    assert.deepEqual(pd('costs $5 and $6 today'), []);
    assert.deepEqual(pd('costs $20,000 and $30,000.'), []);
    assert.deepEqual(pd('a $ x$ b'), [], 'opening $ followed by a space');
    assert.deepEqual(pd('a $x $ b'), [], 'closing $ preceded by a space');
    assert.deepEqual(pd('a $x$5 b'), [], 'closing $ followed by a digit');
    assert.deepEqual(pd('a $x$, and $y$.'), ['x', 'y']);
    assert.deepEqual(pd('a $x $ and y$ b'), ['x $ and y'], 'a rejected closer does not stop the search');
    assert.deepEqual(pd('a$x$b'), ['x'], 'letters may touch the dollars');
    assert.deepEqual(pd('see $\nx^2$'), [], 'a line break after the opening $');
    assert.deepEqual(latexes(txt('costs $5 and $6 today')), []);
    assert.deepEqual(latexes(txt('a $ x $ b')), [], 'plain text reads dollars the pandoc way (no preview renders it)');
  });

  test('VS Code preview dollar rules (the default in Markdown)', () => {
    // What markdown-it's KaTeX plugin in VS Code's preview renders as math, and what it leaves as text.
    assert.deepEqual(latexes(md('costs $5 and $6 today')), [], 'money stays prose');
    assert.deepEqual(latexes(md('costs $20,000 and $30,000.')), []);
    assert.deepEqual(latexes(md('a $ x^2 $ b')), [' x^2 '], 'spaces inside the dollars are allowed');
    assert.deepEqual(latexes(md('see $\nx^2$ here')), ['\nx^2'], 'a line break after the opening $');
    assert.deepEqual(latexes(md('a $x$5 b')), [], 'closing $ followed by a digit: no math');
    assert.deepEqual(latexes(md('a $x$b c')), [], 'closing $ followed by a letter: no math');
    assert.deepEqual(latexes(md('2$x$ c')), [], 'opening $ after a digit: no math');
    assert.deepEqual(latexes(md('($x$), $y$.')), ['x', 'y'], 'punctuation may touch the dollars');
    assert.deepEqual(latexes(md('a $x $ and y$ b')), ['x '], 'the next $ closes');
    assert.deepEqual(latexes(md('a $5 and $x$ b')), ['x'], 'a $ that cannot close leaves its opener as text');
    assert.deepEqual(latexes(md('\\$x$ b')), [], 'a $ after a backslash does not open');
    const r = md('we get $$u = v$$ inline');
    assert.deepEqual(r.fragments.map((f) => [f.latex, f.display]), [['u = v', true]], '$$ inline is display math');
    assert.deepEqual(latexes(md('a $$$x$$ b')), [], 'three dollars open nothing');
  });

  test('GitHub dollar rules', () => {
    const gh = (t: string) => latexes(md(t, { dollarDialect: 'github' }));
    assert.deepEqual(gh('costs $5 and $6 today'), []);
    assert.deepEqual(gh('a $x$, and $y$ b'), ['x', 'y']);
    assert.deepEqual(gh('a $ x$ b'), [], 'opening $ followed by a space');
    assert.deepEqual(gh('a ($x$) b'), [], 'opening $ after a bracket');
    assert.deepEqual(gh('a $x$b c'), [], 'closing $ followed by a letter');
    assert.deepEqual(gh('so $a +\nb$ ok'), [], 'inline math stays on its line');
    assert.deepEqual(gh('| $x$ | $y$ |\n|---|---|\n| $1$ | $2$ |'), ['x', 'y', '1', '2'], 'a cell start opens');
  });

  test('inline $ does not span a blank line but may span a line break', () => {
    assert.deepEqual(latexes(md('$a\n\nb$')), []);
    assert.deepEqual(latexes(md('$a\n  \nb$')), [], 'white-space-only line is blank');
    const r = md('so $a +\nb$ ok');
    assert.deepEqual(latexes(r), ['a +\nb']);
  });

  test('$$ display spanning lines, with $C$ inside', () => {
    const text = 'We have\n$$\n\\int f = F + C \\textrm{for any constant $C$}\n$$\nfor all x.';
    const r = md(text);
    assert.equal(r.fragments.length, 1);
    const f = r.fragments[0];
    assert.deepEqual(pick(f), {
      latex: '\n\\int f = F + C \\textrm{for any constant $C$}\n',
      start: 10,
      end: 56,
      outerStart: 8,
      outerEnd: 58,
      delimiter: '$$',
      display: true,
    });
  });

  test('$$ does not span a blank line (pandoc), a $$ block starting a line does (VS Code)', () => {
    const pd = (t: string) => latexes(md(t, { dollarDialect: 'pandoc' }));
    assert.deepEqual(pd('$$ a\n\nb $$'), []);
    assert.deepEqual(pd('$$ a\n\nthen $b$ and $$c$$'), ['b', 'c'], 'the unclosed $$ is plain text');
    assert.deepEqual(latexes(md('$$\na = 1\n\nb = 2\n$$\n')), ['\na = 1\n\nb = 2\n'], 'the block holds the blank line');
    assert.deepEqual(latexes(md('so $$ a\n\nb$$ c')), [], 'a $$ inside a paragraph stops at the blank line');
    assert.deepEqual(latexes(md('$$\na = 1\n\nthe end')), [], 'an unclosed block is no math');
  });

  test('\\(…\\) and \\[…\\] with exact ranges', () => {
    const text = 'Take \\(f(x)\\) and\n\\[\n  y = 2x\n\\]\nnow.';
    const r = md(text);
    assert.deepEqual(r.fragments.map(pick), [
      { latex: 'f(x)', start: 7, end: 11, outerStart: 5, outerEnd: 13, delimiter: '\\(', display: false },
      { latex: '\n  y = 2x\n', start: 20, end: 30, outerStart: 18, outerEnd: 32, delimiter: '\\[', display: true },
    ]);
  });

  test('\\[ … \\\\ … \\] keeps the LaTeX line break inside', () => {
    const text = '\\[y=f(u), \\text{and }~ u = g(x)\\\\ \\frac{dy}{dx} = f\'(u)\\]';
    const r = txt(text);
    assert.equal(r.fragments.length, 1);
    assert.equal(r.fragments[0].latex, text.slice(2, -2));
    assert.equal(r.fragments[0].outerEnd, text.length);
  });

  test('Markdown-escaped \\\\( … \\\\) (kramdown/MathJax style)', () => {
    const text = 'product \\\\(f(x,y) = x y\\\\). Also \\\\[a = b\\\\]';
    const r = md(text);
    assert.deepEqual(r.fragments.map(pick), [
      { latex: 'f(x,y) = x y', start: 11, end: 23, outerStart: 8, outerEnd: 26, delimiter: '\\(', display: false },
      { latex: 'a = b', start: at(text, 'a = b'), end: at(text, 'a = b') + 5, outerStart: at(text, '\\\\['), outerEnd: text.length, delimiter: '\\[', display: true },
    ]);
  });

  test('GitHub $`…`$ inline math', () => {
    const text = 'see $`x^2`$ here';
    const r = md(text);
    assert.deepEqual(r.fragments.map(pick), [{ latex: 'x^2', start: 6, end: 9, outerStart: 4, outerEnd: 11, delimiter: '$', display: false }]);
  });

  test('bare environments include \\begin…\\end', () => {
    const text = 'Then\n\\begin{align*}\na &= b \\\\\nc &= d\n\\end{align*}\nholds.';
    const r = md(text);
    assert.equal(r.fragments.length, 1);
    const s = at(text, '\\begin');
    const e = at(text, '\\end{align*}') + '\\end{align*}'.length;
    assert.deepEqual(pick(r.fragments[0]), { latex: text.slice(s, e), start: s, end: e, outerStart: s, outerEnd: e, delimiter: 'env', display: true });
    assert.ok(r.fragments[0].latex.startsWith('\\begin{align*}') && r.fragments[0].latex.endsWith('\\end{align*}'));
  });

  test('environments: nesting, all names, not inside $$, matrices alone are not math', () => {
    const nested = '\\begin{equation}\\begin{aligned} a &= b \\end{aligned}\\end{equation}';
    assert.deepEqual(latexes(md(nested)), [nested]);
    for (const env of ['equation', 'equation*', 'align', 'aligned', 'gather', 'gather*', 'multline', 'eqnarray']) {
      const t = `x\n\\begin{${env}} a = b \\end{${env}}\n`;
      const r = md(t);
      assert.deepEqual(latexes(r), [`\\begin{${env}} a = b \\end{${env}}`], env);
      assert.equal(r.fragments[0].delimiter, 'env');
    }
    const inDollars = '$$\n\\begin{aligned} a &= b \\end{aligned}\n$$';
    const r = md(inDollars);
    assert.equal(r.fragments.length, 1);
    assert.equal(r.fragments[0].delimiter, '$$');
    assert.equal(r.fragments[0].latex, '\n\\begin{aligned} a &= b \\end{aligned}\n');
    assert.deepEqual(latexes(md('a \\begin{bmatrix} 1 \\end{bmatrix} b', { bareFormulas: false })), []);
    assert.deepEqual(latexes(md('\\begin{align} a = b', { bareFormulas: false })), [], 'unclosed environment');
    assert.deepEqual(latexes(md('\\begin{align} a \\end{gather}', { bareFormulas: false })), [], 'mismatched environment');
  });

  test('```math and ~~~math fences', () => {
    const text = 'Intro\n\n```math\nf(x) = x^2\n\\quad g = 1\n```\n\n~~~ math\ny = 3\n~~~\n';
    const r = md(text);
    const body1 = 'f(x) = x^2\n\\quad g = 1';
    assert.deepEqual(r.fragments.map(pick), [
      { latex: body1, start: at(text, 'f(x)'), end: at(text, 'f(x)') + body1.length, outerStart: at(text, '```math'), outerEnd: at(text, '```\n\n~~~') + 3, delimiter: 'math-fence', display: true },
      { latex: 'y = 3', start: at(text, 'y = 3'), end: at(text, 'y = 3') + 5, outerStart: at(text, '~~~ math'), outerEnd: text.length - 1, delimiter: 'math-fence', display: true },
    ]);
  });

  test('code fences, code spans and comments are skipped', () => {
    const text = [
      'Before $a$.',
      '',
      '```python',
      'x = "$b$"  # \\(c\\)',
      '```',
      '',
      '```{.python .input}',
      '$d$',
      '```',
      '',
      '~~~',
      '$e$',
      '~~~',
      '',
      'Inline `$f$` and ``a ` $g$`` code, <!-- $h$ --> comment, then $i$.',
      '',
      '<!--',
      '$$ j $$',
      '',
      '\\[ k \\]',
      '-->',
      '',
      'Escaped \\$5 and \\$6 and $l$.',
    ].join('\n');
    assert.deepEqual(latexes(md(text)), ['a', 'i', 'l']);
    assert.deepEqual(latexes(txt(text)), ['a', 'i', 'l'], 'text mode skips fences, code spans and comments too');
  });

  test('unclosed code fence runs to the end of the document', () => {
    assert.deepEqual(latexes(md('$a$\n\n```\n$b$\n\n$c$\n')), ['a']);
    assert.deepEqual(latexes(md('$a$\n\n```math\nx = 1\n')), ['a'], 'an unclosed math fence is no fragment');
  });

  test('indented code blocks (Markdown only)', () => {
    const text = 'Para $a$.\n\n    $b$ is code\n    $c$\n\nback $d$.\n';
    assert.deepEqual(latexes(md(text)), ['a', 'd']);
    assert.deepEqual(latexes(txt(text)), ['a', 'b', 'c', 'd'], 'no indented code in plain text');
    assert.deepEqual(latexes(md('\t$x$ tab-indented\n')), [], 'a tab indents as much as 4 spaces');
    assert.deepEqual(latexes(md('Para\n    $x$ lazily continues\n')), ['x'], 'cannot interrupt a paragraph');
    assert.deepEqual(latexes(md('- item $a$\n\n    continued $b$\n')), ['a', 'b'], 'continues a list item');
    assert.deepEqual(latexes(md('1. item\n\n   text $b$\n\n       $c$ code in the item\n')), ['b'], 'code inside a list item');
  });

  test('unclosed delimiters are not math and do not throw', () => {
    for (const t of ['$x', '$$x', '\\(x', '\\[x', '`$x$', '<!-- $x$', 'x$', '$', '$$', '\\', '\\[', '```', '$`x`']) {
      const r = md(t);
      if (t === '`$x$' || t === '<!-- $x$') assert.deepEqual(latexes(r), ['x'], t);
      else assert.deepEqual(latexes(r), [], t);
      txt(t);
    }
    assert.deepEqual(latexes(md('$$$$ and $$ $$')), [], 'empty display math is no fragment');
  });

  test('front matter is not scanned', () => {
    const text = '---\ntitle: $x$\nkernel_spec: a_b\n---\n\n$y$\n';
    assert.deepEqual(latexes(md(text)), ['y']);
  });

  test('HTML character references in Markdown math read as the page shows them, offsets kept', () => {
    const text = 'So $a &lt; b$ and $$\\begin{pmatrix} 1 &amp; 2 \\\\ 3 &#38; 4 \\end{pmatrix}$$ and $x&gt;0$.';
    const r = md(text);
    assert.deepEqual(latexes(r), ['a <    b', '\\begin{pmatrix} 1 &     2 \\\\ 3 &     4 \\end{pmatrix}', 'x>   0']);
    for (const f of r.fragments) assert.equal(f.latex.length, f.end - f.start);
    // The `<` stands where `&lt;` starts in the note.
    const lt = r.fragments[0];
    assert.equal(lt.start + lt.latex.indexOf('<'), at(text, '&lt;'));
    // A no-break space is a space; an unknown name or a control character stays as written.
    assert.deepEqual(latexes(md('$a&nbsp;b$ $c &foo; d$ $e &#7; f$')), ['a      b', 'c &foo; d', 'e &#7; f']);
  });

  test('HTML character references stay as written in plain text and in ```math fences', () => {
    assert.deepEqual(latexes(txt('So $a &lt; b$ here.')), ['a &lt; b']);
    assert.deepEqual(latexes(md('```math\nx &amp; y\n```\n')), ['x &amp; y']);
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('comments: disable and directives', () => {
  test('disable … enable region', () => {
    const text = '$a$\n<!-- calcnotes-disable -->\n$b$ and $$c$$\n<!-- calcnotes-enable -->\n$d$\n';
    const r = md(text);
    assert.deepEqual(latexes(r), ['a', 'b', 'c', 'd']);
    assert.deepEqual(r.fragments.map((f) => f.disabled), [false, true, true, false]);
  });

  test('unterminated disable runs to the end', () => {
    const r = md('$a$\n\n<!-- calcnotes-disable -->\n\n$b$\n\n$c$');
    assert.deepEqual(r.fragments.map((f) => f.disabled), [false, true, true]);
  });

  test('disable-next-line skips blank lines and affects one line only', () => {
    const text = '$a$\n<!-- calcnotes-disable-next-line -->\n\n   \n$b$ $c$\n$d$\n';
    const r = md(text);
    assert.deepEqual(latexes(r), ['a', 'b', 'c', 'd']);
    assert.deepEqual(r.fragments.map((f) => f.disabled), [false, true, true, false]);
  });

  test('disable-next-line before a bare formula in text mode, with CRLF', () => {
    const text = 'x = 1\r\n<!-- calcnotes-disable-next-line -->\r\ny = 2\r\nz = 3\r\n';
    const r = txt(text);
    assert.deepEqual(latexes(r), ['x = 1', 'y = 2', 'z = 3']);
    assert.deepEqual(r.fragments.map((f) => f.disabled), [false, true, false]);
  });

  test('directives', () => {
    const text = '<!-- calcnotes: layout=numerator  vars="x y" -->\nText $a$ <!-- calcnotes: strict=false layout=denominator -->\n';
    const r = md(text);
    assert.deepEqual(r.directives, { layout: 'denominator', vars: 'x y', strict: 'false' });
    assert.deepEqual(latexes(r), ['a']);
    assert.equal(r.fragments[0].disabled, false);
  });

  test('directives and disable comments inside code are ignored', () => {
    const text = '```\n<!-- calcnotes: a=1 -->\n<!-- calcnotes-disable -->\n```\n\n`<!-- calcnotes-disable -->` $x$';
    const r = md(text);
    assert.deepEqual(r.directives, {});
    assert.deepEqual(r.fragments.map((f) => [f.latex, f.disabled]), [['x', false]]);
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('sentences', () => {
  test('display math does not end the sentence', () => {
    const text = 'Hence we have\n$$\nf(x) > 0\n$$\nfor all x > 0. Next one.';
    const r = md(text);
    assert.equal(r.fragments.length, 1);
    const f = r.fragments[0];
    assert.equal(f.sentence, 0);
    assert.equal(f.proseBefore, 'Hence we have\n');
    assert.equal(f.proseAfter, '\nfor all x > 0.');
  });

  test('sentence indexes and prose', () => {
    const text = 'Let $a$ be real and $b > 0$. Then $c$ is e.g. $d$! Is $e$ ok? Yes.';
    const r = md(text);
    assert.deepEqual(r.fragments.map((f) => [f.latex, f.sentence]), [
      ['a', 0],
      ['b > 0', 0],
      ['c', 1],
      ['d', 1],
      ['e', 2],
    ]);
    assert.equal(r.fragments[0].proseBefore, 'Let ');
    assert.equal(r.fragments[0].proseAfter, ' be real and $b > 0$.');
    assert.equal(r.fragments[1].proseBefore, 'Let $a$ be real and ');
    assert.equal(r.fragments[1].proseAfter, '.');
    assert.equal(r.fragments[3].proseBefore, 'Then $c$ is e.g. ');
    assert.equal(r.fragments[3].proseAfter, '!');
    assert.equal(r.fragments[4].proseBefore, 'Is ');
    assert.equal(r.fragments[4].proseAfter, ' ok?');
  });

  test('a period inside math is not a sentence end', () => {
    const r = md('Values $a. b$ and $c.$ Then $d$ too.');
    assert.deepEqual(r.fragments.map((f) => f.sentence), [0, 0, 0]);
  });

  test('blank lines, headings, list items and code fences end sentences', () => {
    const text = [
      'First $a$',
      '',
      'second $b$',
      '# Heading $c$',
      'third $d$',
      '- item $e$',
      '- item $f$',
      '```',
      'code',
      '```',
      'after $g$',
    ].join('\n');
    const r = md(text);
    assert.deepEqual(latexes(r), ['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    assert.deepEqual(r.fragments.map((f) => f.sentence), [0, 1, 2, 3, 4, 5, 6]);
    assert.equal(r.fragments[2].proseBefore, 'Heading ');
    assert.equal(r.fragments[2].proseAfter, '');
    assert.equal(r.fragments[3].proseBefore, 'third ');
    assert.equal(r.fragments[3].proseAfter, '', 'the next list bullet is not part of the sentence');
    assert.equal(r.fragments[4].proseBefore, 'item ');
    assert.equal(r.fragments[6].proseBefore, 'after ');
  });

  test('a math fence is display math: it does not end the sentence', () => {
    const text = 'We have\n```math\nx^2 \\ge 0\n```\nfor all real x. Done.';
    const f = md(text).fragments[0];
    assert.equal(f.delimiter, 'math-fence');
    assert.equal(f.proseBefore, 'We have\n');
    assert.equal(f.proseAfter, '\nfor all real x.');
  });

  test('block-quote markers are not part of the sentence start', () => {
    const f = md('> Let $x$ be.\n> More.').fragments[0];
    assert.equal(f.proseBefore, 'Let ');
    assert.equal(f.proseAfter, ' be.');
  });

  test('a list-looking line inside $$ does not split the sentence', () => {
    const text = 'We get\n$$\na\n- b\n$$\nas claimed.';
    const r = md(text);
    assert.equal(r.fragments.length, 1);
    assert.equal(r.fragments[0].proseBefore, 'We get\n');
    assert.equal(r.fragments[0].proseAfter, '\nas claimed.');
  });

  test('prose is bounded to the nearest 400 characters', () => {
    const long = 'word '.repeat(300);
    const text = `Start ${long}$x$ ${long}end.`;
    const f = md(text).fragments[0];
    assert.ok(f.proseBefore.length <= 400 && f.proseBefore.length > 300);
    assert.ok(text.slice(0, f.outerStart).endsWith(f.proseBefore));
    assert.ok(f.proseAfter.length <= 400 && f.proseAfter.length > 300);
    assert.ok(text.slice(f.outerEnd).startsWith(f.proseAfter));
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('bare formulas: whole lines', () => {
  const lines = [
    "(f/g)' = (f'g + fg')/g^2",
    'H_{ij} = \\frac{\\partial^2 f}{\\partial x_i x_j}',
    '\\frac{dX}{dX} = I',
    '= 6x^5 \\cdot 1/{2x}',
    '= 3x^4',
    "(a^{bx})' = a^{bx} \\cdot b\\log(a)",
    '\\frac{dy}{dx} = \\frac{dy}{dz} \\cdot \\frac{dz}{dx}',
    'softmax(z)_i = e^{z_i} / \\sum_j e^{z_j}',
    'f(x) = x^2 if x > 0',
    'loss = -\\log p',
  ];
  for (const line of lines) {
    test(`formula line: ${line}`, () => {
      const text = `Title\n\n${line}\n\nMore prose here.`;
      for (const r of [txt(text), md(text)]) {
        assert.deepEqual(r.fragments.map(pick), [
          { latex: line, start: 7, end: 7 + line.length, outerStart: 7, outerEnd: 7 + line.length, delimiter: 'bare', display: true },
        ]);
        assert.equal(r.fragments[0].proseBefore, '');
        assert.equal(r.fragments[0].proseAfter, '');
      }
    });
  }

  const notFormulas = [
    'the learning rate = 0.01 worked best',
    'Let f:\\mathbb{R}^n \\rightarrow \\mathbb{R} be a function mapping vectors onto real numbers.',
    'Then do \\partial y/\\partial z',
    'https://d2l.ai/chapter_optimization/convexity.html',
    'x = np.arange(0, 3, 0.1)',
    'x.grad == 4 * x',
    'for i in range(10): total += i',
    '<a name="grad"></a>',
    '=====',
    'Sum rule',
    'In general dy/dx is the inverse of dx/dy.',
    '+++ {"id": "a_b"}',
  ];
  for (const line of notFormulas) {
    test(`not a formula line: ${line}`, () => {
      const text = `Title\n\n${line}\n\nMore prose here.`;
      assert.ok(!md(text).fragments.some((f) => f.delimiter === 'bare'), 'markdown');
      assert.ok(!txt(text).fragments.some((f) => f.delimiter === 'bare'), 'text');
    });
  }

  test('bullet and trailing period are not part of the formula', () => {
    const text = '- (x^a)\' = ax^{a-1}.\n• \\frac{d}{dx} e^x = e^x,\n12. y = 2';
    const r = txt(text);
    assert.deepEqual(r.fragments.map((f) => [f.latex, f.start, f.delimiter]), [
      ["(x^a)' = ax^{a-1}", 2, 'bare'],
      ['\\frac{d}{dx} e^x = e^x', at(text, '\\frac'), 'bare'],
      ['y = 2', at(text, 'y = 2'), 'bare'],
    ]);
    assert.equal(r.fragments[0].proseAfter, '.');
    const m = md(text);
    assert.deepEqual(latexes(m), ["(x^a)' = ax^{a-1}", '\\frac{d}{dx} e^x = e^x', 'y = 2'], 'list items are their own paragraphs');
  });

  test('a leading prose label is not part of the formula', () => {
    const text = "Quotient rule: (f/g)' = (f'g + fg')/g^2\n\nf: x = 1\n";
    const r = txt(text);
    assert.deepEqual(r.fragments.map((f) => [f.latex, f.start, f.delimiter]), [
      ["(f/g)' = (f'g + fg')/g^2", 15, 'bare'],
      ['f: x = 1', at(text, 'f: x'), 'bare'],
    ]);
    assert.equal(r.fragments[0].proseBefore, 'Quotient rule: ');
  });

  test('block quotes and Markdown links', () => {
    const text = 'Intro.\n\n> x^2 = 1\n\n![a_b](c_d.png)\n\n[x_1](y_2.html)\n';
    assert.deepEqual(md(text).fragments.map((f) => [f.latex, f.start]), [['x^2 = 1', at(text, 'x^2')]]);
  });

  test('a $-wrapped line whose dollars are not delimiters', () => {
    const text = '  • $\\nabla_{\\mathbf{x}} A\\mathbf{x} = A^T $\n';
    const r = txt(text);
    assert.deepEqual(r.fragments.map((f) => [f.latex, f.delimiter]), [['\\nabla_{\\mathbf{x}} A\\mathbf{x} = A^T', 'bare']]);
    // VS Code's preview does render it: a space before the closing $ is allowed there.
    assert.deepEqual(md(text).fragments.map((f) => [f.latex, f.delimiter]), [['\\nabla_{\\mathbf{x}} A\\mathbf{x} = A^T ', '$']]);
  });

  test('Markdown: only paragraphs made of formula lines', () => {
    const text = [
      'The rule is',
      'x^2 = y',
      '',
      'a = b',
      '= c',
      '',
      'We have $$u = v$$',
      '',
      '$$',
      'p = q',
      '$$',
      '= r',
      '',
      '# x = 1',
      '',
      '| x = 1 |',
      '| y = 2 |',
      '',
      '```',
      'z = 3',
      '```',
    ].join('\n');
    const r = md(text);
    assert.deepEqual(r.fragments.map((f) => [f.latex, f.delimiter]), [
      ['a = b', 'bare'],
      ['= c', 'bare'],
      ['u = v', '$$'],
      ['\np = q\n', '$$'],
      ['= r', 'bare'],
    ]);
  });

  test('bareFormulas: false turns detection off', () => {
    const text = "(f/g)' = (f'g + fg')/g^2\n\nsetting y=x^6 here";
    assert.deepEqual(latexes(txt(text, { bareFormulas: false })), []);
    assert.deepEqual(latexes(md(text, { bareFormulas: false })), []);
    assert.deepEqual(latexes(txt(text)), ["(f/g)' = (f'g + fg')/g^2", 'y=x^6']);
  });

  test('formula lines inside math or code are not bare', () => {
    const text = '```\nx = 1\n```\n\n$$\ny = 2\n$$\n\n<!--\nz = 3\n-->\n';
    assert.deepEqual(txt(text).fragments.map((f) => f.delimiter), ['$$']);
    assert.deepEqual(md(text).fragments.map((f) => f.delimiter), ['$$']);
  });

  test('prose word counting', () => {
    const count = (s: string): number => countProseWords(s, 0, s.length, 99);
    assert.equal(count('\\frac{dy}{dx} = \\sin(x) + \\text{for all} x'), 0);
    assert.equal(count('softmax(x) = exp(x)/sum exp'), 0);
    assert.equal(count('the learning rate = 0.01'), 3);
    assert.equal(count('Then do x'), 2, 'short English words count');
    assert.equal(count('dx dy RNN xz'), 0, 'vowel-less letter runs are symbols');
    assert.equal(count('αβγ = 1'), 0, 'Greek is math');
    assert.ok(looksLikeFormula('x^2 = 1', 0, 7));
    assert.ok(!looksLikeFormula('hello world', 0, 11));
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('bare formulas: runs inside prose (text mode)', () => {
  function runs(line: string, strict = false): string[] {
    const out: Array<{ start: number; end: number }> = [];
    findInlineRuns(line, 0, line.length, strict, out);
    return out.map((r) => line.slice(r.start, r.end));
  }

  test('examples', () => {
    assert.deepEqual(runs('For example, \\partial x^6/\\partial x^2 can be found by setting y=x^6 and z=x^2.'), [
      '\\partial x^6/\\partial x^2',
      'y=x^6',
      'z=x^2',
    ]);
    assert.deepEqual(runs('Given y = f(x), where x is an independent variable and y is a dependent variable'), ['y = f(x)']);
    assert.deepEqual(runs('Then do \\partial y/\\partial z'), ['\\partial y/\\partial z']);
    assert.deepEqual(runs('The notation for the partial derivative of y with respect to x is \\frac{\\partial y}{\\partial x}'), [
      '\\frac{\\partial y}{\\partial x}',
    ]);
    assert.deepEqual(runs('Let f:\\mathbb{R}^n \\rightarrow \\mathbb{R} be a function mapping vectors onto real numbers.'), [
      'f:\\mathbb{R}^n \\rightarrow \\mathbb{R}',
    ]);
    assert.deepEqual(runs('the sum of blue areas (where f(x) > 0) minus the pink area (where f(x) < 0)'), ['f(x) > 0', 'f(x) < 0']);
    assert.deepEqual(runs('- If f\'\'(x) > 0, the point is a minimum'), ["f''(x) > 0"]);
    assert.deepEqual(runs('For (single-variable functions) h(x) = f(g(x))'), ['h(x) = f(g(x))']);
    assert.deepEqual(runs('for n=2, the second-order approximation'), ['n=2']);
  });

  test('no runs in plain prose', () => {
    assert.deepEqual(runs('Let y be a function of x and a constant.'), []);
    assert.deepEqual(runs('In general dy/dx is the inverse of dx/dy.'), [], 'no relation, command or script');
    assert.deepEqual(runs('The total derivative of z(x,y) with respect to x is:'), []);
    assert.deepEqual(runs('the learning rate = 0.01 worked best'), []);
    assert.deepEqual(runs('snake_case_name and key=value pairs, see http://a.b/c_d'), []);
    assert.deepEqual(runs('Keskar et al. (2016) argue that'), []);
    assert.deepEqual(runs('<a name="x_1"></a> <div class="a_b">'), []);
  });

  test('strict runs need a LaTeX command', () => {
    assert.deepEqual(runs('where each x_i = x_i(t) is given', true), []);
    assert.deepEqual(runs('loss function \\mathcal{L} with respect to', true), ['\\mathcal{L}']);
  });

  test('in a document: exact offsets, display false, strict next to delimited math', () => {
    const text = 'Setting y=x^6 gives it.\nSee $a$ and x_i = 1 and \\mathcal{L} here.\n';
    const r = txt(text);
    assert.deepEqual(r.fragments.map(pick), [
      { latex: 'y=x^6', start: 8, end: 13, outerStart: 8, outerEnd: 13, delimiter: 'bare-inline', display: false },
      { latex: 'a', start: at(text, 'a$'), end: at(text, 'a$') + 1, outerStart: at(text, '$a$'), outerEnd: at(text, '$a$') + 3, delimiter: '$', display: false },
      { latex: '\\mathcal{L}', start: at(text, '\\mathcal'), end: at(text, '\\mathcal') + 11, outerStart: at(text, '\\mathcal'), outerEnd: at(text, '\\mathcal') + 11, delimiter: 'bare-inline', display: false },
    ]);
    assert.equal(r.fragments[0].proseBefore, 'Setting ');
    assert.equal(r.fragments[0].proseAfter, ' gives it.');
  });

  test('never in Markdown mode', () => {
    assert.deepEqual(latexes(md('Setting y=x^6 and \\frac{a}{b} here.')), []);
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('robustness', () => {
  test('CRLF line endings', () => {
    const text = 'Let $a$ be.\r\n\r\n$$\r\nx = 1\r\n$$\r\n\r\n(f/g)\' = (f\'g + fg\')/g^2\r\n\r\n```\r\n$b$\r\n```\r\n';
    const r = txt(text);
    assert.deepEqual(r.fragments.map((f) => [f.latex, f.delimiter]), [
      ['a', '$'],
      ['\r\nx = 1\r\n', '$$'],
      ["(f/g)' = (f'g + fg')/g^2", 'bare'],
    ]);
    assert.equal(r.fragments[0].proseAfter, ' be.');
    const m = md(text);
    assert.deepEqual(latexes(m), latexes(r));
  });

  test('a byte-order mark does not hide a fence', () => {
    assert.deepEqual(latexes(md('\ufeff```python\n$x$\n```\n$y$')), ['y']);
  });

  test('Unicode offsets are UTF-16', () => {
    const text = '😀 é $x$ 中文';
    const r = md(text);
    assert.deepEqual(pick(r.fragments[0]), { latex: 'x', start: 6, end: 7, outerStart: 5, outerEnd: 8, delimiter: '$', display: false });
  });

  test('a single 100 kB line', () => {
    const text = ('word $x_1$ and y = f(x) \\alpha '.repeat(4000)).slice(0, 100_000);
    const t0 = Date.now();
    const r = txt(text);
    md(text);
    assert.ok(Date.now() - t0 < 10_000, 'a hang guard (quadratic work on 100 kB takes minutes), not a speed target');
    assert.ok(r.fragments.filter((f) => f.delimiter === '$').length >= 3000);
  });

  test('pathological inputs stay linear (no hang)', () => {
    const cases = [
      '$5 '.repeat(100_000),
      '$$a '.repeat(100_000),
      '\\( '.repeat(100_000),
      '` `` '.repeat(60_000),
      '<!-- '.repeat(100_000),
      '<!--\n'.repeat(100_000),
      '\\begin{align} '.repeat(30_000),
      '```x\n'.repeat(100_000),
      '{'.repeat(100_000),
      '    x\n\n'.repeat(50_000),
    ];
    for (const c of cases) {
      const t0 = Date.now();
      md(c);
      txt(c);
      // A guard against quadratic blow-ups (which take minutes here), generous enough for a loaded CI machine.
      assert.ok(Date.now() - t0 < 10_000, `slow on ${JSON.stringify(c.slice(0, 12))}`);
    }
  });

  test('random junk never throws and keeps the invariants', () => {
    let seed = 12345;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const alphabet = ['$', '$$', '\\', '`', '```', '~~~', '{', '}', '(', ')', '[', ']', '<!--', '-->', '\n', '\n\n', '\r\n', ' ', '    ', '\t', 'x', '=', '^', '_', '\\frac', '\\begin{align}', '\\end{align}', '- ', '1. ', '# ', '.', 'é', '😀', '\u0000', 'word', '|', 'calcnotes-disable', '\\(', '\\)', '\\[', '\\]'];
    for (let k = 0; k < 300; k++) {
      let s = '';
      const len = Math.floor(rnd() * 80);
      for (let j = 0; j < len; j++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      md(s);
      txt(s);
      md(s, { bareFormulas: false });
    }
    const bytes: string[] = [];
    for (let j = 0; j < 20_000; j++) bytes.push(String.fromCharCode(Math.floor(rnd() * 65536)));
    const junk = bytes.join('');
    md(junk);
    txt(junk);
  });

  test('scanMath never throws on bad arguments', () => {
    assert.deepEqual(scanMath(undefined as unknown as string, { mode: 'markdown' }), { fragments: [], directives: {}, headings: [] });
    assert.deepEqual(scanMath('$x$', undefined as unknown as ScanOptions).fragments.map((f) => f.latex), ['x']);
  });

  test('a 5 MB note scans completely, without hanging (its speed is measured by npm run bench, not here)', () => {
    const chunk = [
      '## Derivatives',
      '',
      'For $f(x) = x^2$ we get $f\'(x) = 2x$, e.g. at $x = 1$ the slope is $2$.',
      '',
      '$$',
      '\\frac{d}{dx} \\sin x = \\cos x \\textrm{ for all $x$}',
      '$$',
      '',
      '```python',
      'y = x ** 2  # $not math$',
      '```',
      '',
      '- Chain rule: \\(\\frac{dy}{dx} = \\frac{dy}{du}\\frac{du}{dx}\\).',
      '- costs $5 and $6',
      '',
      "(f/g)' = (f'g + fg')/g^2",
      '',
      'Setting y=x^6 and z=x^2 helps.',
      '',
    ].join('\n');
    const text = chunk.repeat(Math.ceil(5_000_000 / chunk.length));
    for (const mode of ['markdown', 'text'] as const) {
      const t0 = performance.now();
      const r = scanMath(text, { mode });
      const ms = performance.now() - t0;
      // A guard against a hang or a quadratic blow-up (seconds per megabyte), not a speed target: a loaded CI
      // machine must not fail it (this scan takes about 0.3 s on a quiet 2-core machine).
      assert.ok(ms < 20_000, `${mode}: ${ms.toFixed(0)} ms`);
      assert.ok(r.fragments.length > 100_000);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('real notes (/work/shared)', () => {
  const shared = path.resolve(__dirname, '../../../../shared');

  /** [start, end] ranges of non-math fenced code blocks, found independently of the scanner. */
  function codeFences(text: string): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    const re = /^[ \t]*(`{3,}|~{3,})(.*)$/gm;
    let open: { fence: string; start: number; math: boolean } | undefined;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      if (!open) {
        open = { fence: m[1], start: m.index, math: /^\s*\{?\.?math\}?\s*$/i.test(m[2]) };
      } else if (m[1][0] === open.fence[0] && m[1].length >= open.fence.length && m[2].trim() === '') {
        if (!open.math) out.push([open.start, m.index + m[0].length]);
        open = undefined;
      }
    }
    if (open && !open.math) out.push([open.start, text.length]);
    return out;
  }

  function files(dir: string): string[] {
    const full = path.join(shared, dir);
    if (!fs.existsSync(full)) return [];
    return fs
      .readdirSync(full)
      .filter((f) => fs.statSync(path.join(full, f)).isFile())
      .map((f) => path.join(full, f));
  }

  function scanFile(file: string): { text: string; r: ScanResult } {
    const text = fs.readFileSync(file, 'utf8');
    const mode = /\.(md|markdown)$/i.test(file) ? 'markdown' : 'text';
    const r = scanUnguarded(text, { mode });
    return { text, r };
  }

  test('every seed and corpus file keeps the invariants', (t) => {
    const all = files('seeds').concat(files('corpus'));
    if (all.length === 0) {
      t.skip(`${shared} not present`);
      return;
    }
    for (const file of all) {
      const { text, r } = scanFile(file);
      checkInvariants(text, r);
      for (const [s, e] of codeFences(text)) {
        for (const f of r.fragments) {
          assert.ok(!(f.outerStart >= s && f.outerStart < e), `${path.basename(file)}: fragment ${JSON.stringify(f.latex.slice(0, 40))} starts inside a code fence`);
        }
      }
      for (const f of r.fragments) assert.equal(f.disabled, false);
    }
  });

  test('seed 000: bare formulas of a plain-text note', (t) => {
    const file = path.join(shared, 'seeds', '000_31e829370f768ed6.txt');
    if (!fs.existsSync(file)) {
      t.skip('seed 000 not present');
      return;
    }
    const { text, r } = scanFile(file);
    const find = (latex: string): MathFragment | undefined => r.fragments.find((f) => f.latex === latex);
    const q = "(f/g)' = (f'g + fg')/g^2";
    const quotient = find(q);
    assert.ok(quotient, 'quotient rule found');
    assert.deepEqual(pick(quotient!), { latex: q, start: at(text, q), end: at(text, q) + q.length, outerStart: at(text, q), outerEnd: at(text, q) + q.length, delimiter: 'bare', display: true });
    for (const line of ['H_{ij} = \\frac{\\partial^2 f}{\\partial x_i x_j}', '\\frac{dX}{dX} = I', '= 6x^5 \\cdot 1/{2x}', '= 3x^4', "(1/f)' = -f'/f^2"]) {
      assert.equal(find(line)?.delimiter, 'bare', line);
    }
    for (const run of ['y=x^6', 'z=x^2', '\\partial y/\\partial z', '\\frac{\\partial y}{\\partial x}', 'f:\\mathbb{R}^n \\rightarrow \\mathbb{R}']) {
      assert.equal(find(run)?.delimiter, 'bare-inline', run);
    }
    assert.equal(find('y=x^6')!.sentence, find('z=x^2')!.sentence, 'same sentence');
    assert.ok(!r.fragments.some((f) => f.delimiter === 'bare' && /\b(the|be|function)\b/.test(f.latex)), 'no prose lines as formulas');
  });

  test('seed 001: \\[ … \\] and \\( … \\) fragments', (t) => {
    const file = path.join(shared, 'seeds', '001_3b01a65c1fdb8897.txt');
    if (!fs.existsSync(file)) {
      t.skip('seed 001 not present');
      return;
    }
    const { text, r } = scanFile(file);
    const display = r.fragments.filter((f) => f.delimiter === '\\[');
    assert.equal(display.length, 4);
    const first = " f'(x) = \\lim_{h \\rightarrow 0 } \\frac{f(x + h) - f(x)}{h} ";
    assert.equal(display[0].latex, first);
    assert.equal(display[0].start, at(text, first));
    assert.equal(display[0].outerStart, at(text, first) - 2);
    assert.ok(display[1].latex.includes('\\\\ \\frac{dy}{dx}'), 'the \\\\ line break stays inside');
    assert.equal(r.fragments.filter((f) => f.delimiter === '\\(').length, 10);
    assert.ok(r.fragments.some((f) => f.delimiter === '\\(' && f.latex === 'f:\\mathbb{R}^n \\rightarrow \\mathbb{R}'));
  });

  test('seed 002 and corpus: fragment counts', (t) => {
    const expected: Record<string, Record<string, number>> = {
      'seeds/002_8d82c8d4b6bbb373.txt': { $: 54, $$: 37 },
      'corpus/cs231n__optimization-2.md': { '\\(': 64, $$: 8 },
      'corpus/cs231n__neural-networks-case-study.md': { '\\(': 16, $$: 4 },
      'corpus/d2l-ai__chapter_preliminaries__calculus.md': { $: 98, $$: 10 },
      'corpus/d2l-ai__chapter_appendix-mathematics-for-deep-learning__multivariable-calculus.md': { $: 171, $$: 63 },
      'corpus/jax-ml__docs__notebooks__autodiff_cookbook.md': { $: 121 },
    };
    let seen = 0;
    for (const [rel, counts] of Object.entries(expected)) {
      const file = path.join(shared, rel);
      if (!fs.existsSync(file)) continue;
      seen++;
      const { r } = scanFile(file);
      const got: Record<string, number> = {};
      for (const f of r.fragments) if (f.delimiter in counts) got[f.delimiter] = (got[f.delimiter] ?? 0) + 1;
      assert.deepEqual(got, counts, rel);
      if (rel.endsWith('.md')) assert.ok(!r.fragments.some((f) => f.delimiter === 'bare-inline'), 'no bare-inline in Markdown');
    }
    if (seen === 0) t.skip('corpus not present');
  });

  test('d2l: math in prose around python fences, display sentence context', (t) => {
    const file = path.join(shared, 'corpus', 'd2l-ai__chapter_preliminaries__calculus.md');
    if (!fs.existsSync(file)) {
      t.skip('corpus not present');
      return;
    }
    const { r } = scanFile(file);
    const def = r.fragments.find((f) => f.delimiter === '$$' && f.latex.startsWith("f'(x) = \\lim_{h \\rightarrow 0}"));
    assert.ok(def, 'derivative definition found');
    assert.ok(!r.fragments.some((f) => f.latex.includes('import')), 'nothing from code cells');
  });
});

test('headings: the block pass gives where each heading line starts, never one inside code', () => {
  const text = ['# One', '', '```', '# not a heading', '```', '', '## Two $x$', ''].join('\n');
  const r = scanMath(text, { mode: 'markdown' });
  assert.deepEqual(r.headings, [0, text.indexOf('## Two')]);
  assert.equal(scanMath(text, { mode: 'text' }).headings, undefined);
});

test('directives: in plain text a `%` line is a directive too (LaTeX keeps them); in Markdown it is text', () => {
  const note = ['% calcnotes-disable-next-line', '$a = b$', '$c = d$', ''].join('\n');
  const text = scanMath(note, { mode: 'text' }).fragments;
  assert.deepEqual(text.map((f) => f.disabled), [true, false]);
  const md = scanMath(note, { mode: 'markdown' }).fragments;
  assert.deepEqual(md.map((f) => f.disabled), [false, false]);
  assert.deepEqual(scanMath('% calcnotes: layout=numerator\n$x$\n', { mode: 'text' }).directives, { layout: 'numerator' });
});
