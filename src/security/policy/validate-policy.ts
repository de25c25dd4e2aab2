import type { SecurityError } from '../../errors/families.js';
import { safeParseToolName } from '../../identifiers/identifiers.js';
import type { Result } from '../../result.js';
import { childPath, itemPath, kindOf, Problems, show, unknownKeyMessage } from './_problems.js';
import {
  type FieldSpec,
  OVERRIDE_KEYS,
  POLICY_KEYS,
  SECTION_NAMES,
  SECTIONS,
  type SectionName,
} from './_sections.js';
import {
  DEFAULT_POLICY,
  type SecurityPolicy,
  type SecurityPolicyInput,
  type ToolPolicyOverride,
} from './policy.js';
import { type PolicyInvalidData, policyInvalidError } from './policy-errors.js';
import { POLICY_LIMITS } from './policy-limits.js';

type Fields = Record<string, unknown>;

function messageOf(error: unknown): string {
  try {
    return error instanceof Error ? String(error.message) : String(error);
  } catch {
    return 'an unreadable error';
  }
}

/** A plain object (from a literal, JSON or another realm), not an array, Map, Date or class instance. */
function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** Own enumerable entries, or undefined (and a problem) when reading them throws (a hostile proxy). */
function entriesOf(value: object, path: string, out: Problems): [string, unknown][] | undefined {
  try {
    return Object.entries(value);
  } catch (error) {
    out.add(path, `could not be read: ${messageOf(error)}`);
    return undefined;
  }
}

function checkField(spec: FieldSpec, value: unknown, path: string, out: Problems): unknown {
  if (!spec.list) {
    const problem = spec.rule(value);
    if (problem === undefined) return value;
    out.add(path, problem);
    return undefined;
  }
  if (!Array.isArray(value)) {
    out.add(path, `must be an array, got ${kindOf(value)}`);
    return undefined;
  }
  if (value.length > spec.max) {
    out.add(
      path,
      `has ${value.length} entries; at most ${spec.max} are allowed (split the policy or use patterns)`,
    );
    return undefined;
  }
  const before = out.count;
  const items: unknown[] = [];
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    const problem = spec.rule(item);
    if (problem === undefined) items.push(item);
    else out.add(itemPath(path, i), problem);
  }
  return out.count === before ? Object.freeze(items) : undefined;
}

/** The given, valid fields of one section (an unknown key or a bad value is a problem). */
function checkSection(name: SectionName, value: unknown, path: string, out: Problems): Fields {
  const fields: Fields = {};
  if (!isRecord(value)) {
    out.add(path, `must be a table of settings (an object), got ${kindOf(value)}`);
    return fields;
  }
  const specs = SECTIONS[name];
  const entries = entriesOf(value, path, out) ?? [];
  for (const [key, field] of entries) {
    const at = childPath(path, key);
    if (!Object.hasOwn(specs, key)) {
      out.add(at, unknownKeyMessage(key, Object.keys(specs)));
      continue;
    }
    if (field === undefined) continue;
    const checked = checkField(specs[key] as FieldSpec, field, at, out);
    if (checked !== undefined) fields[key] = checked;
  }
  return fields;
}

function checkOverride(value: unknown, path: string, out: Problems): ToolPolicyOverride {
  const override: Fields = {};
  if (!isRecord(value)) {
    out.add(path, `must be a table of overrides (an object), got ${kindOf(value)}`);
    return override;
  }
  for (const [key, field] of entriesOf(value, path, out) ?? []) {
    const at = childPath(path, key);
    if (!OVERRIDE_KEYS.includes(key)) {
      out.add(at, unknownKeyMessage(key, OVERRIDE_KEYS));
    } else if (field === undefined) {
      // Absent, as far as the policy is concerned.
    } else if (key === 'enabled') {
      if (typeof field === 'boolean') override.enabled = field;
      else out.add(at, `must be true or false, got ${kindOf(field)}`);
    } else {
      override[key] = Object.freeze(checkSection(key as SectionName, field, at, out));
    }
  }
  return Object.freeze(override) as ToolPolicyOverride;
}

