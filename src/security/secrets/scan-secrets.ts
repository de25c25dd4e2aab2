import { createSecretScanner, type SecretFinding, type SecretScannerOptions } from './scanner.js';

/**
 * Every secret in `text` (built-in detectors plus `options.extraPatterns`),
 * in order, overlapping findings merged. Compiles the detectors on each
 * call; keep a `createSecretScanner()` for repeated use.
 *
 * @throws `SecurityError` with code `size_limit_exceeded` when `text` is longer than `maxLength`.
 * @throws `ValidationError` with code `invalid_options` for a bad option.
 * @example
 * ```ts
 * scanSecrets('aws: AKIAIOSFODNN7EXAMPLE'); // [{ detector: 'aws_access_key_id', start: 5, end: 25 }]
 * scanSecrets('SELECT * FROM t WHERE a = $1 AND (b; c & d)'); // []
 * ```
 */
export function scanSecrets(text: string, options?: SecretScannerOptions): SecretFinding[] {
  return createSecretScanner(options).scan(text);
}

/**
 * `text` with every secret replaced by `[REDACTED]` (for `password=...` and
 * `Bearer ...` only the value is replaced). Text past `maxLength` is cut and
 * marked `[TRUNCATED n characters]`, never passed through unscanned.
 *
 * @throws `ValidationError` with code `invalid_options` for a bad option.
 * @example
 * ```ts
 * redactSecrets('curl -H "Authorization: Bearer abc123def456ghi789"');
 * // 'curl -H "Authorization: Bearer [REDACTED]"'
 * ```
 */
export function redactSecrets(text: string, options?: SecretScannerOptions): string {
  return createSecretScanner(options).redact(text);
}

/**
 * A copy of a JSON-like value with every string redacted and every value
 * under a secret-named key (`password`, `token`, `secret`, `apiKey`,
 * `authorization`, ...; see `isSensitiveKey`) replaced by `[REDACTED]`.
 * Unchanged parts are shared; errors become `{ name, message, code? }`;
 * cycles and parts past `maxDepth` become markers. Never throws for any
 * value.
 *
 * @throws `ValidationError` with code `invalid_options` for a bad option.
 * @example
 * ```ts
 * redactValue({ user: 'ada', password: 'x', note: 'key=AKIAIOSFODNN7EXAMPLE' });
 * // { user: 'ada', password: '[REDACTED]', note: 'key=[REDACTED]' }
 * ```
 */
export function redactValue(value: unknown, options?: SecretScannerOptions): unknown {
  return createSecretScanner(options).redactValue(value);
}
