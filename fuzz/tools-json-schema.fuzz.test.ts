import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonSchema, JsonValue } from '../src/tools/json.js';
import { checkJsonSchema, compileJsonSchema } from '../src/tools/json-schema-check.js';
import { findSerialisationProblem } from '../src/tools/output-check.js';

/** Values that are sometimes JSON and sometimes not. */
const anyValue = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  {
    weight: 1,
    arbitrary: fc.anything({ maxDepth: 3, withBigInt: true, withMap: true, withDate: true }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(undefined, Number.NaN, Number.POSITIVE_INFINITY, () => 1),
  },
);

/**
 * Schemas built from the supported keywords, each given either a sensible or
 * a malformed value, nested through properties, items, additionalProperties,
 * anyOf and oneOf.
 */
const randomSchema: fc.Arbitrary<unknown> = fc.letrec<{ schema: unknown }>((tie) => ({
  schema: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.boolean(),
    fc.record(
      {
        type: fc.oneof(
          fc.constantFrom('null', 'boolean', 'integer', 'number', 'string', 'array', 'object'),
          fc.array(fc.constantFrom('string', 'integer', 'null', 'object'), { maxLength: 3 }),
          fc.string({ maxLength: 5 }),
          fc.integer(),
        ),
        properties: fc.oneof(
          fc.dictionary(fc.string({ maxLength: 4 }), tie('schema'), { maxKeys: 3 }),
          fc.jsonValue(),
        ),
        required: fc.oneof(fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }), fc.jsonValue()),
        additionalProperties: fc.oneof(fc.boolean(), tie('schema')),
        items: tie('schema'),
        enum: fc.oneof(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }), fc.jsonValue()),
        const: fc.jsonValue({ maxDepth: 2 }),
        minLength: fc.oneof(fc.nat(6), fc.double()),
        maxLength: fc.oneof(fc.nat(6), fc.string()),
        pattern: fc.oneof(
          fc.constantFrom('^a', '[0-9]+', '(', 'x|y', '\\p{L}'),
          fc.string({ maxLength: 6 }),
        ),
        minimum: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double(), fc.boolean()),
        maximum: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double()),
        exclusiveMinimum: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.boolean()),
        exclusiveMaximum: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.boolean()),
        minItems: fc.oneof(fc.nat(3), fc.integer({ min: -3, max: -1 })),
        maxItems: fc.nat(3),
        anyOf: fc.oneof(fc.array(tie('schema'), { maxLength: 3 }), fc.jsonValue()),
        oneOf: fc.array(tie('schema'), { maxLength: 3 }),
        description: fc.string(),
        $ref: fc.string(),
      },
      { requiredKeys: [] },
    ),
  ),
})).schema;

/** A schema paired with an arbitrary of values that match it. */
type Matching = { schema: JsonSchema; values: fc.Arbitrary<unknown> };

const leaf: fc.Arbitrary<Matching> = fc.oneof(
  fc.constant<Matching>({ schema: { type: 'null' }, values: fc.constant(null) }),
  fc.constant<Matching>({ schema: { type: 'boolean' }, values: fc.boolean() }),
  fc.constant<Matching>({ schema: {}, values: fc.jsonValue({ maxDepth: 2 }) }),
  fc.tuple(fc.integer({ min: -100, max: 100 }), fc.nat(100)).map(
    ([min, span]): Matching => ({
      schema: { type: 'integer', minimum: min, maximum: min + span },
      values: fc.integer({ min, max: min + span }),
    }),
  ),
  fc.tuple(fc.integer({ min: -100, max: 100 }), fc.integer({ min: 1, max: 100 })).map(
    ([min, span]): Matching => ({
      schema: { type: 'number', exclusiveMinimum: min - 1, exclusiveMaximum: min + span },
      values: fc.double({ min, max: min + span - 0.5, noNaN: true, noDefaultInfinity: true }),
    }),
  ),
  fc.tuple(fc.nat(4), fc.nat(4)).map(
    ([min, span]): Matching => ({
      schema: { type: 'string', minLength: min, maxLength: min + span },
      values: fc.string({ unit: 'binary', minLength: min, maxLength: min + span }),
    }),
  ),
  fc.constant<Matching>({
    schema: { type: 'string', pattern: '^[a-z]{1,4}-\\d$' },
    values: fc.stringMatching(/^[a-z]{1,4}-\d$/),
  }),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { minLength: 1, maxLength: 4 }).map(
    (choices): Matching => ({
      schema: { enum: choices as JsonValue[] },
      values: fc.constantFrom(...choices),
    }),
  ),
  fc.jsonValue({ maxDepth: 2 }).map(
    (value): Matching => ({
      schema: { const: value as JsonValue },
      values: fc.constant(structuredClone(value)),
    }),
  ),
);

