/**
 * The pieces of MathJax that `svg.ts` uses, in one module: TeX input with the packages of `TEX_PACKAGES`, SVG
 * output, the lite DOM adaptor. `svg.ts` requires it on its first render, never at start-up. The language server's
 * bundle leaves it outside (scripts/bundle.js: it is `dist/mathjax.js`, required from `dist/server.js` on first
 * use), so V8 does not compile MathJax's 1.6 MB before the server can answer `initialize`.
 *
 * A package loaded here is a package notes may use: keep this list and `TEX_PACKAGES` the same.
 */
// Loaded in this order: the core, the input and output jax, the DOM adaptor and handler, then the TeX packages.
export { mathjax } from 'mathjax-full/js/mathjax.js';
export { TeX } from 'mathjax-full/js/input/tex.js';
export { SVG } from 'mathjax-full/js/output/svg.js';
export { liteAdaptor } from 'mathjax-full/js/adaptors/liteAdaptor.js';
export { RegisterHTMLHandler } from 'mathjax-full/js/handlers/html.js';

import 'mathjax-full/js/input/tex/base/BaseConfiguration.js';
import 'mathjax-full/js/input/tex/ams/AmsConfiguration.js';
import 'mathjax-full/js/input/tex/newcommand/NewcommandConfiguration.js';
import 'mathjax-full/js/input/tex/noundefined/NoUndefinedConfiguration.js';
import 'mathjax-full/js/input/tex/boldsymbol/BoldsymbolConfiguration.js';
import 'mathjax-full/js/input/tex/color/ColorConfiguration.js';
import 'mathjax-full/js/input/tex/cancel/CancelConfiguration.js';
