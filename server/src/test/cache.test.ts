/**
 * The engine's cache (parses, KaTeX verdicts, claim verdicts, whole sections) must never change an answer: a
 * report made with a cache that has seen earlier versions of a note — and other notes — equals a fresh report,
 * offsets included. Checked over the examples, the seeds and the corpus (where present), generated notes, and
 * a run of random edits of the kind typing makes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { CheckCache, checkDocument, sectionStarts, type EngineOptions } from '../engine';
import { generateNote } from '../testing/notes';
import { makeRng } from '../check/random';
import { REPO, sharedDir } from './helpers';

const OPTIONS: EngineOptions = { budgetMs: 5000 };

function notes(): { name: string; text: string; mode: 'markdown' | 'text' }[] {
  const out: { name: string; text: string; mode: 'markdown' | 'text' }[] = [];
  const dirs = [path.join(REPO, 'examples'), sharedDir('seeds'), sharedDir('corpus')].filter((d): d is string => d !== null);
  for (const dir of dirs) {
    for (const f of fs.readdirSync(dir).sort()) {
      if (!/\.(md|txt|markdown)$/.test(f)) continue;
      out.push({ name: f, text: fs.readFileSync(path.join(dir, f), 'utf8'), mode: f.endsWith('.txt') ? 'text' : 'markdown' });
    }
  }
  for (const seed of [1, 2]) out.push({ name: `generated ${seed}`, text: generateNote(seed, { lines: 800 }).text, mode: 'markdown' });
  return out;
}

function same(text: string, mode: 'markdown' | 'text', cache: CheckCache, what: string): void {
  const fresh = checkDocument(text, { ...OPTIONS, mode }, null); // no cache at all
  const cached = checkDocument(text, { ...OPTIONS, mode }, cache);
  assert.deepEqual(cached, fresh, what);
}

test('a shared cache gives the same reports as no cache, across notes and in either order', () => {
  const all = notes();
  assert.ok(all.length >= 9);
  const cache = new CheckCache();
  for (const n of all) same(n.text, n.mode, cache, n.name);
  for (const n of [...all].reverse()) same(n.text, n.mode, cache, `${n.name} (again)`);
  assert.ok(cache.claims.hits > 0 || cache.sectionHits > 0, 'the second round is served from the cache');
});

test("a cache that keys claims only when their text repeats (the CLI's) gives the reports of one that keys every claim", () => {
  const all = notes();
  const eager = new CheckCache();
  const lazy = new CheckCache(undefined, undefined, { claimKeys: 'repeat' });
  for (const n of [...all, ...all]) {
    const options = { ...OPTIONS, mode: n.mode };
    assert.deepEqual(checkDocument(n.text, options, lazy), checkDocument(n.text, options, eager), n.name);
  }
  assert.ok(lazy.claims.hits > 0, 'repeated claims are found by their keys');
  assert.ok(lazy.claims.size < eager.claims.size, 'a claim met once gets no key');
  assert.ok(lazy.longestKey() <= 1100);
});

test('a fresh cache for one run gives the same report as no cache at all', () => {
  for (const n of notes()) assert.deepEqual(checkDocument(n.text, { ...OPTIONS, mode: n.mode }, new CheckCache()), checkDocument(n.text, { ...OPTIONS, mode: n.mode }, null), n.name);
});

test('after random edits (typing, deleting, lines inserted above) the cached report equals a fresh one', () => {
  const rng = makeRng('cache-edits');
  const cache = new CheckCache();
  const inserts = ['x', '2', '^', '{', '}', '\\', '$', ' ', '\n', '\n\n# New section\n\n', "'", '=', 'Let $u = x^2$. '];
  for (const n of notes().slice(0, 6)) {
    let text = n.text;
    same(text, n.mode, cache, n.name);
    for (let i = 0; i < 12; i++) {
      const at = Math.floor(rng() * (text.length + 1));
      if (rng() < 0.3 && text.length > 0) text = text.slice(0, at) + text.slice(at + 1);
      else text = text.slice(0, at) + inserts[Math.floor(rng() * inserts.length)] + text.slice(at);
      same(text, n.mode, cache, `${n.name}, edit ${i} at ${at}`);
    }
  }
});

test('sections: cut before headings after a blank line, never inside code, $$ blocks, environments or comments', () => {
  const text = ['Intro $x$.', '', '# One', '$$', '# not a heading', '$$', '', '```', '', '# in code', '```', '', '## Two', 'text', '# Three (no blank before)', '', '<!--', '', '# in a comment', '-->', '', '# Four'].join('\n');
  const starts = sectionStarts(text);
  const headings = starts.slice(1).map((s) => text.slice(s).split('\n')[0]);
  assert.deepEqual(headings, ['# One', '## Two', '# Four']);
  assert.deepEqual(sectionStarts('# A\n\n$x = 1$\n\n<!-- calcnotes-disable -->\n\n# B\n'), [0], 'a disable region may cross sections');
  assert.deepEqual(sectionStarts('a\n\n# B\n\n<!-- calcnotes-disable-next-line -->\n$x$\n').length, 2);
});

test('editing a definition re-checks the claims that use it (and only those), with the same verdicts as a fresh check', () => {
  const cache = new CheckCache();
  const note = (body: string, name: string) =>
    [
      '# Section',
      '',
      `Let $${name}(x) = ${body}$ and $\\mathbf{x} \\in \\mathbb{R}^n$.`,
      '',
      `Then $\\frac{d}{dx}${name}(x) = \\cos x$ and $${name}'(0) = 1$.`,
      '',
      'Unrelated: $\\frac{d}{dx} x^3 = 3x^2$ and $\\frac{d}{dt} e^{2t} = 2e^{2t}$ and $\\nabla_{\\mathbf{x}} \\mathbf{x}^T\\mathbf{x} = 2\\mathbf{x}$.',
      '',
      'With $u = x^2$: $\\frac{d}{dx} u^2 = 4x^3$.',
    ].join('\n');
  for (const [body, name] of [['\\sin x', 'f'], ['\\sin x + 1', 'f'], ['\\cos x', 'f'], ['\\sin x', 'g'], ['x^3', 'u'], ['\\sin x', 'f']]) {
    const text = note(body, name);
    const before = cache.claims.misses;
    same(text, 'markdown', cache, `${name}(x) = ${body}`);
    // After the first note, an edit of the definition re-checks at most the claims that can reach it.
    if (body !== '\\sin x' || name !== 'f') assert.ok(cache.claims.misses - before <= 4, `${name}(x) = ${body}: ${cache.claims.misses - before} claims re-checked`);
  }
});

test('definitions made inside a fenced directive of one section do not reach the next section, with a cache or without', () => {
  // A worked exercise whose solution sits in a MyST directive fence defines u and v; the next section states the
  // quotient rule over its own u and v. A heading ends what a section defined: the rule must not read the exercise's
  // u and v, whether the engine cuts the note into sections (with a cache) or not.
  const note = [
    '# Rules',
    '',
    '## The product rule',
    '',
    '1. $f(x) = (x^2+1)\\sin x$',
    '',
    '   ```{solution}',
    '   \\begin{align}',
    '   u &= x^2+1 & v &= \\sin x \\\\',
    "   u' &= 2x & v' &= \\cos x",
    '   \\end{align}',
    '   ```',
    '',
    '## The quotient rule',
    '',
    '```{note}',
    'When $f(x) = u(x)/v(x)$ and $v(x) \\ne 0$:',
    '',
    '$$',
    "f' = \\frac{v u' - u v'}{v^2}",
    '$$',
    '```',
    '',
  ].join('\n');
  const fresh = checkDocument(note, OPTIONS, null);
  const cached = checkDocument(note, OPTIONS, new CheckCache());
  assert.deepEqual(cached, fresh);
  const rule = fresh.claims.find((c) => c.latex.startsWith("f' = \\frac{v u'"));
  assert.ok(rule, 'the rule is a claim');
  assert.notEqual(rule.verdict, 'false', rule.reason);
  assert.doesNotMatch(rule.reason, /sin|cos/, 'the exercise\'s u and v are not read into the rule');
});
