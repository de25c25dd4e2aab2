import { MemoryError } from '../errors/families.js';
import { safeParseMemoryKey } from '../identifiers/identifiers.js';
import { exceedsUtf8Bytes, utf8ByteLength } from '../text/utf8.js';
import { compareMemoryKeys } from './compare-keys.js';

/** The `format` field of every snapshot skreaver writes. */
export const MEMORY_SNAPSHOT_FORMAT = 'skreaver.memory';
/** The snapshot format version this release writes and reads. */
export const MEMORY_SNAPSHOT_VERSION = 1;

/** The default of `maxSnapshotBytes`: 64 MiB. */
export const DEFAULT_MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024;

/** The content of a snapshot: values, and expiry times for the entries that have one. */
export interface MemorySnapshotContent {
  /** Key to value; keys are validated and trimmed. */
  readonly entries: ReadonlyMap<string, string>;
  /** Key to expiry time in epoch milliseconds; only keys present in `entries`. */
  readonly expiresAt: ReadonlyMap<string, number>;
  /**
   * The namespace (or key prefix) of the memory the snapshot was taken from,
   * when it has one. A namespaced memory refuses a snapshot of another
   * namespace; a snapshot without one restores anywhere.
   */
  readonly namespace?: string;
}

/** One thing wrong with a snapshot. */
export interface SnapshotProblem {
  /** Where, as a JSON Pointer into the document (`''` is the whole document, `/entries/a~1b` the entry `a/b`). */
  readonly path: string;
  /** What is wrong there. */
  readonly message: string;
}

/** The `data` of a `snapshot_invalid` error. */
export interface SnapshotInvalidData {
  /** The first problems found, at most `maxReportedProblems`. */
  readonly problems: readonly SnapshotProblem[];
  /** How many problems were found in all. */
  readonly problemCount: number;
}

/** Options of {@link parseMemorySnapshot}. */
export interface ParseMemorySnapshotOptions {
  /**
   * Largest document accepted, in UTF-8 bytes; a larger one rejects with
   * `memory_limit_exceeded` before it is parsed.
   * @defaultValue 67108864 (64 MiB)
   */
  readonly maxSnapshotBytes?: number;
  /**
   * Largest value accepted, in UTF-8 bytes; a larger one is a problem.
   * @defaultValue Infinity
   */
  readonly maxValueBytes?: number;
  /**
   * Largest key accepted after trimming, in UTF-8 bytes (a namespace leaves
   * less than the 128 bytes of a memory key); a longer one is a problem.
   * @defaultValue 128
   */
  readonly maxKeyBytes?: number;
  /**
   * How many problems the error's `data.problems` lists at most.
   * @defaultValue 20
   */
  readonly maxReportedProblems?: number;
  /**
   * The namespace of the memory restoring the snapshot. A snapshot that
   * declares a different namespace is a problem at `/namespace` (copy data
   * between namespaces with NDJSON export and import instead). `undefined`
   * accepts any namespace.
   * @defaultValue undefined
   */
  readonly namespace?: string;
}

const LONE_SURROGATE = /\p{Cs}/u;
const VERSIONED_FIELDS = new Set(['format', 'version', 'namespace', 'entries', 'expiresAt']);

/**
 * Writes a snapshot document:
 * `{"format":"skreaver.memory","version":1,"entries":{...},"expiresAt":{...}}`
 * with keys in {@link compareMemoryKeys} order, so equal content gives equal text.
 * The caller leaves out expired entries.
 */
export function formatMemorySnapshot(content: MemorySnapshotContent): string {
  const keys = [...content.entries.keys()];
  // Code-unit order (the native sort) equals code-point order unless a key
  // holds a surrogate pair, which needs the slower comparator.
  if (keys.some(hasSurrogate)) keys.sort(compareMemoryKeys);
  else keys.sort();
  const namespace =
    content.namespace === undefined ? '' : `"namespace":${JSON.stringify(content.namespace)},`;
  const head = `{"format":"${MEMORY_SNAPSHOT_FORMAT}","version":${MEMORY_SNAPSHOT_VERSION},${namespace}"entries":`;
  return `${head}${jsonObject(keys, content.entries)},"expiresAt":${jsonObject(
    keys.filter((key) => content.expiresAt.has(key)),
    content.expiresAt,
  )}}`;
}

const SURROGATE = /[\uD800-\uDFFF]/;
const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;

function hasSurrogate(key: string): boolean {
  return SURROGATE.test(key);
}

