import { ValidationError } from '../errors/families.js';
import { nodeFor } from './_json-schema-compile.js';
import { reachableNodes, type SchemaNode } from './_json-schema-node.js';
import { type JsonSchemaIssue, walkSchema } from './_json-schema-walk.js';
import type { JsonSchema } from './json.js';

export type { JsonSchemaIssue } from './_json-schema-walk.js';

/** Limits of one schema check. */
export interface JsonSchemaCheckOptions {
  /**
   * How many issues to collect before stopping.
   * @defaultValue 20
   */
  readonly maxIssues?: number;
  /**
   * How many levels the check descends (into an item, a property or an
   * anyOf/oneOf branch each count as one; the value itself is level 0);
   * reaching deeper is an issue (keyword `maxDepth`) instead of a stack
   * overflow. Parts of a value under a schema that accepts anything are not
   * descended into.
   * @defaultValue 256
   */
  readonly maxDepth?: number;
}

/** Default of {@link JsonSchemaCheckOptions.maxIssues}. */
export const DEFAULT_MAX_SCHEMA_ISSUES = 20;
/** Default of {@link JsonSchemaCheckOptions.maxDepth} and of the registry's `maxJsonDepth`. */
export const DEFAULT_MAX_JSON_DEPTH = 256;

/** A schema prepared for repeated checks. */
export interface CompiledJsonSchema {
  /** The schema it was compiled from. */
  readonly schema: JsonSchema | boolean;
  /**
   * Problems in the schema itself (an unknown type name, an invalid pattern,
   * a `minLength` that is not a count, ...), with JSON pointers into the
   * schema. Empty for a usable schema; a value reaching a broken part always
   * fails the check.
   */
  readonly problems: readonly JsonSchemaIssue[];
  /**
   * Checks a value; the result is empty (a shared, frozen array) when the value matches.
   * @throws {@link ValidationError} with code `invalid_options` when an option is out of range.
   */
  check(value: unknown, options?: JsonSchemaCheckOptions): readonly JsonSchemaIssue[];
}

const memo = new WeakMap<SchemaNode, CompiledJsonSchema>();

function limit(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ValidationError(
      'invalid_options',
      `The option '${name}' must be an integer of at least ${min}.`,
      {
        data: { option: name, value },
      },
    );
  }
  return value;
}

function problemsOf(root: SchemaNode): JsonSchemaIssue[] {
  const issues: JsonSchemaIssue[] = [];
  for (const [node, path] of reachableNodes(root)) {
    for (const { keyword, at, message } of node.problems ?? []) {
      issues.push({ path: `${path}${at}`, keyword, message });
    }
  }
  return issues;
}

/**
 * Prepares `schema` for checking. Compilation happens once per schema object
 * (schemas are treated as immutable once checked), so compiling the same
 * object again is a cache lookup.
 *
 * The supported keywords are those of {@link JsonSchema}: `type` (a name or
 * an array of names, with `integer`), `properties`, `required`,
 * `additionalProperties`, `items`, `enum`, `const`, `minLength` and
 * `maxLength` (in code points), `pattern`, `minimum`, `maximum`,
 * `exclusiveMinimum`, `exclusiveMaximum`, `minItems`, `maxItems`, `anyOf` and
 * `oneOf`; `true` and `false` work as schemas. Other keywords (`$ref`,
 * `allOf`, `format`, ...) are ignored. A property whose value is `undefined`
 * counts as absent, as it would after `JSON.stringify`.
 *
 * Schemas come from tool authors, not from callers: a `pattern` runs as an
 * ECMAScript regular expression (with the `u` flag when it compiles with it),
 * so a catastrophically backtracking pattern is the author's to avoid, as is
 * a schema graph that shares subschemas so that anyOf/oneOf branch
 * exponentially. A schema object that contains itself through anyOf/oneOf
 * alone is reported as a problem rather than looping.
 *
 * @example
 * ```ts
 * const schema = compileJsonSchema({
 *   type: 'object',
 *   properties: { text: { type: 'string', maxLength: 100 } },
 *   required: ['text'],
 * });
 * schema.check({ text: 'hi' }); // []
 * schema.check({}); // [{ path: '', keyword: 'required', message: 'must have the property "text"' }]
 * ```
 */
export function compileJsonSchema(schema: JsonSchema | boolean): CompiledJsonSchema {
  const root = nodeFor(schema);
  const known = memo.get(root);
  if (known !== undefined) return known;
  const compiled: CompiledJsonSchema = Object.freeze({
    schema,
    problems: Object.freeze(problemsOf(root)),
    check(value: unknown, options?: JsonSchemaCheckOptions): readonly JsonSchemaIssue[] {
      if (options === undefined) {
        return walkSchema(root, value, DEFAULT_MAX_SCHEMA_ISSUES, DEFAULT_MAX_JSON_DEPTH);
      }
      const maxIssues = limit('maxIssues', options.maxIssues, DEFAULT_MAX_SCHEMA_ISSUES, 1);
      const maxDepth = limit('maxDepth', options.maxDepth, DEFAULT_MAX_JSON_DEPTH, 0);
      return walkSchema(root, value, maxIssues, maxDepth);
    },
  });
  memo.set(root, compiled);
  return compiled;
}

/**
 * Checks `value` against the JSON Schema subset described at
 * {@link compileJsonSchema} and returns the issues found; an empty array
 * means the value matches.
 *
 * @throws {@link ValidationError} with code `invalid_options` when an option is out of range.
 * @example
 * ```ts
 * checkJsonSchema({ type: 'array', items: { type: 'integer' } }, [1, 2.5]);
 * // [{ path: '/1', keyword: 'type', message: 'must be integer, got number' }]
 * ```
 */
export function checkJsonSchema(
  schema: JsonSchema | boolean,
  value: unknown,
  options?: JsonSchemaCheckOptions,
): JsonSchemaIssue[] {
  return [...compileJsonSchema(schema).check(value, options)];
}