const matching: fc.Arbitrary<Matching> = fc.letrec<{ node: Matching }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(tie('node'), fc.nat(2), fc.nat(3)).map(
      ([item, min, span]): Matching => ({
        schema: { type: 'array', items: item.schema, minItems: min, maxItems: min + span },
        values: fc.array(item.values, { minLength: min, maxLength: min + span }),
      }),
    ),
    fc
      .tuple(
        fc.dictionary(fc.string({ maxLength: 5 }), tie('node'), { maxKeys: 4 }),
        fc.boolean(),
        fc.func(fc.boolean()),
      )
      .map(([props, closed, pick]): Matching => {
        const keys = Object.keys(props);
        const required = keys.filter((key) => pick(key));
        const properties = Object.fromEntries(
          keys.map((key) => [key, (props[key] as Matching).schema]),
        );
        const model = Object.fromEntries(keys.map((key) => [key, (props[key] as Matching).values]));
        return {
          schema: { type: 'object', properties, required, additionalProperties: !closed },
          values: fc.record(model, { requiredKeys: required }),
        };
      }),
    fc.tuple(tie('node'), tie('node')).map(
      ([a, b]): Matching => ({
        schema: { anyOf: [a.schema, b.schema] },
        values: fc.oneof(a.values, b.values),
      }),
    ),
    // oneOf branches of different types, so exactly one matches.
    fc.tuple(fc.nat(3), fc.boolean()).map(
      ([max, which]): Matching => ({
        schema: { oneOf: [{ type: 'string', maxLength: max }, { type: 'boolean' }] },
        values: which ? fc.string({ maxLength: max }) : fc.boolean(),
      }),
    ),
  ),
})).node;

describe('fuzz: JSON Schema check', () => {
  it('never throws on random schemas and values, and bounds its issues', () => {
    fc.assert(
      fc.property(
        randomSchema,
        anyValue,
        fc.integer({ min: 1, max: 5 }),
        (schema, value, maxIssues) => {
          const compiled = compileJsonSchema(schema as JsonSchema);
          const issues = compiled.check(value, { maxIssues, maxDepth: 8 });
          expect(issues.length).toBeLessThanOrEqual(maxIssues);
          for (const issue of issues) {
            expect(typeof issue.path).toBe('string');
            expect(issue.path === '' || issue.path.startsWith('/')).toBe(true);
            expect(typeof issue.message).toBe('string');
            expect(typeof issue.keyword).toBe('string');
          }
          // The issues and problems themselves are plain JSON.
          expect(findSerialisationProblem({ issues, problems: compiled.problems })).toBeUndefined();
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('accepts every value generated to match its schema', () => {
    fc.assert(
      fc.property(
        matching.chain(({ schema, values }) => values.map((value) => ({ schema, value }))),
        ({ schema, value }) => {
          expect(compileJsonSchema(schema).problems).toEqual([]);
          expect(checkJsonSchema(schema, value)).toEqual([]);
          // A JSON round trip does not change the verdict.
          expect(checkJsonSchema(schema, JSON.parse(JSON.stringify(value)))).toEqual([]);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('reports a type issue for a value of another JSON type', () => {
    const typed = fc.constantFrom(
      ['string', fc.string()] as const,
      ['boolean', fc.boolean()] as const,
      ['null', fc.constant(null)] as const,
      ['array', fc.array(fc.integer(), { maxLength: 2 })] as const,
      ['object', fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 })] as const,
      ['number', fc.double({ noNaN: true, noDefaultInfinity: true })] as const,
    );
    fc.assert(
      fc.property(
        typed.chain(([type]) =>
          typed
            .filter(([other]) => other !== type)
            .chain(([, values]) => values.map((v) => [type, v] as const)),
        ),
        ([type, value]) => {
          const issues = checkJsonSchema({ type }, value);
          expect(issues.map((issue) => issue.keyword)).toEqual(['type']);
        },
      ),
      { numRuns: 300 },
    );
  });
});
