import type { Readable, Writable } from 'node:stream';
import { exportMemory, importMemory, type Memory, ndjsonLines } from 'skreaver';
import { type OpenMemoryOptions, openMemory } from '../memory-url.js';
import { UsageError } from '../usage-error.js';

/** Output is gathered into chunks of about this many characters per write. */
const WRITE_CHUNK = 64 * 1024;

/**
 * Opens the memory at `url`, runs `body` with it and closes it. A failure to
 * close is reported only when `body` succeeded (otherwise `body`'s error is
 * the one worth seeing).
 */
export async function withMemory<T>(
  url: string,
  options: OpenMemoryOptions,
  body: (memory: Memory) => Promise<T>,
): Promise<T> {
  const memory = await openMemory(url, options);
  let result: T;
  try {
    result = await body(memory);
  } catch (error) {
    await memory.close?.().catch(() => {
      // body's error is already on its way to the user.
    });
    throw error;
  }
  await memory.close?.();
  return result;
}

/** Writes `text`, waiting for the stream to drain when its buffer is full. */
async function write(out: Writable, text: string): Promise<void> {
  if (out.write(text)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (error?: Error) => {
      out.off('drain', done);
      out.off('error', done);
      if (error) reject(error);
      else resolve();
    };
    out.once('drain', done);
    out.once('error', done);
  });
}

/** Options of {@link exportCommand}. */
export interface ExportCommandOptions extends OpenMemoryOptions {
  readonly url: string;
  readonly stdout: Writable;
}

/** `skreaver memory export URL`: every entry as an NDJSON line on stdout. */
export async function exportCommand(options: ExportCommandOptions): Promise<void> {
  await withMemory(options.url, options, async (memory) => {
    let pending = '';
    for await (const line of exportMemory(memory)) {
      pending += `${line}\n`;
      if (pending.length >= WRITE_CHUNK) {
        await write(options.stdout, pending);
        pending = '';
      }
    }
    if (pending !== '') await write(options.stdout, pending);
  });
}

/** Options of {@link importCommand}. */
export interface ImportCommandOptions extends OpenMemoryOptions {
  readonly url: string;
  readonly atomic: boolean;
  readonly ignoreExpiry: boolean;
  readonly stdin: Readable;
  readonly stderr: Writable;
}

/** `skreaver memory import URL`: NDJSON lines from stdin into the memory. */
export async function importCommand(options: ImportCommandOptions): Promise<void> {
  if ((options.stdin as { isTTY?: boolean }).isTTY === true) {
    throw new UsageError(
      'memory import reads NDJSON from stdin; pipe it in, e.g. `skreaver memory import file:./state.json < dump.ndjson`.',
    );
  }
  const { imported, expired } = await withMemory(options.url, options, (memory) =>
    importMemory(memory, ndjsonLines(options.stdin), {
      atomic: options.atomic,
      ignoreExpiry: options.ignoreExpiry,
    }),
  );
  options.stderr.write(`imported ${imported} ${imported === 1 ? 'entry' : 'entries'}\n`);
  if (expired > 0) {
    options.stderr.write(
      `skipped ${expired} expired ${expired === 1 ? 'entry' : 'entries'} (their expiresAt had passed)\n`,
    );
  }
}
