import { MemoryError, ValidationError } from '../errors/families.js';
import { type ImportSettings, importLines, rethrown } from './_ndjson-import.js';
import { splitLines } from './_ndjson-lines.js';
import { hasCapability } from './capabilities.js';
import { compareMemoryKeys } from './compare-keys.js';
import type { Memory } from './memory.js';
import { parseMemorySnapshot } from './snapshot-format.js';

/*
 * Memory dumps as NDJSON: one `{"key":"k","value":"v"}` object a line, plus
 * `"expiresAt": epochMs` for entries that expire. Line-based so a dump of any
 * size streams in both directions, diffs and greps well, and moves data
 * between backends that share nothing else.
 */

const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

/** Options of {@link exportMemory}. */
export interface ExportMemoryOptions {
  /**
   * How many keys one `loadMany()` call reads when the export goes through
   * `keys()` (a positive integer).
   * @defaultValue 500
   */
  readonly batchSize?: number;
  /**
   * Read through `snapshot()` when the memory has the `snapshots` capability:
   * one consistent view, with expiry times. With `false`, or without the
   * capability, the export lists `keys()` and reads them with `loadMany()`
   * in batches: no expiry times, and keys deleted meanwhile are left out.
   * @defaultValue true
   */
  readonly useSnapshot?: boolean;
}

/** Options of {@link importMemory}. */
export interface ImportMemoryOptions {
  /**
   * How many lines one `storeMany()` call writes (a positive integer).
   * @defaultValue 500
   */
  readonly batchSize?: number;
  /**
   * Longest line accepted, in UTF-8 bytes; a longer one is `invalid_input`.
   * @defaultValue 16777216 (16 MiB)
   */
  readonly maxLineBytes?: number;
  /**
   * Import everything in one transaction, so a failure keeps nothing. Needs
   * the `transactions` capability (else `memory_unsupported`, before any
   * input is read). With `false`, entries are written batch by batch and a
   * failure keeps the batches written before it (the error's
   * `data.imported` says how many entries).
   * @defaultValue false
   */
  readonly atomic?: boolean;
  /**
   * Store entries that carry `expiresAt` without an expiry. Without it, such
   * a line needs a memory with the `ttl` capability (else
   * `memory_unsupported` naming the line).
   * @defaultValue false
   */
  readonly ignoreExpiry?: boolean;
  /**
   * The clock that turns `expiresAt` into a TTL, in epoch milliseconds.
   * @defaultValue Date.now
   */
  readonly now?: () => number;
}

/** What {@link importMemory} resolves with. */
export interface ImportMemoryResult {
  /** Entries written (a key given on several lines counts once per batch it was written in). */
  readonly imported: number;
  /** Lines skipped because their `expiresAt` had already passed. */
  readonly expired: number;
}

/**
 * The `data` of an error {@link importMemory} rejects with (alongside the
 * original error's data, when it wraps one from the memory).
 */
export interface ImportErrorData {
  /** The 1-based line the import stopped at. */
  readonly line: number;
  /** Entries written and kept before it stopped (0 for an atomic import). */
  readonly imported: number;
}

/** Options of {@link ndjsonLines}. */
export interface NdjsonLinesOptions {
  /**
   * Longest line buffered, in UTF-8 bytes; a longer one rejects with
   * `invalid_input` instead of growing without bound.
   * @defaultValue 16777216 (16 MiB)
   */
  readonly maxLineBytes?: number;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new ValidationError(
      'invalid_options',
      `${name} must be a positive integer, got ${String(value)}.`,
      { data: { option: name, value } },
    );
  }
  return value;
}

/**
 * Writes the content of `memory` as NDJSON, one line (without the newline)
 * per entry, keys in code-point order (see `compareMemoryKeys`):
 * `{"key":"user:1","value":"Ada"}`, plus `"expiresAt":1767225600000` (epoch
 * milliseconds) when the entry expires and the export reads a snapshot.
 *
 * @throws {@link ValidationError} `invalid_options` (at once), or whatever the memory rejects with.
 * @example
 * ```ts
 * for await (const line of exportMemory(memory)) out.write(`${line}\n`);
 * ```
 */
export function exportMemory(
  memory: Memory,
  options: ExportMemoryOptions = {},
): AsyncIterable<string> {
  const batchSize = positiveInteger('batchSize', options.batchSize, DEFAULT_BATCH_SIZE);
  const useSnapshot = options.useSnapshot !== false && hasCapability(memory, 'snapshots');
  return useSnapshot ? fromSnapshot(memory) : fromKeys(memory, batchSize);
}

function line(key: string, value: string, expiresAt?: number): string {
  return JSON.stringify(expiresAt === undefined ? { key, value } : { key, value, expiresAt });
}

