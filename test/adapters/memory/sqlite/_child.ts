import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { scriptsDir } from './_bundle.js';

/** A child Node process running one of the scripts beside this file. */
export interface Child {
  readonly process: ChildProcess;
  /** Complete stdout lines so far (a line cut off by a kill is not one). */
  readonly lines: string[];
  /** Resolves with the first line (seen or coming) that `match` accepts. */
  waitForLine(match: (line: string) => boolean): Promise<string>;
  /** Resolves when the process has exited, with its exit code or signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What it printed on stderr. */
  stderr(): string;
}

/** Starts `node <script> ...args` with piped stdio. */
export function startChild(script: string, args: readonly string[]): Child {
  const child = spawn(process.execPath, [join(scriptsDir, script), ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  let partial = '';
  let errors = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.match(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    errors += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    process: child,
    lines,
    exited,
    stderr: () => errors,
    waitForLine(match) {
      const seen = lines.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ match, resolve });
        void exited.then(({ code, signal }) =>
          reject(new Error(`child exited (${code ?? signal}) before the line came: ${errors}`)),
        );
      });
    },
  };
}
