/**
 * What the semantic model believes about the symbols of a claim, for the hover: "f: function of x, defined
 * here", "h: a function (primed on its own in this section)", "layout: numerator (stated)". Each belief may
 * point at the document offset of its evidence, so the hover can name the line.
 */
import type { Node } from '../parse/ast';
import { usageOf } from './scopes';
import type { NoteContext } from './context';
import { conventionalFunctionLetter } from './letters';

export interface Belief {
  /** The symbol (as written in messages) or the convention. */
  subject: string;
  /** What the model believes, in words. */
  text: string;
  /** Document offset of the evidence (a definition), when it has one. */
  at?: number;
}

const RULE_WORDS: Record<string, string> = {
  'prose.function': 'the prose declares it',
  'prose.constant': 'the prose declares it',
  'prose.assignment': 'given a value in the prose',
  'usage.primed': 'primed on its own in this section',
  signature: 'its signature says so',
};

/** Beliefs about the symbols a claim's sides use, and the conventions in force that its check may use. */
export function describeSymbols(ctx: NoteContext, sides: Node[], show: (name: string) => string, vectorial: boolean): Belief[] {
  const out: Belief[] = [];
  const seen = new Set<string>();
  for (const side of sides) {
    // (The first symbol of each name, in walk order: what a walk skipping names already seen would visit.)
    for (const m of usageOf(side).symbols) {
      if (seen.has(m.name) || out.length >= 6) continue;
      seen.add(m.name);
      const b = ctx.bindings.get(m.name);
      if (b) {
        out.push({ subject: show(m.name), text: b.params ? `function of ${b.params.map(show).join(', ')}, defined` : 'defined', at: b.at });
        continue;
      }
      const fact = ctx.symbols?.get(m.name);
      // f, g, h primed in the note are functions by convention anyway: saying so is noise.
      if (fact && fact.evidence.rule === 'usage.primed' && conventionalFunctionLetter(m)) continue;
      if (fact) {
        const kind = fact.kind === 'function' ? 'a function' : fact.kind === 'constant' ? 'a constant' : 'a quantity';
        out.push({ subject: show(m.name), text: `${kind} (${RULE_WORDS[fact.evidence.rule] ?? fact.evidence.rule})` });
        continue;
      }
      if (ctx.functions.has(m.name)) out.push({ subject: show(m.name), text: 'a function' });
      const assumed = ctx.assumptions?.get(m.name);
      if (assumed?.length) out.push({ subject: show(m.name), text: assumed.join(', ') });
    }
  }
  const c = ctx.conventions;
  if (vectorial && c?.layout) out.push({ subject: 'layout', text: `${c.layout.value} (stated in the note)` });
  if (c?.logBase) out.push({ subject: 'log', text: `base ${c.logBase.value} (stated in the note)` });
  if (c?.sigma && seen.has('sigma')) out.push({ subject: 'σ', text: `${c.sigma.value} (stated in the note)` });
  return out;
}
