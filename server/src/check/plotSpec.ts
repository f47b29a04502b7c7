/**
 * What a hover plot shows, decided by the checker and drawn later (lazily) by the hover: concrete curves in one
 * variable, each an IR expression with every abstract function already instantiated and every other variable
 * already fixed to a number. Plain data, so it crosses the worker-thread boundary by structured clone.
 */
import type { Expr } from './expr';

export interface PlotCurve {
  /** Legend text: "stated", "actual", "f", "f′", "Taylor polynomial", … */
  label: string;
  expr: Expr;
}

export interface PlotSpec {
  /** Why this plot exists: a false claim's two sides, a verified derivative with its function, a Taylor claim. */
  kind: 'counterexample' | 'derivative' | 'taylor';
  /** The plotted variable, as the note names it (`x`, `t`, `\theta` shown plainly). */
  variable: string;
  /** The point to centre on and mark: the counterexample, the expansion point x₀, or 0. */
  x0: number;
  curves: PlotCurve[];
  /**
   * The other variables of the claim and the values they were fixed at (already substituted in the curves), shown
   * with the plot: a counterexample at x = 1.5, y = 0.37 is plotted in x with `y = 0.37` noted.
   */
  fixed?: [string, number][];
}
