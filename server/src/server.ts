/**
 * The language server's entry (dist/server.js in the .vsix, which the client starts): it starts the checker's
 * worker thread first, then loads the server itself (connection.ts; dist/connection.js), so that the worker boots
 * and loads its bundle while this thread loads the connection — side by side when a second core is free, instead
 * of one after the other. Keep this file small: V8 compiles it whole before the worker can start.
 */
import * as path from 'path';
import { setFlagsFromString } from 'v8';
import { startWorker } from './lsp/earlyWorker';
import { traceMoment } from './lsp/trace';

traceMoment('started');
// The checker worker's heap is sized for a server that runs all day beside an editor: V8 sizes its young
// generation and growth steps from the heap limit, and with its default (several GB) a worker that checked ten
// long notes holds ~40 MB more than it uses. 400 MB is four times what checking a 5 MB note needs; a worker
// that runs out is restarted by the runner. Isolates read the flag when they start, so only the workers (started
// after this line) are affected, never the connection's thread.
if (process.env.CALCNOTES_WORKER_HEAP_MB !== '0') setFlagsFromString(`--max-heap-size=${Number(process.env.CALCNOTES_WORKER_HEAP_MB) || 400}`);
// The worker's own entry beside this file (worker.ts; dist/worker.js): it loads the engine only, so it starts
// about a third sooner than a second copy of the whole server would.
const workerScript = path.join(__dirname, 'worker.js');
const started = startWorker(workerScript);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startServer } = require('./connection') as typeof import('./connection');
startServer({ workerScript, started });
