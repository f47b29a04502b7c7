/**
 * The checker's worker thread as the server's entry (server.ts) starts it, before the rest of the server is
 * loaded; the check runner (checkRunner.ts) takes it as its first worker. Small, and importing nothing of the
 * server: the entry's bundle holds it, and V8 compiles that bundle whole before the worker can start.
 */
import { Worker } from 'worker_threads';

export interface EarlyWorker {
  worker: Worker;
  /** Why it stopped, when it stopped before the runner took it (the runner then starts another). */
  stopped?: string;
}

/** Starts a worker on `script` (with no resource limits); undefined when it cannot (the runner tries again, and says why). */
export function startWorker(script: string): EarlyWorker | undefined {
  try {
    const worker = new Worker(script);
    worker.unref();
    const early: EarlyWorker = { worker };
    // Until the runner listens, a failure is only kept: an 'error' event nobody listens to would end the process.
    worker.on('error', (e: Error) => (early.stopped ??= e?.message ?? String(e)));
    worker.on('exit', (code) => (early.stopped ??= `exit code ${code}`));
    return early;
  } catch {
    return undefined;
  }
}
