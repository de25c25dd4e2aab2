import {
  escapePointer,
  NEVER_NODE,
  type SchemaNode,
  T_ARRAY,
  T_INTEGER,
  T_NUMBER,
  T_OBJECT,
  T_STRING,
} from './_json-schema-node.js';
import { codePoints, describe, jsonEqual, preview, valueBits } from './_json-values.js';

/** One place where a value does not match a schema. */
export interface JsonSchemaIssue {
  /** JSON pointer to the offending value (`""` is the root, `/items/2/name` a nested field). */
  readonly path: string;
  /** The keyword that failed (`type`, `required`, `pattern`, ...). */
  readonly keyword: string;
  /** What is wrong, in words. */
  readonly message: string;
}

/** Collects issues in the slow (reporting) pass. */
interface Collector {
  readonly issues: JsonSchemaIssue[];
  readonly maxIssues: number;
  readonly maxDepth: number;
  readonly path: (string | number)[];
  full: boolean;
}

const EMPTY: readonly JsonSchemaIssue[] = Object.freeze([]);

/**
 * Checks `value` against a compiled node. The first pass collects nothing and
 * stops at the first failure, so a valid value costs no allocation; only an
 * invalid value is walked again to collect issues with their paths.
 */
export function walkSchema(
  root: SchemaNode,
  value: unknown,
  maxIssues: number,
  maxDepth: number,
): readonly JsonSchemaIssue[] {
  let collector: Collector | undefined;
  try {
    if (checkNode(root, value, maxDepth + 1, null)) return EMPTY;
    collector = { issues: [], maxIssues, maxDepth, path: [], full: false };
    checkNode(root, value, maxDepth + 1, collector);
  } catch (error) {
    collector ??= { issues: [], maxIssues, maxDepth, path: [], full: false };
    // A getter or proxy in the value threw while being read.
    const reason = error instanceof Error ? error.message : 'it threw';
    collector.issues.push({
      path: pointer(collector.path),
      keyword: '',
      message: `could not be read: ${reason}`,
    });
  }
  // Both passes agree unless a getter answers differently on each read.
  if (collector.issues.length === 0) {
    collector.issues.push({ path: '', keyword: '', message: 'does not match the schema' });
  }
  return collector.issues;
}

function pointer(path: readonly (string | number)[]): string {
  let out = '';
  for (const segment of path)
    out += `/${typeof segment === 'number' ? segment : escapePointer(segment)}`;
  return out;
}

/** Records an issue; returns true when checking should stop (fast pass, or the issue limit was hit). */
function report(c: Collector | null, keyword: string, message: string): boolean {
  if (c === null) return true;
  c.issues.push({ path: pointer(c.path), keyword, message });
  if (c.issues.length >= c.maxIssues) c.full = true;
  return c.full;
}

function checkString(n: SchemaNode, text: string, c: Collector | null): boolean {
  let ok = true;
  // Code points are at most the code units and at least half of them, so counting is rarely needed.
  if (text.length > n.maxLength && codePoints(text) > n.maxLength) {
    if (report(c, 'maxLength', `must be at most ${n.maxLength} characters long`)) return false;
    ok = false;
  }
  if (text.length < 2 * n.minLength && codePoints(text) < n.minLength) {
    if (report(c, 'minLength', `must be at least ${n.minLength} characters long`)) return false;
    ok = false;
  }
  if (n.pattern !== null && !n.pattern.test(text)) {
    if (report(c, 'pattern', `must match the pattern ${preview(n.pattern.source)}`)) return false;
    ok = false;
  }
  return ok;
}

function checkNumber(n: SchemaNode, num: number, c: Collector | null): boolean {
  let ok = true;
  // Absent bounds are NaN, and every comparison with NaN is false.
  if (num < n.minimum) {
    if (report(c, 'minimum', `must be at least ${n.minimum}`)) return false;
    ok = false;
  }
  if (num > n.maximum) {
    if (report(c, 'maximum', `must be at most ${n.maximum}`)) return false;
    ok = false;
  }
  if (num <= n.exclusiveMinimum) {
    if (report(c, 'exclusiveMinimum', `must be greater than ${n.exclusiveMinimum}`)) return false;
    ok = false;
  }
  if (num >= n.exclusiveMaximum) {
    if (report(c, 'exclusiveMaximum', `must be less than ${n.exclusiveMaximum}`)) return false;
    ok = false;
  }
  return ok;
}

function checkArray(
  n: SchemaNode,
  list: readonly unknown[],
  left: number,
  c: Collector | null,
): boolean {
  let ok = true;
  if (list.length < n.minItems) {
    if (report(c, 'minItems', `must have at least ${n.minItems} items`)) return false;
    ok = false;
  }
  if (list.length > n.maxItems) {
    if (report(c, 'maxItems', `must have at most ${n.maxItems} items`)) return false;
    ok = false;
  }
  const items = n.items;
  if (items !== null) {
    for (let i = 0; i < list.length; i++) {
      if (c !== null) c.path.push(i);
      const good = checkNode(items, list[i], left - 1, c);
      if (c !== null) c.path.pop();
      if (!good) {
        if (c === null || c.full) return false;
        ok = false;
      }
    }
  }
  return ok;
}

