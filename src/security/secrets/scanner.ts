import { type KnownOptions, rejectUnknownOptions } from '../../_known-options.js';
import { SecurityError, ValidationError } from '../../errors/families.js';
import { KeyCache } from './_key-cache.js';
import { redactWalk, type ValueSecretFinding, walkSecrets } from './_walk.js';
import { SECRET_DETECTORS, type SecretDetector, type SecretDetectorName } from './detectors.js';

/** The options createSecretScanner takes, checked against SecretScannerOptions. */
const SECRET_SCANNER_OPTIONS = {
  extraPatterns: true,
  detectors: true,
  maxLength: true,
  sensitiveKeys: true,
  maxDepth: true,
} satisfies KnownOptions<SecretScannerOptions>;

/** Where a secret was found in a text: `text.slice(start, end)` is the secret. */
export interface SecretFinding {
  /** The detector that found it: a built-in name, `custom` for an extra pattern. */
  readonly detector: SecretDetectorName | 'custom';
  /** Index of its first UTF-16 code unit. */
  readonly start: number;
  /** Index just past its last code unit. */
  readonly end: number;
}

/** What replaces each secret. */
export const REDACTED = '[REDACTED]';

/** Defaults of {@link SecretScannerOptions}. */
export const SECRET_SCANNER_DEFAULTS = Object.freeze({
  maxLength: 16 * 1024 * 1024,
  maxDepth: 256,
  sensitiveKeys: true,
});

/** Options of {@link createSecretScanner}. */
export interface SecretScannerOptions {
  /**
   * Extra detectors: regular-expression sources (compiled with the `u` flag)
   * or `RegExp` objects. Their findings are named `custom`. Keep them linear
   * (no nested quantifiers); `validatePolicy()` refuses nested ones in
   * `secrets.extraPatterns`.
   * @defaultValue []
   */
  readonly extraPatterns?: readonly (string | RegExp)[];
  /**
   * The built-in detectors to run, by name.
   * @defaultValue every detector in `SECRET_DETECTORS`
   */
  readonly detectors?: readonly SecretDetectorName[];
  /**
   * Longest text scanned, in UTF-16 code units. `scan` and `hasSecret` throw
   * `size_limit_exceeded` past it; `redact` redacts the first `maxLength`
   * units and replaces the rest with a `[TRUNCATED n characters]` marker.
   * @defaultValue 16777216
   */
  readonly maxLength?: number;
  /**
   * Whether a value under a secret-named key (`password`, `apiKey`,
   * `Authorization`, ... see `isSensitiveKey`) counts as a secret in
   * `scanValue` and is replaced whole by `redactValue`.
   * @defaultValue true
   */
  readonly sensitiveKeys?: boolean;
  /**
   * How deep `scanValue` and `redactValue` descend: past it `scanValue`
   * throws `size_limit_exceeded` and `redactValue` puts `[TRUNCATED]`.
   * @defaultValue 256
   */
  readonly maxDepth?: number;
}

/** A compiled set of detectors; create once, use on every call. */
export interface SecretScanner {
  /**
   * Every secret in `text`, in order, overlapping findings merged.
   * @throws `SecurityError` with code `size_limit_exceeded` when `text` is longer than `maxLength`.
   */
  scan(text: string): SecretFinding[];
  /**
   * Whether `text` holds any secret; stops at the first.
   * @throws `SecurityError` with code `size_limit_exceeded` when `text` is longer than `maxLength`.
   */
  hasSecret(text: string): boolean;
  /** `text` with every secret replaced by `[REDACTED]`; never throws. */
  redact(text: string): string;
  /**
   * Secrets in a JSON-like value: in every string, and values under
   * secret-named keys; each with the JSON Pointer of the string it is in.
   */
  scanValue(value: unknown): ValueSecretFinding[];
  /**
   * A copy of a JSON-like value with secrets redacted in every string and
   * values under secret-named keys replaced by `[REDACTED]`. Parts that need
   * no change are shared, and the value itself comes back when nothing
   * changed. Errors become `{ name, message }`; cycles become `[CIRCULAR]`.
   */
  redactValue(value: unknown): unknown;
}

interface Compiled {
  readonly name: SecretDetectorName | 'custom';
  /** Its `needs` as a bit of {@link NEEDS}. */
  readonly needs: number;
  readonly regex: RegExp;
  /** Its `hint`; null for extra patterns, which always run. */
  readonly hint: RegExp | null;
  readonly accept: SecretDetector['accept'];
}

/** Texts shorter than this cannot hold a built-in finding (`a://:x@` is the shortest). */
const SHORTEST_BUILT_IN = 7;

