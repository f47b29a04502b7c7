/**
 * A timeline of the language server's work, for finding where the editor's time goes: with
 * `CALCNOTES_TRACE_FILE=/tmp/trace.txt` in the environment VS Code starts the server with, one line per moment (the
 * process started, initialize, each check's phases with the milliseconds since its document was opened or changed).
 * Off, and free, without the variable. The end-to-end test writes its own moments into the same file.
 */
import * as fs from 'fs';

const TRACE_FILE = process.env.CALCNOTES_TRACE_FILE;
const starts = new Map<string, number>();

/** A phase of a document's check; `start` marks the moment later phases count from. */
export function trace(uri: string, phase: string, start = false): void {
  if (!TRACE_FILE) return;
  const now = Date.now();
  if (start) starts.set(uri, now);
  write(now, `+${now - (starts.get(uri) ?? now)}ms ${phase} ${uri}`);
}

/** A moment of the server's life (started, initialized). */
export function traceMoment(what: string): void {
  if (TRACE_FILE) write(Date.now(), `server: ${what}`);
}

function write(now: number, line: string): void {
  try {
    fs.appendFileSync(TRACE_FILE!, `${new Date(now).toISOString()} ${line}\n`);
  } catch {
    // tracing never breaks a check
  }
}