function checkObject(
  n: SchemaNode,
  obj: Record<string, unknown>,
  left: number,
  c: Collector | null,
): boolean {
  let ok = true;
  const required = n.required;
  if (required !== null) {
    for (const key of required) {
      if (obj[key] === undefined || !Object.hasOwn(obj, key)) {
        if (report(c, 'required', `must have the property ${preview(key)}`)) return false;
        ok = false;
      }
    }
  }
  const properties = n.properties;
  if (properties !== null) {
    for (const rule of properties) {
      const item = obj[rule.key];
      if (item === undefined || (rule.inherited && !Object.hasOwn(obj, rule.key))) continue;
      if (c !== null) c.path.push(rule.key);
      const good = checkNode(rule.node, item, left - 1, c);
      if (c !== null) c.path.pop();
      if (!good) {
        if (c === null || c.full) return false;
        ok = false;
      }
    }
  }
  const additional = n.additional;
  if (additional !== null) {
    const known = n.propertyNames;
    for (const key in obj) {
      if (!Object.hasOwn(obj, key) || known?.has(key) === true) continue;
      const item = obj[key];
      if (item === undefined) continue;
      if (c !== null) c.path.push(key);
      let good = false;
      if (additional === NEVER_NODE)
        report(c, 'additionalProperties', 'is not an allowed property');
      else good = checkNode(additional, item, left - 1, c);
      if (c !== null) c.path.pop();
      if (!good) {
        if (c === null || c.full) return false;
        ok = false;
      }
    }
  }
  return ok;
}

function checkApplicators(
  n: SchemaNode,
  value: unknown,
  left: number,
  c: Collector | null,
): boolean {
  let ok = true;
  // Branches are checked in the fast pass only: the caller learns that no
  // branch fits, not a list of every branch's complaints.
  if (n.anyOf !== null && !n.anyOf.some((branch) => checkNode(branch, value, left - 1, null))) {
    if (report(c, 'anyOf', 'must match at least one of the anyOf schemas')) return false;
    ok = false;
  }
  if (n.oneOf !== null) {
    let matches = 0;
    for (const branch of n.oneOf) {
      if (checkNode(branch, value, left - 1, null) && ++matches > 1) break;
    }
    if (matches !== 1) {
      const how = matches === 0 ? 'none' : 'more than one';
      if (report(c, 'oneOf', `must match exactly one of the oneOf schemas, but matches ${how}`))
        return false;
      ok = false;
    }
  }
  return ok;
}

/**
 * Returns whether `value` matches `n`. With a null collector it stops at the
 * first failure; with one it records issues until the limit. `left` is how
 * many more levels may be entered.
 */
function checkNode(n: SchemaNode, value: unknown, left: number, c: Collector | null): boolean {
  if (n.any) return true;
  if (left <= 0) {
    report(c, 'maxDepth', `is nested more than ${c?.maxDepth} levels deep`);
    return false;
  }
  if (n.problems !== null) {
    for (const problem of n.problems) {
      const where = problem.at === '' ? '' : ` at ${problem.at}`;
      if (
        report(
          c,
          problem.keyword,
          `cannot be checked: the schema is invalid${where}: ${problem.message}`,
        )
      )
        break;
    }
    return false;
  }
  if (n.never) {
    report(c, 'false', 'is not allowed here (the schema is false)');
    return false;
  }
  const bits = valueBits(value);
  if (n.types !== 0 && (n.types & bits) === 0) {
    report(c, 'type', `must be ${n.typeLabel}, got ${describe(value)}`);
    return false;
  }
  let ok = true;
  if (n.enumValues !== null && !n.enumValues.some((item) => jsonEqual(item, value, left))) {
    if (report(c, 'enum', `must be one of ${preview(n.enumValues)}`)) return false;
    ok = false;
  }
  if (n.hasConst && !jsonEqual(n.constValue, value, left)) {
    if (report(c, 'const', `must equal ${preview(n.constValue)}`)) return false;
    ok = false;
  }
  let good = true;
  if (bits === T_STRING) good = checkString(n, value as string, c);
  else if (bits === T_INTEGER || bits === T_NUMBER) good = checkNumber(n, value as number, c);
  else if (bits === T_ARRAY) good = checkArray(n, value as unknown[], left, c);
  else if (bits === T_OBJECT) good = checkObject(n, value as Record<string, unknown>, left, c);
  if (!good) {
    if (c === null || c.full) return false;
    ok = false;
  }
  if (n.anyOf !== null || n.oneOf !== null) {
    if (!checkApplicators(n, value, left, c)) return false;
  }
  return ok;
}
