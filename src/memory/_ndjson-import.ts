import { MemoryError, TransactionError, ValidationError } from '../errors/families.js';
import { isSkreaverError } from '../errors/skreaver-error.js';
import { exceedsUtf8Bytes, utf8ByteLength } from '../text/utf8.js';
import type { MemoryWriter } from './memory.js';
import type { ImportErrorData, ImportMemoryResult } from './ndjson.js';
import { validateMemoryKey, validateMemoryValue } from './validation.js';

/* The line-by-line work of `importMemory` (see ndjson.ts for the format). */

const LINE_FIELDS = new Set(['key', 'value', 'expiresAt']);

/** One parsed line waiting for its batch to be written. */
interface Pending {
  readonly key: string;
  readonly value: string;
  readonly expiresAt: number | undefined;
  readonly line: number;
}

/** `importMemory`'s options with defaults applied, plus what it knows of the memory. */
export interface ImportSettings {
  readonly batchSize: number;
  readonly maxLineBytes: number;
  readonly ignoreExpiry: boolean;
  readonly now: () => number;
  readonly atomic: boolean;
  readonly ttl: boolean;
}

/** A value's kind for an error message. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value;
}

/** Parses `lines` and writes them to `target` in batches; see `importMemory`. */
export async function importLines(
  target: MemoryWriter,
  lines: AsyncIterable<string> | Iterable<string>,
  settings: ImportSettings,
): Promise<ImportMemoryResult> {
  let lineNumber = 0;
  let imported = 0;
  let expired = 0;
  let blank: number | undefined;
  let batch: Pending[] = [];

  const note = () => {
    if (settings.atomic) return 'Nothing was imported (atomic import).';
    if (imported === 0) return 'Nothing was imported.';
    return `${imported} ${imported === 1 ? 'entry was' : 'entries were'} imported before it and stay; later lines were not imported.`;
  };
  const invalid = (at: number, detail: string, cause?: unknown) =>
    new ValidationError<ImportErrorData>('invalid_input', `NDJSON line ${at} ${detail} ${note()}`, {
      data: { line: at, imported: settings.atomic ? 0 : imported },
      ...(cause === undefined ? {} : { cause }),
    });
  const stopped = (at: number, error: unknown, prefix: string, fallback: Fallback) =>
    rethrown(
      error,
      { line: at, imported: settings.atomic ? 0 : imported },
      `${prefix} ${note()}`,
      fallback,
    );

  async function flush(): Promise<void> {
    const pending = batch;
    batch = [];
    const now = settings.now();
    const latest = new Map<string, Pending>();
    for (const entry of pending) {
      if (!settings.ignoreExpiry && entry.expiresAt !== undefined && entry.expiresAt <= now) {
        expired++;
        continue;
      }
      latest.delete(entry.key);
      latest.set(entry.key, entry);
    }
    // storeMany takes one TTL for all its entries, so entries are grouped by
    // TTL; each key is in one group only, so the order between groups is free.
    const groups = new Map<number | undefined, Pending[]>();
    for (const entry of latest.values()) {
      const ttl =
        settings.ignoreExpiry || entry.expiresAt === undefined ? undefined : entry.expiresAt - now;
      const group = groups.get(ttl);
      if (group === undefined) groups.set(ttl, [entry]);
      else group.push(entry);
    }
    for (const [ttlMs, entries] of groups) {
      try {
        await target.storeMany(
          entries.map(({ key, value }) => ({ key, value })),
          ttlMs === undefined ? undefined : { ttlMs },
        );
      } catch (error) {
        // A limit error names its key, which points at the exact line.
        const key = isSkreaverError(error)
          ? (error.data as { key?: unknown } | undefined)?.key
          : '';
        const at = entries.find((entry) => entry.key === key)?.line ?? (entries[0] as Pending).line;
        throw stopped(at, error, `NDJSON line ${at} could not be stored: {}`, 'memory_io');
      }
      imported += entries.length;
    }
  }

  function parse(raw: unknown, at: number): Pending {
    if (typeof raw !== 'string') throw invalid(at, `must be a string, got ${describe(raw)}.`);
    if (exceedsUtf8Bytes(raw, settings.maxLineBytes)) {
      throw invalid(
        at,
        `is ${utf8ByteLength(raw)} bytes; at most ${settings.maxLineBytes} are accepted (option maxLineBytes).`,
      );
    }
    let document: unknown;
    try {
      document = JSON.parse(raw);
    } catch (error) {
      throw invalid(at, `is not valid JSON (${(error as Error).message}).`);
    }
    if (typeof document !== 'object' || document === null || Array.isArray(document)) {
      throw invalid(
        at,
        `must be a JSON object {"key":...,"value":...}, got ${describe(document)}.`,
      );
    }
    const fields = document as Record<string, unknown>;
    for (const field of Object.keys(fields)) {
      if (!LINE_FIELDS.has(field)) {
        throw invalid(
          at,
          `has an unknown field '${field}'; a line has key, value and expiresAt only.`,
        );
      }
    }
    if (typeof fields.key !== 'string') {
      throw invalid(at, `needs a string "key", got ${describe(fields.key)}.`);
    }
    if (typeof fields.value !== 'string') {
      throw invalid(at, `needs a string "value", got ${describe(fields.value)}.`);
    }
    let key: string;
    try {
      key = validateMemoryKey(fields.key);
      validateMemoryValue(key, fields.value);
    } catch (error) {
      throw invalid(at, `is not a valid entry: ${(error as Error).message}`, error);
    }
    const expiresAt = fields.expiresAt;
    if (expiresAt === undefined) return { key, value: fields.value, expiresAt, line: at };
    if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt) || expiresAt <= 0) {
      throw invalid(
        at,
        `has an invalid "expiresAt" (${String(expiresAt)}); it must be a positive number of epoch milliseconds.`,
      );
    }
    if (!settings.ignoreExpiry && !settings.ttl) {
      throw new MemoryError<ImportErrorData>(
        'memory_unsupported',
        `NDJSON line ${at} has an expiry, but this memory does not support TTLs; import with ignoreExpiry to store such entries permanently. ${note()}`,
        { data: { line: at, imported: settings.atomic ? 0 : imported } },
      );
    }
    return { key, value: fields.value, expiresAt, line: at };
  }

  const iterator = (
    Symbol.asyncIterator in lines
      ? (lines as AsyncIterable<string>)[Symbol.asyncIterator]()
      : (lines as Iterable<string>)[Symbol.iterator]()
  ) as AsyncIterator<unknown> | Iterator<unknown>;
  try {
    for (;;) {
      let next: IteratorResult<unknown>;
      try {
        next = await iterator.next();
      } catch (error) {
        // The source failed (bad UTF-8, a read error): keep its error and
        // add where the import stopped.
        throw stopped(lineNumber + 1, error, '{}', 'invalid_input');
      }
      if (next.done === true) break;
      lineNumber++;
      if (blank !== undefined) throw invalid(blank, 'is blank; only the last line may be.');
      let raw = next.value;
      if (typeof raw === 'string' && raw.endsWith('\r')) raw = raw.slice(0, -1);
      if (typeof raw === 'string' && raw.trim() === '') {
        blank = lineNumber;
        continue;
      }
      batch.push(parse(raw, lineNumber));
      if (batch.length >= settings.batchSize) await flush();
    }
    await flush();
  } catch (error) {
    try {
      await iterator.return?.();
    } catch {
      // The import's own error says what went wrong; a source that also
      // fails to close adds nothing the user can act on.
    }
    throw error;
  }
  return { imported, expired };
}

/** The code for errors that are not skreaver's: from the memory, or from the source of lines. */
export type Fallback = 'memory_io' | 'invalid_input';

/**
 * Re-throws a failure with where the import stopped, keeping its family and
 * code (a retryable `memory_unavailable` stays retryable) and the original
 * as `cause`. `template`'s `{}` is replaced by the original message. Errors
 * that are not skreaver's get `fallback`: `memory_io` from the memory,
 * `invalid_input` from the source of lines.
 */
export function rethrown(
  error: unknown,
  where: ImportErrorData,
  template: string,
  fallback: Fallback,
) {
  const message = template.replace('{}', () =>
    error instanceof Error ? error.message : String(error),
  );
  const own = isSkreaverError(error) && typeof error.data === 'object' ? error.data : {};
  const options = { data: { ...own, ...where }, cause: error };
  if (error instanceof ValidationError) return new ValidationError(error.code, message, options);
  if (error instanceof MemoryError) return new MemoryError(error.code, message, options);
  if (error instanceof TransactionError) return new TransactionError(error.code, message, options);
  return fallback === 'memory_io'
    ? new MemoryError('memory_io', message, options)
    : new ValidationError('invalid_input', message, options);
}
