/**
 * The checker's worker thread (lsp/checkRunner.ts): its own small entry, so the worker loads the engine only —
 * not the connection, the hover renderer or anything else the server's main thread needs.
 */
import { runCheckWorker } from './lsp/checkRunner';

runCheckWorker();
