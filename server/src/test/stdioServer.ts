/**
 * The compiled language server as a child process over stdio, for the tests that talk LSP to it (lsp, load,
 * security; bundle, with a bundled server): started the way the VS Code client starts it (the same Node options),
 * a JSON-RPC connection on its pipes, its stderr and exit code kept for failure messages, and stopped when the
 * test ends.
 */
import type { TestContext } from 'node:test';
import * as path from 'path';
import { spawn, type ChildProcess } from 'child_process';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { SERVER_EXEC_ARGV } from '../lsp/protocol';

export const SERVER = path.resolve(__dirname, '../server.js');

export interface StdioServer {
  proc: ChildProcess;
  conn: MessageConnection;
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number | null>;
  /** What the server wrote to stderr so far. */
  stderr(): string;
}

export interface StartOptions {
  /** The server's script (default: the compiled server, SERVER). */
  server?: string;
  /** Modules to preload with `-r` (a spy on fs and child_process, say). */
  preload?: string[];
  /** Registers handlers before the connection listens (so that nothing sent early is missed). */
  setup?: (conn: MessageConnection) => void;
}

export function startServer(t: TestContext, options: StartOptions = {}): StdioServer {
  const preload = (options.preload ?? []).flatMap((m) => ['-r', m]);
  const proc = spawn(process.execPath, [...SERVER_EXEC_ARGV, ...preload, options.server ?? SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout as NodeJS.ReadableStream), new StreamMessageWriter(proc.stdin as NodeJS.WritableStream));
  options.setup?.(conn);
  conn.listen();
  t.after(() => {
    conn.dispose();
    if (proc.exitCode === null) proc.kill('SIGKILL');
  });
  return { proc, conn, exited, stderr: () => stderr };
}
