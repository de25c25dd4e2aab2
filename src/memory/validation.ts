import { MemoryError, ValidationError } from '../errors/families.js';
import { safeParseMemoryKey } from '../identifiers/identifiers.js';
import { exceedsUtf8Bytes, utf8ByteLength } from '../text/utf8.js';

/*
 * The argument checks every Memory implementation applies, public so that
 * adapters reject exactly what the in-memory memory rejects (the conformance
 * suite checks it). Each throws; the memory methods turn that into a rejection.
 */

const LONE_SURROGATE = /\p{Cs}/u;

type MaybeWellFormed = { isWellFormed?: () => boolean };

/** Whether `text` holds a lone surrogate; `isWellFormed` (ES2024) where present skips the regex. */
function hasLoneSurrogate(text: string): boolean {
  const native = text as unknown as MaybeWellFormed;
  return typeof native.isWellFormed === 'function'
    ? !native.isWellFormed()
    : LONE_SURROGATE.test(text);
}

/** The `data` of an `invalid_input` error about a memory value. */
export interface MemoryValueErrorData {
  /** The key the value was meant for. */
  readonly key: string;
  /** What was wrong. */
  readonly reason: 'not_a_string' | 'not_well_formed';
}

/** The `data` of a `memory_limit_exceeded` error about a value. */
export interface MemoryValueLimitData {
  /** The key the value was meant for. */
  readonly key: string;
  /** The value's size in UTF-8 bytes. */
  readonly bytes: number;
  /** The configured limit in UTF-8 bytes. */
  readonly maxBytes: number;
}

/**
 * Checks a memory key and returns it trimmed.
 *
 * @throws {@link ValidationError} with code `invalid_identifier`.
 */
export function validateMemoryKey(key: unknown): string {
  const result = safeParseMemoryKey(key);
  if (!result.ok) throw result.error;
  return result.value;
}

/**
 * Checks a `keys()` prefix and returns it trimmed. An omitted or empty prefix
 * is `''` (every key); any other prefix follows the memory-key rules, since a
 * prefix no key could start with is a bug worth reporting rather than an
 * empty answer.
 *
 * @throws {@link ValidationError} with code `invalid_identifier`.
 */
export function validateKeyPrefix(prefix: unknown): string {
  if (prefix === undefined || prefix === '') return '';
  return validateMemoryKey(prefix);
}

/**
 * Checks a value: a well-formed string (no lone UTF-16 surrogates, which
 * UTF-8 backends cannot store and would silently replace) of at most
 * `maxValueBytes` UTF-8 bytes.
 *
 * @param key - The (validated) key, for the error message.
 * @param maxValueBytes - The limit in UTF-8 bytes. @defaultValue Infinity
 * @throws {@link ValidationError} `invalid_input`, or {@link MemoryError} `memory_limit_exceeded`.
 */
export function validateMemoryValue(key: string, value: unknown, maxValueBytes = Infinity): string {
  if (typeof value !== 'string') {
    throw new ValidationError<MemoryValueErrorData>(
      'invalid_input',
      `The value for memory key '${key}' must be a string, got ${value === null ? 'null' : typeof value}; serialise it first (JSON.stringify).`,
      { data: { key, reason: 'not_a_string' } },
    );
  }
  if (hasLoneSurrogate(value)) {
    throw new ValidationError<MemoryValueErrorData>(
      'invalid_input',
      `The value for memory key '${key}' holds a lone UTF-16 surrogate, which cannot be stored as UTF-8; fix the text or encode it (base64, JSON with escapes).`,
      { data: { key, reason: 'not_well_formed' } },
    );
  }
  if (maxValueBytes !== Infinity && exceedsUtf8Bytes(value, maxValueBytes)) {
    const bytes = utf8ByteLength(value);
    throw new MemoryError<MemoryValueLimitData>(
      'memory_limit_exceeded',
      `The value for memory key '${key}' is ${bytes} bytes; this memory allows at most ${maxValueBytes} bytes per value (option maxValueBytes).`,
      { data: { key, bytes, maxBytes: maxValueBytes } },
    );
  }
  return value;
}

/**
 * Checks write options and returns the TTL in milliseconds, or `undefined`
 * when there is none. A TTL must be a positive finite number.
 *
 * @throws {@link ValidationError} with code `invalid_input`.
 */
export function validateStoreOptions(options: unknown): number | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError(
      'invalid_input',
      `Store options must be an object such as { ttlMs: 1000 }, got ${options === null ? 'null' : typeof options}.`,
    );
  }
  const ttlMs = (options as { ttlMs?: unknown }).ttlMs;
  if (ttlMs === undefined) return undefined;
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new ValidationError(
      'invalid_input',
      `ttlMs must be a positive finite number of milliseconds, got ${String(ttlMs)}; omit it for an entry that never expires.`,
      { data: { ttlMs } },
    );
  }
  return ttlMs;
}

/**
 * Checks that `keys` is an array and returns every key validated and trimmed.
 *
 * @throws {@link ValidationError} `invalid_input` (not an array) or `invalid_identifier`.
 */
export function validateMemoryKeys(keys: unknown): string[] {
  if (!Array.isArray(keys)) {
    throw new ValidationError('invalid_input', 'loadMany expects an array of memory keys.');
  }
  return keys.map(validateMemoryKey);
}

/**
 * Checks a batch for `storeMany` and returns it validated (keys trimmed),
 * so a backend can check everything before it writes anything.
 *
 * @throws {@link ValidationError} `invalid_input` or `invalid_identifier`, or {@link MemoryError} `memory_limit_exceeded`.
 */
export function validateMemoryEntries(
  entries: unknown,
  maxValueBytes = Infinity,
): { key: string; value: string }[] {
  if (!Array.isArray(entries)) {
    throw new ValidationError(
      'invalid_input',
      'storeMany expects an array of { key, value } entries.',
    );
  }
  return entries.map((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null) {
      throw new ValidationError(
        'invalid_input',
        `storeMany entry ${index} must be an object { key, value }, got ${entry === null ? 'null' : typeof entry}.`,
        { data: { index } },
      );
    }
    const { key: rawKey, value: rawValue } = entry as { key?: unknown; value?: unknown };
    const key = validateMemoryKey(rawKey);
    return { key, value: validateMemoryValue(key, rawValue, maxValueBytes) };
  });
}