/** `{"key":value,...}` in the order of `keys`. */
function jsonObject(keys: readonly string[], values: ReadonlyMap<string, unknown>): string {
  // One native JSON.stringify of an object built in order is several times
  // faster than stringifying entry by entry, but objects move array-index
  // keys ("42") to the front: those documents are built by hand.
  if (!keys.some((key) => ARRAY_INDEX.test(key))) {
    const object: Record<string, unknown> = {};
    for (const key of keys) {
      // defineProperty, not assignment: a key "__proto__" must stay a plain entry.
      if (key === '__proto__') {
        Object.defineProperty(object, key, {
          value: values.get(key),
          enumerable: true,
          configurable: true,
          writable: true,
        });
      } else object[key] = values.get(key);
    }
    return JSON.stringify(object);
  }
  return `{${keys.map((key) => `${JSON.stringify(key)}:${JSON.stringify(values.get(key))}`).join(',')}}`;
}

/**
 * Parses and validates a snapshot completely, so a restore can change nothing
 * when anything is wrong. Accepts the versioned document that
 * {@link formatMemorySnapshot} writes, and the Rust original's flat
 * `{"key":"value",...}` object (no expiry) so old data can be migrated. A
 * document is read as versioned when its `format` field is
 * `"skreaver.memory"`; anything else is read as flat. Keys are trimmed like
 * memory keys everywhere; two keys that trim to the same key are a problem.
 *
 * @throws {@link MemoryError} `snapshot_invalid` (with {@link SnapshotInvalidData}) or `memory_limit_exceeded`.
 * @example
 * ```ts
 * const { entries } = parseMemorySnapshot('{"user:1":"Ada"}');
 * entries.get('user:1'); // 'Ada'
 * ```
 */