async function* fromSnapshot(memory: Memory): AsyncGenerator<string> {
  // hasCapability() checked that snapshot() exists.
  const text = await (memory.snapshot as () => Promise<string>)();
  // The memory wrote this document itself, so its own size limit applied.
  const { entries, expiresAt } = parseMemorySnapshot(text, { maxSnapshotBytes: Infinity });
  for (const key of [...entries.keys()].sort(compareMemoryKeys)) {
    yield line(key, entries.get(key) as string, expiresAt.get(key));
  }
}

async function* fromKeys(memory: Memory, batchSize: number): AsyncGenerator<string> {
  // keys() is sorted by contract; sorting again costs little and keeps the
  // order for a third-party memory that gets it wrong.
  const keys = (await memory.keys()).sort(compareMemoryKeys);
  for (let start = 0; start < keys.length; start += batchSize) {
    const batch = keys.slice(start, start + batchSize);
    const values = await memory.loadMany(batch);
    for (const [index, key] of batch.entries()) {
      const value = values[index];
      if (value !== undefined) yield line(key, value);
    }
  }
}

/**
 * Reads NDJSON lines (as {@link exportMemory} writes them) into `memory`
 * with `storeMany()`, `batchSize` lines at a time; a later line for the same
 * key wins. Each line must be a JSON object with a string `key` (a valid
 * memory key, trimmed), a string `value` and optionally a positive
 * `expiresAt` in epoch milliseconds; lines whose `expiresAt` has passed are
 * skipped. Lines may end with `\r`; only the last line may be blank.
 *
 * Unless `atomic` is set, a failure keeps the batches written before it.
 *
 * @throws {@link ValidationError} `invalid_input` for a bad line (data {@link ImportErrorData}; the message names the line), `invalid_options`; {@link MemoryError} `memory_unsupported` (atomic without transactions, expiry without TTL); or the memory's own error, re-thrown with {@link ImportErrorData} added.
 * @example
 * ```ts
 * const { imported } = await importMemory(target, exportMemory(source));
 * ```
 */
export async function importMemory(
  memory: Memory,
  lines: AsyncIterable<string> | Iterable<string>,
  options: ImportMemoryOptions = {},
): Promise<ImportMemoryResult> {
  if (typeof lines === 'string') {
    throw new ValidationError(
      'invalid_input',
      'importMemory takes lines, not one string; pass text.split("\\n") or ndjsonLines(chunks).',
    );
  }
  const settings: ImportSettings = {
    batchSize: positiveInteger('batchSize', options.batchSize, DEFAULT_BATCH_SIZE),
    maxLineBytes: positiveInteger('maxLineBytes', options.maxLineBytes, DEFAULT_MAX_LINE_BYTES),
    ignoreExpiry: options.ignoreExpiry === true,
    now: options.now ?? Date.now,
    atomic: options.atomic === true,
    ttl: memory.capabilities.ttl,
  };
  if (!settings.atomic) return importLines(memory, lines, settings);
  if (!hasCapability(memory, 'transactions')) {
    throw new MemoryError(
      'memory_unsupported',
      'An atomic import needs a memory with transactions (capabilities.transactions is false); import without atomic, which writes batch by batch.',
      { data: { capability: 'transactions' } },
    );
  }
  // Read everything first: a backend may run the body again after a
  // serialization conflict, and a stream can be read only once.
  const buffered: unknown[] = [];
  try {
    for await (const line of lines) buffered.push(line);
  } catch (error) {
    const where = { line: buffered.length + 1, imported: 0 };
    throw rethrown(error, where, '{} Nothing was imported (atomic import).', 'invalid_input');
  }
  let failure: unknown;
  try {
    return await memory.transaction(async (tx) => {
      try {
        return await importLines(tx, buffered as string[], settings);
      } catch (error) {
        failure = error;
        throw error;
      }
    });
  } catch (error) {
    // The transaction wraps what the body threw in `transaction_failed`;
    // the import's own error (with its line) is the useful one.
    if (failure !== undefined && (error === failure || (error as Error).cause === failure)) {
      throw failure;
    }
    throw error;
  }
}

/**
 * Splits a text stream into lines without Node APIs: chunks are strings or
 * UTF-8 bytes (`Uint8Array`, so a Node `Readable` or a `fetch` body works),
 * lines end with `\n` or `\r\n` and are yielded without it, a leading BOM is
 * dropped, and no empty line is yielded after a final newline.
 *
 * @throws {@link ValidationError} `invalid_input` (data `{ line }`) for bytes that are not UTF-8 or a line over `maxLineBytes`; `invalid_options` at once.
 * @example
 * ```ts
 * await importMemory(memory, ndjsonLines(process.stdin));
 * ```
 */
export function ndjsonLines(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  options: NdjsonLinesOptions = {},
): AsyncIterable<string> {
  const maxLineBytes = positiveInteger(
    'maxLineBytes',
    options.maxLineBytes,
    DEFAULT_MAX_LINE_BYTES,
  );
  return splitLines(chunks, maxLineBytes);
}
