import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';

const SOURCE = new URL('./_child.ts', import.meta.url).pathname;
const TSCONFIG = new URL('../../../../tsconfig.json', import.meta.url).pathname;

/** Bundles the child script (core and adapter from source) into a temporary .mjs. */
export async function bundleChild(): Promise<{ script: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'skreaver-file-child-'));
  const script = join(dir, 'child.mjs');
  await build({
    entryPoints: [SOURCE],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: script,
    tsconfig: TSCONFIG,
    logLevel: 'error',
  });
  return { script, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A running child with its stdout lines. */
export interface Child {
  readonly process: ChildProcess;
  readonly pid: number;
  /** Every complete line printed so far. */
  readonly lines: string[];
  /** Resolves with the first line matching `test`. */
  line(test: (line: string) => boolean): Promise<string>;
  /** Resolves when the child has exited (reaped) and its output is all read. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `node script ...args`. */
export function startChild(script: string, args: readonly string[]): Child {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const watchers: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    for (const watcher of [...watchers]) {
      if (watcher.test(line)) {
        watchers.splice(watchers.indexOf(watcher), 1);
        watcher.resolve(line);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  return {
    process: child,
    pid: child.pid as number,
    lines,
    exited,
    line(test) {
      const found = lines.find(test);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        watchers.push({ test, resolve });
        void exited.then(({ code, signal }) =>
          reject(new Error(`child exited (${code ?? signal}) before the line; stderr: ${stderr}`)),
        );
      });
    },
  };
}
