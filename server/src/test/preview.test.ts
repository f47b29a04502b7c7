/**
 * The Markdown preview plugin (client/src/preview.ts, compiled to client/out) with markdown-it under Node: its
 * marks come from the language server's answer (here the service's own `previewMarks`, in-process), the first
 * render of a text carries what it can of the last answer, and the answer's arrival refreshes the preview.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { checkDocument } from '../engine';
import { previewMarks } from '../lsp/preview';
import type { PreviewMarksParams, PreviewMarksResult } from '../lsp/protocol';
import { REPO } from './helpers';

interface PreviewModule {
  calcnotesMarkdownIt<T>(md: T, marks: (src: string, env: unknown) => Map<number, string[]> | null): T;
  PreviewMarkStore: new (
    ask: (p: PreviewMarksParams) => Promise<PreviewMarksResult> | null,
    refresh: () => void,
  ) => { marksFor(uri: string, src: string): Map<number, string[]>; clear(): void };
  FALSE_CLASS: string;
}
type Md = { render(src: string, env?: unknown): string };

const PLUGIN = path.join(REPO, 'client/out/preview.js');

function loadMarkdownIt(): ((options?: unknown) => Md) | null {
  try {
    return require('markdown-it') as (options?: unknown) => Md;
  } catch {
    return null;
  }
}

const NOTE = "# Rules\n\nThe product rule: $(fg)' = f'g + fg'$.\n\nThe quotient rule: $(f/g)' = (f'g + fg')/g^2$.\n";

test('preview: false claims are marked from the server\'s answer; the answer refreshes the preview', async (t) => {
  const markdownIt = loadMarkdownIt();
  if (!markdownIt || !fs.existsSync(PLUGIN)) {
    t.skip('markdown-it or client/out is not available');
    return;
  }
  const plugin = require(PLUGIN) as PreviewModule;
  const asked: PreviewMarksParams[] = [];
  let refreshes = 0;
  let answered: Promise<unknown> = Promise.resolve();
  const store = new plugin.PreviewMarkStore(
    (p) => {
      asked.push(p);
      const answer = Promise.resolve({ marks: previewMarks(checkDocument(p.text), p.text) });
      answered = answer;
      return answer;
    },
    () => refreshes++,
  );
  const md = plugin.calcnotesMarkdownIt(markdownIt(), (src) => store.marksFor('file:///n.md', src));

  // First render: asked, nothing to show yet; the answer refreshes; the next render shows the mark.
  assert.ok(!md.render(NOTE).includes(plugin.FALSE_CLASS));
  await answered;
  await new Promise((r) => setImmediate(r));
  assert.equal(refreshes, 1);
  const html = md.render(NOTE);
  assert.equal(html.split(plugin.FALSE_CLASS).length - 1, 1, html);
  assert.match(html, /<p class="calcnotes-false">The quotient rule/);
  // The message, readable beside the block: a focusable badge described by a message panel (shown by CSS on hover
  // and focus), not only a native tooltip.
  const badge = /<span class="calcnotes-badge" tabindex="0" role="note" title="([^"]*)" aria-label="false claim" aria-describedby="(calcnotes-message-\d+)">✗<\/span>/.exec(html);
  assert.ok(badge, html);
  const panel = new RegExp(`<span class="calcnotes-message" id="${badge[2]}" role="tooltip"><span class="calcnotes-message-line">\\(f/g\\)&#39; is not `).exec(html);
  assert.ok(panel, html);
  const css = fs.readFileSync(path.join(REPO, 'client/media/preview.css'), 'utf8');
  assert.match(css, /\.calcnotes-badge:focus \+ \.calcnotes-message/);
  assert.match(css, /\.calcnotes-false:hover > \.calcnotes-message/);
  assert.match(css, /--vscode-editorHoverWidget-background/);
  assert.equal(asked.length, 1, 'an answered text is not asked again');

  // An edit on another line: asked again; meanwhile the unchanged line keeps its mark (no blink).
  const edited = NOTE.replace('# Rules', '# Rules of calculus');
  assert.ok(md.render(edited).includes(plugin.FALSE_CLASS));
  assert.equal(asked.length, 2);
  await answered;

  // No server: nothing is marked, nothing is thrown.
  const offline = new plugin.PreviewMarkStore(() => null, () => undefined);
  const md2 = plugin.calcnotesMarkdownIt(markdownIt(), (src) => offline.marksFor('file:///n.md', src));
  assert.ok(!md2.render(NOTE).includes(plugin.FALSE_CLASS));
  // Checking off for the note: the provider says null.
  const md3 = plugin.calcnotesMarkdownIt(markdownIt(), () => null);
  assert.ok(!md3.render(NOTE).includes(plugin.FALSE_CLASS));
});