function invalid(option: string, value: unknown, rule: string, cause?: unknown): ValidationError {
  return new ValidationError('invalid_options', `The secret scanner option '${option}' ${rule}.`, {
    data: { option, value },
    ...(cause === undefined ? {} : { cause }),
  });
}

function compileExtra(pattern: string | RegExp, index: number): Compiled {
  try {
    const regex =
      typeof pattern === 'string'
        ? new RegExp(pattern, 'gu')
        : new RegExp(
            pattern.source,
            pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`,
          );
    return { name: 'custom', needs: NEEDS.none, regex, hint: null, accept: undefined };
  } catch (error) {
    throw invalid(`extraPatterns[${index}]`, pattern, 'must be a valid regular expression', error);
  }
}

function positive(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalid(option, value, 'must be a positive integer');
  }
  return value;
}

/** Appends the findings of one detector; a rejected match resumes at its value, where a real secret may start. */
function run(detector: Compiled, text: string, out: SecretFinding[], first: boolean): boolean {
  const regex = detector.regex;
  regex.lastIndex = 0;
  for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
    const whole = match[0];
    if (whole.length === 0) {
      regex.lastIndex++;
      continue;
    }
    const span = detector.accept === undefined ? [0, whole.length] : detector.accept(match);
    if (span !== undefined) {
      out.push({
        detector: detector.name,
        start: match.index + (span[0] ?? 0),
        end: match.index + (span[1] ?? 0),
      });
      if (first) return true;
    } else if (match.length > 1) {
      const value = match[match.length - 1] ?? '';
      const at = whole.lastIndexOf(value);
      if (at > 0) regex.lastIndex = match.index + at;
    }
  }
  return false;
}

/** Whether `text` has `length` or more characters in a row with no space among them. */
function hasRun(text: string, length: number): boolean {
  let start = 0;
  for (;;) {
    const space = text.indexOf(' ', start);
    const end = space === -1 ? text.length : space;
    if (end - start >= length) return true;
    if (space === -1) return false;
    start = space + 1;
  }
}

const NEEDS = { none: 1, run: 2, assign: 4, scheme: 8, dashes: 16 } as const;

/** The `needs` bits (see `SecretDetector.needs`) that `text` meets, limited to those in `wanted`. */
function factsOf(text: string, wanted: number): number {
  let facts: number = NEEDS.none;
  if (wanted & NEEDS.dashes && text.includes('-----')) facts |= NEEDS.dashes;
  if (wanted & NEEDS.scheme && text.includes('://')) facts |= NEEDS.scheme;
  if (wanted & NEEDS.assign && (text.includes('=') || text.includes(':'))) facts |= NEEDS.assign;
  if (wanted & NEEDS.run && hasRun(text, 16)) facts |= NEEDS.run;
  return facts;
}

/** Sorts findings and merges overlapping ones into the earliest. */
function merge(findings: SecretFinding[]): SecretFinding[] {
  if (findings.length < 2) return findings;
  findings.sort((a, b) => a.start - b.start);
  const merged: SecretFinding[] = [];
  let current = findings[0] as SecretFinding;
  for (let i = 1; i < findings.length; i++) {
    const next = findings[i] as SecretFinding;
    if (next.start < current.end) {
      if (next.end > current.end) current = { ...current, end: next.end };
    } else {
      merged.push(current);
      current = next;
    }
  }
  merged.push(current);
  return merged;
}

/**
 * Compiles secret detectors once for repeated use (the guard keeps one per
 * policy). The built-in detectors are listed in `SECRET_DETECTORS`; all are
 * linear-time, and ordinary text with `=`, `(`, `;`, `&` or `$` is never
 * flagged just for those characters. A single pass over every detector's
 * cheap necessary condition lets most ordinary text through at once.
 *
 * @throws `ValidationError` with code `invalid_options` for a bad option or extra pattern.
 * @example
 * ```ts
 * const scanner = createSecretScanner({ extraPatterns: ['\\bACME-[0-9]{12}\\b'] });
 * scanner.redact('key AKIAIOSFODNN7EXAMPLE'); // 'key [REDACTED]'
 * scanner.scan('password=hunter2hunter2'); // [{ detector: 'secret_assignment', start: 9, end: 23 }]
 * ```
 */
export function createSecretScanner(options: SecretScannerOptions = {}): SecretScanner {
  rejectUnknownOptions('createSecretScanner', options, SECRET_SCANNER_OPTIONS);
  const maxLength = positive('maxLength', options.maxLength, SECRET_SCANNER_DEFAULTS.maxLength);
  const maxDepth = positive('maxDepth', options.maxDepth, SECRET_SCANNER_DEFAULTS.maxDepth);
  const sensitiveKeys = options.sensitiveKeys ?? SECRET_SCANNER_DEFAULTS.sensitiveKeys;
  const wanted = options.detectors;
  if (wanted !== undefined && !Array.isArray(wanted)) {
    throw invalid('detectors', wanted, 'must be an array of detector names');
  }
  const known = new Set<string>(SECRET_DETECTORS.map((d) => d.name));
  for (const name of wanted ?? []) {
    if (!known.has(name)) throw invalid('detectors', name, `has an unknown detector name`);
  }
  const builtIns = SECRET_DETECTORS.filter((d) => wanted === undefined || wanted.includes(d.name));
  const detectors: Compiled[] = builtIns.map((d) => ({
    name: d.name,
    needs: NEEDS[d.needs],
    regex: new RegExp(d.source, `g${d.flags}`),
    hint: new RegExp(d.hint, 'i'),
    accept: d.accept,
  }));
  const wantedFacts = detectors.reduce((bits, d) => bits | d.needs, 0);
  // Per condition, the hints of its detectors as one alternation: ordinary
  // text (a URL, a path: a long run with no space) is passed over by one
  // scan instead of one per detector. Indexed by the condition's bit.
  const groupHints: (RegExp | undefined)[] = [];
  for (const bit of Object.values(NEEDS)) {
    const hints = detectors.filter((d) => d.needs === bit).map((d) => (d.hint as RegExp).source);
    if (hints.length > 1) groupHints[bit] = new RegExp(hints.map((h) => `(?:${h})`).join('|'), 'i');
  }
  const extraPatterns = options.extraPatterns ?? [];
  if (!Array.isArray(extraPatterns)) {
    throw invalid('extraPatterns', extraPatterns, 'must be an array');
  }
  const extras = extraPatterns.map(compileExtra);

  const tooLong = (text: string): SecurityError =>
    new SecurityError(
      'size_limit_exceeded',
      `The text to scan for secrets is ${text.length} characters; the limit is ${maxLength}.`,
      { data: { length: text.length, limit: maxLength } },
    );

  const collect = (text: string, first: boolean): SecretFinding[] => {
    const found: SecretFinding[] = [];
    const facts = text.length >= SHORTEST_BUILT_IN ? factsOf(text, wantedFacts) : 0;
    if (facts > NEEDS.none || (facts === NEEDS.none && wantedFacts & NEEDS.none)) {
      // Detectors run in their listed order (it decides which name an
      // overlap keeps); a condition's joint hint is tested once, when its
      // first detector comes up.
      let passed = 0;
      let failed = 0;
      for (const detector of detectors) {
        const bit = detector.needs;
        if ((bit & facts) === 0 || (bit & failed) !== 0) continue;
        if ((bit & passed) === 0) {
          const joint = groupHints[bit];
          if (joint !== undefined && !joint.test(text)) {
            failed |= bit;
            continue;
          }
          passed |= bit;
        }
        if ((detector.hint as RegExp).test(text) && run(detector, text, found, first) && first) {
          return found;
        }
      }
    }
    for (const extra of extras) {
      if (run(extra, text, found, first) && first) return found;
    }
    return found;
  };

  const scan = (text: string): SecretFinding[] => {
    if (text.length > maxLength) throw tooLong(text);
    return merge(collect(text, false));
  };

  const redactText = (text: string): string => {
    let head = text;
    let tail = '';
    if (text.length > maxLength) {
      let cut = maxLength;
      // Do not split a surrogate pair.
      const unit = text.charCodeAt(cut - 1);
      if (unit >= 0xd800 && unit <= 0xdbff) cut--;
      head = text.slice(0, cut);
      tail = `[TRUNCATED ${text.length - cut} characters]`;
    }
    const findings = merge(collect(head, false));
    if (findings.length === 0) return tail === '' ? text : head + tail;
    let result = '';
    let from = 0;
    for (const finding of findings) {
      result += head.slice(from, finding.start) + REDACTED;
      from = finding.end;
    }
    return result + head.slice(from) + tail;
  };

  const walkOptions = { maxDepth, keys: sensitiveKeys ? new KeyCache() : undefined };
  return {
    scan,
    hasSecret(text) {
      if (text.length > maxLength) throw tooLong(text);
      return collect(text, true).length > 0;
    },
    redact: redactText,
    scanValue: (value) => walkSecrets(value, scan, walkOptions),
    redactValue: (value) => redactWalk(value, redactText, walkOptions),
  };
}