/** Defines a property even when the key is `__proto__`. */
function put(target: Fields, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function checkTools(value: unknown, path: string, out: Problems): SecurityPolicy['tools'] {
  const tools: Fields = {};
  if (!isRecord(value)) {
    out.add(path, `must be a table of per-tool overrides (an object), got ${kindOf(value)}`);
    return Object.freeze(tools) as SecurityPolicy['tools'];
  }
  const entries = entriesOf(value, path, out) ?? [];
  if (entries.length > POLICY_LIMITS.maxToolOverrides) {
    out.add(
      path,
      `has ${entries.length} tool overrides; at most ${POLICY_LIMITS.maxToolOverrides} are allowed`,
    );
    return Object.freeze(tools) as SecurityPolicy['tools'];
  }
  for (const [name, override] of entries) {
    const at = childPath(path, name);
    const parsed = safeParseToolName(name);
    if (!parsed.ok || parsed.value !== name) {
      const why = parsed.ok ? 'it has surrounding spaces' : parsed.error.message;
      out.add(at, `${show(name)} is not a valid tool name: ${why}`);
      continue;
    }
    put(tools, name, checkOverride(override, at, out));
  }
  return Object.freeze(tools) as SecurityPolicy['tools'];
}

function build(input: unknown, out: Problems): SecurityPolicy {
  const given: Partial<Record<string, Fields>> = {};
  let tools: SecurityPolicy['tools'] = DEFAULT_POLICY.tools;
  if (!isRecord(input)) {
    out.add('', `must be an object with sections ${POLICY_KEYS.join(', ')}, got ${kindOf(input)}`);
  } else {
    for (const [key, value] of entriesOf(input, '', out) ?? []) {
      const at = childPath('', key);
      if (!POLICY_KEYS.includes(key)) out.add(at, unknownKeyMessage(key, POLICY_KEYS));
      else if (value === undefined) continue;
      else if (key === 'tools') tools = checkTools(value, at, out);
      else given[key] = checkSection(key as SectionName, value, at, out);
    }
  }
  const policy: Fields = {};
  for (const name of SECTION_NAMES) {
    policy[name] = Object.freeze({ ...DEFAULT_POLICY[name], ...given[name] });
  }
  policy.tools = tools;
  return Object.freeze(policy) as unknown as SecurityPolicy;
}

/**
 * Checks a policy as a user wrote it and fills every missing section and
 * field with its default (see `DEFAULT_POLICY`). The result is a new, deeply
 * frozen object; lists given replace the default lists rather than extending
 * them. Every problem is reported with its path (`http.allowDomains[2]`), not
 * only the first: unknown keys (with a "did you mean" hint), wrong types,
 * numbers outside `POLICY_LIMITS`, relative or `..` paths in
 * `fs.allowPaths`, lower-case methods, bad domain patterns (`*` only alone or
 * as a whole `*.` first label), invalid or nested-quantifier regexes in
 * `secrets.extraPatterns`, invalid tool names in `tools`, and lists longer
 * than their cap. Never throws.
 *
 * @returns `{ ok: true, value }`, or `{ ok: false, error }` with a
 * `SecurityError` of code `policy_invalid` whose `data.problems` lists the problems.
 * @example
 * ```ts
 * const result = validatePolicy({
 *   http: { enabled: true, allowDomains: ['api.example.com', '*.example.org'] },
 *   tools: { shell_exec: { enabled: false } },
 * });
 * if (!result.ok) {
 *   for (const p of result.error.data?.problems ?? []) console.error(`${p.path}: ${p.message}`);
 * } else {
 *   const policy = result.value; // frozen, every field present
 * }
 * ```
 */
export function validatePolicy(
  input: SecurityPolicyInput | unknown,
): Result<SecurityPolicy, SecurityError<PolicyInvalidData>> {
  const out = new Problems(POLICY_LIMITS.maxProblems);
  let policy: SecurityPolicy | undefined;
  try {
    policy = build(input, out);
  } catch (error) {
    // Only a hostile object (a proxy trap, a throwing getter) gets here.
    out.add('', `could not be read: ${messageOf(error)}`);
  }
  if (out.count > 0 || policy === undefined) {
    return { ok: false, error: policyInvalidError(out.list, { omitted: out.omitted }) };
  }
  return { ok: true, value: policy };
}

/**
 * Like {@link validatePolicy}, but returns the policy or throws its error.
 *
 * @throws `SecurityError` with code `policy_invalid` (see `validatePolicy`).
 */
export function parsePolicy(input: SecurityPolicyInput | unknown): SecurityPolicy {
  const result = validatePolicy(input);
  if (!result.ok) throw result.error;
  return result.value;
}