export function parseMemorySnapshot(
  input: unknown,
  options: ParseMemorySnapshotOptions = {},
): MemorySnapshotContent {
  const maxSnapshotBytes = options.maxSnapshotBytes ?? DEFAULT_MAX_SNAPSHOT_BYTES;
  const problems = problemList(options.maxReportedProblems ?? 20);
  if (typeof input !== 'string') {
    problems.add('', `A snapshot must be a string of JSON, got ${describe(input)}.`);
    throw problems.error();
  }
  if (exceedsUtf8Bytes(input, maxSnapshotBytes)) {
    const bytes = utf8ByteLength(input);
    throw new MemoryError(
      'memory_limit_exceeded',
      `The snapshot is ${bytes} bytes; this memory accepts at most ${maxSnapshotBytes} bytes (option maxSnapshotBytes). Nothing was restored.`,
      { data: { bytes, maxBytes: maxSnapshotBytes } },
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(input);
  } catch (error) {
    // JSON.parse throws only SyntaxError.
    problems.add('', `Not valid JSON (${(error as SyntaxError).message}).`);
    throw problems.error();
  }
  const checker = entryChecker(problems, options);
  let namespace: string | undefined;
  if (!isObject(document)) {
    problems.add('', `A snapshot must be a JSON object, got ${describe(document)}.`);
  } else if (document.format === MEMORY_SNAPSHOT_FORMAT) {
    namespace = readVersioned(document, checker, problems, options.namespace);
  } else {
    checker.readEntries(document, '');
  }
  if (problems.count > 0) throw problems.error();
  return namespace === undefined
    ? { entries: checker.entries, expiresAt: checker.expiresAt }
    : { entries: checker.entries, expiresAt: checker.expiresAt, namespace };
}

type Problems = ReturnType<typeof problemList>;
type Checker = ReturnType<typeof entryChecker>;

function readVersioned(
  document: Record<string, unknown>,
  checker: Checker,
  problems: Problems,
  expectedNamespace: string | undefined,
): string | undefined {
  for (const field of Object.keys(document)) {
    if (!VERSIONED_FIELDS.has(field)) {
      problems.add(
        pointer('', field),
        `Unknown field; a version ${MEMORY_SNAPSHOT_VERSION} snapshot has only format, version, namespace, entries and expiresAt.`,
      );
    }
  }
  if (document.version !== MEMORY_SNAPSHOT_VERSION) {
    problems.add(
      '/version',
      `Unsupported snapshot version (got ${describe(document.version)}); this release reads version ${MEMORY_SNAPSHOT_VERSION}.`,
    );
  }
  if (!isObject(document.entries)) {
    problems.add(
      '/entries',
      `entries must be an object of key to string value, got ${describe(document.entries)}.`,
    );
  } else {
    checker.readEntries(document.entries, '/entries');
  }
  if (document.expiresAt !== undefined) {
    if (!isObject(document.expiresAt)) {
      problems.add(
        '/expiresAt',
        `expiresAt must be an object of key to epoch milliseconds, got ${describe(document.expiresAt)}.`,
      );
    } else {
      checker.readExpiry(document.expiresAt, '/expiresAt');
    }
  }
  return readNamespace(document.namespace, problems, expectedNamespace);
}

function readNamespace(
  namespace: unknown,
  problems: Problems,
  expected: string | undefined,
): string | undefined {
  if (namespace === undefined) return undefined;
  if (typeof namespace !== 'string') {
    problems.add('/namespace', `namespace must be a string, got ${describe(namespace)}.`);
    return undefined;
  }
  if (expected !== undefined && namespace !== expected) {
    problems.add(
      '/namespace',
      `The snapshot was taken from namespace ${JSON.stringify(namespace)}; this memory is ${expected === '' ? 'not namespaced' : `namespace ${JSON.stringify(expected)}`}. Copy data between namespaces with NDJSON export and import.`,
    );
  }
  return namespace;
}

function entryChecker(problems: Problems, options: ParseMemorySnapshotOptions) {
  const maxValueBytes = options.maxValueBytes ?? Infinity;
  const maxKeyBytes = options.maxKeyBytes ?? Infinity;
  const entries = new Map<string, string>();
  const expiresAt = new Map<string, number>();

  function key(raw: string, path: string, seen: Map<string, string>): string | undefined {
    const parsed = safeParseMemoryKey(raw);
    if (!parsed.ok) {
      problems.add(path, parsed.error.message);
      return undefined;
    }
    const trimmed: string = parsed.value;
    if (maxKeyBytes !== Infinity && utf8ByteLength(trimmed) > maxKeyBytes) {
      problems.add(
        path,
        `The key '${trimmed}' is ${utf8ByteLength(trimmed)} bytes; at most ${maxKeyBytes} fit here.`,
      );
      return undefined;
    }
    const earlier = seen.get(trimmed);
    if (earlier !== undefined) {
      problems.add(path, `The key trims to '${trimmed}', like the key at ${earlier}.`);
      return undefined;
    }
    seen.set(trimmed, path);
    return trimmed;
  }

  const seenEntries = new Map<string, string>();
  return {
    entries,
    expiresAt,
    readEntries(object: Record<string, unknown>, base: string): void {
      for (const [raw, value] of Object.entries(object)) {
        const path = pointer(base, raw);
        const trimmed = key(raw, path, seenEntries);
        if (typeof value !== 'string') {
          problems.add(path, `A value must be a string, got ${describe(value)}.`);
        } else if (LONE_SURROGATE.test(value)) {
          problems.add(path, 'The value holds a lone UTF-16 surrogate, which cannot be stored.');
        } else if (maxValueBytes !== Infinity && exceedsUtf8Bytes(value, maxValueBytes)) {
          problems.add(
            path,
            `The value is ${utf8ByteLength(value)} bytes; at most ${maxValueBytes} are allowed (option maxValueBytes).`,
          );
        } else if (trimmed !== undefined) {
          entries.set(trimmed, value);
        }
      }
    },
    readExpiry(object: Record<string, unknown>, base: string): void {
      const seen = new Map<string, string>();
      for (const [raw, value] of Object.entries(object)) {
        const path = pointer(base, raw);
        const trimmed = key(raw, path, seen);
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          problems.add(
            path,
            `An expiry time must be a finite number of epoch milliseconds, got ${describe(value)}.`,
          );
        } else if (trimmed !== undefined && !seenEntries.has(trimmed)) {
          problems.add(path, `The key '${trimmed}' has an expiry time but no entry.`);
        } else if (trimmed !== undefined) {
          expiresAt.set(trimmed, value);
        }
      }
    },
  };
}

function problemList(max: number) {
  const problems: SnapshotProblem[] = [];
  let count = 0;
  return {
    get count() {
      return count;
    },
    add(path: string, message: string): void {
      count++;
      if (problems.length < max) problems.push({ path, message });
    },
    error(): MemoryError<SnapshotInvalidData> {
      const first = problems[0];
      const where =
        first === undefined
          ? ''
          : ` The first, at ${first.path === '' ? 'the document root' : first.path}: ${first.message}`;
      return new MemoryError<SnapshotInvalidData>(
        'snapshot_invalid',
        `The snapshot is invalid (${count} problem${count === 1 ? '' : 's'}); nothing was restored.${where}`,
        { data: { problems, problemCount: count } },
      );
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'number' ? `the number ${value}` : typeof value;
}

/** A JSON Pointer (RFC 6901) to `key` under `base`. */
function pointer(base: string, key: string): string {
  return `${base}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}
