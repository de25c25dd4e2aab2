import {
  type PolicyProblem,
  policyInvalidError,
  policyWarnings,
  utf8ByteLength,
  ValidationError,
  validatePolicy,
} from 'skreaver';
import { parse, TomlDate, TomlError } from 'smol-toml';
import { type Finding, isTable, Translation } from './_context.js';
import { type Location, locate, locateKeys, showPath, type TomlPath } from './_locate.js';
import { sourceOf, translate } from './_translate.js';
import { POLICY_TOML_DEFAULTS, type PolicyToml, type PolicyTomlOptions } from './options.js';

function option(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ValidationError(
      'invalid_options',
      `The option '${name}' must be a positive integer.`,
      {
        data: { option: name, value },
      },
    );
  }
  return value;
}

/** Dates become their text and big integers numbers, so validation reports them plainly. */
function normalise(value: unknown, depth: number): unknown {
  if (value instanceof TomlDate) return value.toISOString();
  if (typeof value === 'bigint') return Number(value);
  // Deeper than any policy field: validation reports the container's type.
  if (depth > 8 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => normalise(item, depth + 1));
  for (const [key, field] of Object.entries(value)) {
    const next = normalise(field, depth + 1);
    if (next !== field) (value as Record<string, unknown>)[key] = next;
  }
  return value;
}

function withLocation(path: TomlPath, message: string, at: Location | undefined): PolicyProblem {
  const problem = { path: showPath(path), message };
  return at === undefined ? problem : { ...problem, line: at.line, column: at.column };
}

const byLine = (a: PolicyProblem, b: PolicyProblem): number =>
  (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER);

/**
 * Reads a security policy from TOML text and validates it. Both layouts
 * are accepted: skreaver's (`[fs] enabled`, `allow_paths`, `timeout_ms`,
 * ...; keys in snake_case or camelCase) and the original's
 * (`access = { Enabled = { ... } }`, `access = { InternetAccess = { ... } }`,
 * `timeout` in seconds, `max_file_size_bytes`, `lockdown_enabled`,
 * `[tools.x] fs_enabled`, and the ignored `[metadata]`, `[alerting]` and
 * `[development]` sections, reported as warnings). The key table is in
 * docs/adapters/config-toml.md.
 *
 * @throws `SecurityError` with code `policy_invalid`: a syntax error (with
 * `line` and `column`), a document over `maxBytes`, unknown keys, wrong
 * types and bad values, every one in `data.problems` with its TOML path
 * (`http.allow_domains[2]`) and line.
 * @throws `ValidationError` with code `invalid_options` for a bad option.
 * @example
 * ```ts
 * const { policy, warnings } = parsePolicyToml(`
 * [http]
 * enabled = true
 * allow_domains = ["api.example.com"]
 * timeout_ms = 10000
 * `);
 * ```
 */
export function parsePolicyToml(text: string, options: PolicyTomlOptions = {}): PolicyToml {
  const maxBytes = option('maxBytes', options.maxBytes, POLICY_TOML_DEFAULTS.maxBytes);
  const maxDepth = option('maxDepth', options.maxDepth, POLICY_TOML_DEFAULTS.maxDepth);
  const strict = options.strict ?? POLICY_TOML_DEFAULTS.strict;
  const source = options.source;
  const fail = (problems: PolicyProblem[], omitted = 0, cause?: unknown) =>
    policyInvalidError(problems, {
      omitted,
      ...(source === undefined ? {} : { source }),
      ...(cause === undefined ? {} : { cause }),
    });
  if (typeof text !== 'string') {
    throw fail([{ path: '', message: `must be TOML text (a string), got ${typeof text}` }]);
  }
  // Characters never outnumber bytes, so a long text is refused before it is measured.
  const over = text.length > maxBytes;
  const bytes = over ? text.length : utf8ByteLength(text);
  if (bytes > maxBytes) {
    const size = `${over ? 'at least ' : ''}${bytes} bytes`;
    throw fail([{ path: '', message: `is ${size}; the limit is ${maxBytes} (option maxBytes)` }]);
  }
  let doc: Record<string, unknown>;
  try {
    doc = parse(text, { maxDepth, integersAsBigInt: 'asNeeded', unsafeKeyBehaviour: 'throw' });
  } catch (error) {
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    const problem: PolicyProblem =
      error instanceof TomlError
        ? {
            path: '',
            message: `is not valid TOML: ${message}`,
            line: error.line,
            column: error.column,
          }
        : { path: '', message: `could not be parsed: ${message}` };
    throw fail([problem], 0, error);
  }
  normalise(doc, 0);
  const t = new Translation();
  const input = isTable(doc) ? translate(doc, t) : {};
  const result = validatePolicy(input);
  const locations = locateKeys(text);
  const place = (finding: Finding): PolicyProblem =>
    withLocation(finding.at, finding.message, locate(locations, finding.at));
  const fromPolicy = (problem: PolicyProblem): PolicyProblem => {
    const path = sourceOf(problem.path, t);
    return withLocation(path, problem.message, locate(locations, path));
  };
  const warnings = t.warnings.map(place);
  if (result.ok) warnings.push(...policyWarnings(result.value).map(fromPolicy));
  const problems = t.problems.map(place);
  if (strict) problems.push(...warnings);
  if (!result.ok) problems.push(...(result.error.data?.problems ?? []).map(fromPolicy));
  const omitted = result.ok ? 0 : (result.error.data?.omitted ?? 0);
  if (problems.length > 0 || !result.ok) throw fail(problems.sort(byLine), omitted);
  return { policy: result.value, warnings: warnings.sort(byLine) };
}
