import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/families.js';
import type { JsonSchema } from '../../src/tools/json.js';
import { checkJsonSchema, compileJsonSchema } from '../../src/tools/json-schema-check.js';

const keywords = (schema: JsonSchema | boolean, value: unknown): string[] =>
  checkJsonSchema(schema, value).map((issue) => issue.keyword);

describe('checkJsonSchema: type', () => {
  it.each([
    ['null', null, 'x'],
    ['boolean', true, 0],
    ['string', 'a', 1],
    ['array', [], {}],
    ['object', {}, []],
    ['integer', 3, 3.5],
    ['number', 3.5, '3.5'],
  ] as const)('type %s accepts %j and refuses %j', (type, good, bad) => {
    const schema = { type } as JsonSchema;
    expect(checkJsonSchema(schema, good)).toEqual([]);
    expect(checkJsonSchema(schema, bad)).toEqual([
      { path: '', keyword: 'type', message: expect.stringContaining(`must be ${type}`) },
    ]);
  });

  it('accepts integers as numbers, and 2.0 as an integer', () => {
    expect(checkJsonSchema({ type: 'number' }, 2)).toEqual([]);
    expect(checkJsonSchema({ type: 'integer' }, 2.0)).toEqual([]);
  });

  it('refuses values JSON has no type for: NaN, Infinity, undefined, functions, bigints', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, undefined, () => 1, 1n]) {
      expect(keywords({ type: ['number', 'string', 'object'] }, value)).toEqual(['type']);
    }
  });

  it('accepts any of an array of types and names them in the message', () => {
    const schema: JsonSchema = { type: ['string', 'null'] };
    expect(checkJsonSchema(schema, null)).toEqual([]);
    expect(checkJsonSchema(schema, 'x')).toEqual([]);
    expect(checkJsonSchema(schema, 1)[0]?.message).toBe('must be string or null, got integer');
  });
});

describe('checkJsonSchema: objects', () => {
  const person: JsonSchema = {
    type: 'object',
    properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } },
    required: ['name'],
  };

  it('checks required properties and each known property', () => {
    expect(checkJsonSchema(person, { name: 'Ada', age: 36 })).toEqual([]);
    expect(checkJsonSchema(person, { age: -1 })).toEqual([
      { path: '', keyword: 'required', message: 'must have the property "name"' },
      { path: '/age', keyword: 'minimum', message: 'must be at least 0' },
    ]);
  });

  it('treats a property whose value is undefined as absent, as JSON would', () => {
    expect(keywords(person, { name: undefined })).toEqual(['required']);
    expect(checkJsonSchema(person, { name: 'Ada', age: undefined })).toEqual([]);
  });

  it('does not mistake inherited members for properties', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        toString: { type: 'string' as const },
        constructor: { type: 'string' as const },
      },
      required: ['toString'],
    };
    expect(keywords(schema, {})).toEqual(['required']);
    expect(checkJsonSchema(schema, { toString: 'x' })).toEqual([]);
    expect(keywords(schema, { toString: 'x', constructor: 1 })).toEqual(['type']);
    expect(checkJsonSchema(schema, JSON.parse('{"toString":"x","__proto__":5}'))).toEqual([]);
  });

  it('refuses extra properties when additionalProperties is false', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: { a: {} },
      additionalProperties: false,
    };
    expect(checkJsonSchema(schema, { a: 1 })).toEqual([]);
    expect(checkJsonSchema(schema, { a: 1, b: 2, c: undefined })).toEqual([
      { path: '/b', keyword: 'additionalProperties', message: 'is not an allowed property' },
    ]);
  });

  it('checks extra properties against an additionalProperties schema', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: { id: { type: 'string' } },
      additionalProperties: { type: 'number' },
    };
    expect(checkJsonSchema(schema, { id: 'x', score: 2 })).toEqual([]);
    expect(checkJsonSchema(schema, { id: 'x', score: 'high' })).toEqual([
      { path: '/score', keyword: 'type', message: 'must be number, got string' },
    ]);
    expect(checkJsonSchema({ additionalProperties: true }, { any: 'thing' })).toEqual([]);
  });

  it('escapes ~ and / in paths as JSON pointers do', () => {
    const schema: JsonSchema = { properties: { 'a/b~c': { type: 'string' } } };
    expect(checkJsonSchema(schema, { 'a/b~c': 1 })[0]?.path).toBe('/a~1b~0c');
  });
});

describe('checkJsonSchema: arrays', () => {
  it('checks items with their index in the path', () => {
    const schema: JsonSchema = {
      type: 'array',
      items: { type: 'object', properties: { name: { type: 'string' } } },
    };
    expect(checkJsonSchema(schema, [{ name: 'a' }, { name: 'b' }, { name: 3 }])).toEqual([
      { path: '/2/name', keyword: 'type', message: 'must be string, got integer' },
    ]);
  });

  it('checks minItems and maxItems', () => {
    expect(keywords({ minItems: 2 }, [1])).toEqual(['minItems']);
    expect(keywords({ maxItems: 1 }, [1, 2])).toEqual(['maxItems']);
    expect(checkJsonSchema({ minItems: 1, maxItems: 2 }, [1, 2])).toEqual([]);
  });

  it('refuses array holes against a typed items schema', () => {
    const holey = new Array<number>(3);
    holey[0] = 1;
    holey[2] = 3;
    expect(keywords({ items: { type: 'integer' } }, holey)).toEqual(['type']);
  });
});

describe('checkJsonSchema: strings and numbers', () => {
  it('counts length in code points, not UTF-16 units', () => {
    expect(checkJsonSchema({ maxLength: 2 }, '😀😀')).toEqual([]);
    expect(keywords({ maxLength: 1 }, '😀😀')).toEqual(['maxLength']);
    expect(checkJsonSchema({ minLength: 2 }, '😀😀')).toEqual([]);
    expect(keywords({ minLength: 3 }, '😀😀')).toEqual(['minLength']);
    expect(keywords({ minLength: 2 }, '😀')).toEqual(['minLength']);
    expect(checkJsonSchema({ minLength: 1, maxLength: 1 }, '\ud800')).toEqual([]);
  });

  it('matches patterns anywhere in the string unless anchored', () => {
    expect(checkJsonSchema({ pattern: 'b' }, 'abc')).toEqual([]);
    expect(checkJsonSchema({ pattern: '^b' }, 'abc')).toEqual([
      { path: '', keyword: 'pattern', message: 'must match the pattern "^b"' },
    ]);
    expect(checkJsonSchema({ pattern: '^\\p{Lu}' }, 'Ärger')).toEqual([]);
  });

  it('compiles a pattern that is only valid without the u flag', () => {
    expect(checkJsonSchema({ pattern: '^\\-$' }, '-')).toEqual([]);
  });

  it('reports an invalid pattern as an issue, not a crash', () => {
    const issues = checkJsonSchema({ pattern: '(' }, 'x');
    expect(issues).toHaveLength(1);
    expect(issues[0]?.keyword).toBe('pattern');
    expect(issues[0]?.message).toContain('not a valid regular expression');
  });

  it('checks inclusive and exclusive bounds', () => {
    const schema: JsonSchema = { minimum: 1, maximum: 3 };
    expect(checkJsonSchema(schema, 1)).toEqual([]);
    expect(checkJsonSchema(schema, 3)).toEqual([]);
    expect(keywords(schema, 0.5)).toEqual(['minimum']);
    expect(keywords(schema, 4)).toEqual(['maximum']);
    const open: JsonSchema = { exclusiveMinimum: 1, exclusiveMaximum: 3 };
    expect(keywords(open, 1)).toEqual(['exclusiveMinimum']);
    expect(keywords(open, 3)).toEqual(['exclusiveMaximum']);
    expect(checkJsonSchema(open, 2)).toEqual([]);
  });

  it('understands the draft-04 boolean form of exclusive bounds', () => {
    const schema = {
      minimum: 1,
      exclusiveMinimum: true,
      maximum: 3,
      exclusiveMaximum: true,
    } as unknown as JsonSchema;
    expect(keywords(schema, 1)).toEqual(['exclusiveMinimum']);
    expect(keywords(schema, 3)).toEqual(['exclusiveMaximum']);
    expect(checkJsonSchema(schema, 2)).toEqual([]);
  });

  it('applies type-specific keywords only to values of that type', () => {
    const schema: JsonSchema = { minLength: 5, minimum: 10, minItems: 3, required: ['a'] };
    for (const value of [null, true, 'abcdef', 20, [1, 2, 3], { a: 1 }]) {
      expect(checkJsonSchema(schema, value)).toEqual([]);
    }
  });
});

describe('checkJsonSchema: enum, const, anyOf, oneOf', () => {
  it('compares enum and const values by JSON equality', () => {
    const schema: JsonSchema = { enum: ['a', 1, null, { x: [1, { y: 2 }] }] };
    expect(checkJsonSchema(schema, { x: [1, { y: 2 }] })).toEqual([]);
    expect(checkJsonSchema(schema, { x: [1, { y: 2 }], z: undefined })).toEqual([]);
    expect(keywords(schema, { x: [1, { y: 3 }] })).toEqual(['enum']);
    expect(keywords(schema, { x: [1] })).toEqual(['enum']);
    expect(keywords(schema, ['a'])).toEqual(['enum']);
    expect(checkJsonSchema({ const: [1, 2] }, [1, 2])).toEqual([]);
    expect(checkJsonSchema({ const: null }, null)).toEqual([]);
    expect(keywords({ const: { a: 1 } }, { a: 1, b: 2 })).toEqual(['const']);
    expect(keywords({ const: { a: 1, b: 2 } }, { a: 1 })).toEqual(['const']);
    expect(keywords({ const: [1] }, { 0: 1 })).toEqual(['const']);
  });

  it('requires at least one anyOf branch to match', () => {
    const schema: JsonSchema = { anyOf: [{ type: 'string' }, { type: 'integer', minimum: 0 }] };
    expect(checkJsonSchema(schema, 'x')).toEqual([]);
    expect(checkJsonSchema(schema, 3)).toEqual([]);
    expect(checkJsonSchema(schema, -3)).toEqual([
      { path: '', keyword: 'anyOf', message: 'must match at least one of the anyOf schemas' },
    ]);
  });

  it('requires exactly one oneOf branch to match', () => {
    const schema: JsonSchema = { oneOf: [{ type: 'number' }, { type: 'integer' }] };
    expect(checkJsonSchema(schema, 1.5)).toEqual([]);
    expect(checkJsonSchema(schema, 1)[0]?.message).toContain('more than one');
    expect(checkJsonSchema(schema, 'x')[0]?.message).toContain('none');
  });

  it('accepts everything under true and nothing under false, as schemas or subschemas', () => {
    expect(checkJsonSchema(true, Symbol('x'))).toEqual([]);
    expect(keywords(false, null)).toEqual(['false']);
    const flags = { properties: { a: true, b: false } } as unknown as JsonSchema;
    expect(checkJsonSchema(flags, { a: 1 })).toEqual([]);
    expect(checkJsonSchema(flags, { b: 1 })[0]?.path).toBe('/b');
  });

  it('ignores keywords outside the subset', () => {
    const schema = { $ref: '#/nowhere', allOf: [false], format: 'email', title: 't' } as JsonSchema;
    expect(checkJsonSchema(schema, 'not an email')).toEqual([]);
    expect(compileJsonSchema(schema).problems).toEqual([]);
  });
});

describe('checkJsonSchema: limits and robustness', () => {
  it('stops after maxIssues issues (20 by default)', () => {
    const schema: JsonSchema = { type: 'array', items: { type: 'string' } };
    expect(
      checkJsonSchema(
        schema,
        Array.from({ length: 50 }, () => 1),
      ),
    ).toHaveLength(20);
    expect(checkJsonSchema(schema, [1, 2, 3], { maxIssues: 2 })).toHaveLength(2);
    const wide: JsonSchema = {
      properties: { a: { minimum: 5, maximum: 1 }, b: { type: 'string' } },
      required: ['x', 'y'],
    };
    expect(checkJsonSchema(wide, { a: 3, b: 1 }, { maxIssues: 3 })).toHaveLength(3);
  });

  it('reports input nested deeper than maxDepth instead of overflowing the stack', () => {
    const tree: { type: 'object'; properties: Record<string, unknown> } = {
      type: 'object',
      properties: {},
    };
    tree.properties.child = tree;
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { child: deep };
    const issues = checkJsonSchema(tree as JsonSchema, deep);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.keyword).toBe('maxDepth');
    expect(checkJsonSchema(tree as JsonSchema, { child: { child: {} } }, { maxDepth: 2 })).toEqual(
      [],
    );
    expect(keywords(tree as JsonSchema, { child: { child: { child: {} } } })).toEqual([]);
    expect(
      checkJsonSchema(tree as JsonSchema, { child: { child: { child: {} } } }, { maxDepth: 2 })[0]
        ?.path,
    ).toBe('/child/child/child');
  });

  it('does not descend into values its schema accepts wholesale', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(checkJsonSchema({ type: 'array' }, deep)).toEqual([]);
    expect(keywords({ const: 1 }, deep)).toEqual(['const']);
  });

  it('reports a value whose getter throws as an issue', () => {
    const value = {
      get name(): string {
        throw new Error('boom');
      },
    };
    expect(checkJsonSchema({ properties: { name: { type: 'string' } } }, value)).toEqual([
      { path: '', keyword: '', message: 'could not be read: boom' },
    ]);
  });

  it('still reports an issue when a getter answers differently on each read', () => {
    let reads = 0;
    const value = {
      get name(): unknown {
        reads++;
        return reads === 1 ? 1 : 'now a string';
      },
    };
    const issues = checkJsonSchema({ properties: { name: { type: 'string' } } }, value);
    expect(issues).toEqual([{ path: '', keyword: '', message: 'does not match the schema' }]);
  });

  it('shows enum values that cannot be printed without throwing', () => {
    const schema = { enum: [1n] } as unknown as JsonSchema;
    expect(checkJsonSchema(schema, 2)[0]?.message).toBe('must be one of (unprintable)');
  });

  it('refuses out-of-range options with invalid_options', () => {
    for (const options of [{ maxIssues: 0 }, { maxDepth: -1 }, { maxIssues: 1.5 }]) {
      let error: unknown;
      try {
        checkJsonSchema({}, 1, options);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).code).toBe('invalid_options');
    }
  });
});

describe('compileJsonSchema', () => {
  it('compiles each schema object once', () => {
    const schema: JsonSchema = { type: 'string' };
    expect(compileJsonSchema(schema)).toBe(compileJsonSchema(schema));
    expect(compileJsonSchema(schema).check('x')).toEqual([]);
  });

  it('lists problems in the schema with pointers into it', () => {
    const schema = {
      type: 'strng',
      properties: { a: 5, b: { minLength: -1, items: [{}] } },
      required: 'a',
      enum: 'x',
      anyOf: [],
      oneOf: 'y',
      additionalProperties: null,
      pattern: 7,
      minimum: '1',
      maxItems: 1.5,
    } as unknown as JsonSchema;
    const problems = compileJsonSchema(schema).problems;
    expect(problems.map((p) => p.path).sort()).toEqual(
      [
        '/additionalProperties',
        '/anyOf',
        '/enum',
        '/maxItems',
        '/minimum',
        '/oneOf',
        '/pattern',
        '/properties/a',
        '/properties/b/items',
        '/properties/b/minLength',
        '/required',
        '/type',
      ].sort(),
    );
    expect(problems.find((p) => p.path === '/properties/a')?.keyword).toBe('properties');
  });

  it('lists malformed subschemas, type lists and counts as problems', () => {
    const getterSchema = {};
    Object.defineProperty(getterSchema, 'type', {
      enumerable: true,
      get() {
        throw new Error('no type today');
      },
    });
    const cases: [unknown, string, string][] = [
      [{ properties: { a: [] } }, '/properties/a', 'got an array'],
      [{ anyOf: [1] }, '/anyOf/0', 'got a number'],
      [{ type: [] }, '/type', 'non-empty array'],
      [{ type: 5 }, '/type', 'non-empty array'],
      [{ type: ['string', undefined] }, '/type', 'unknown type name undefined'],
      [{ maxLength: -1 }, '/maxLength', 'non-negative integer'],
      [{ minItems: 'two' }, '/minItems', 'non-negative integer'],
      [{ properties: [] }, '/properties', 'must be an object of schemas'],
      [getterSchema, '', 'could not be read: no type today'],
    ];
    for (const [schema, path, message] of cases) {
      const problems = compileJsonSchema(schema as JsonSchema).problems;
      expect(problems).toHaveLength(1);
      expect(problems[0]?.path).toBe(path);
      expect(problems[0]?.message).toContain(message);
    }
  });

  it('treats an empty required list and all-permissive properties as no constraint', () => {
    const schema: JsonSchema = { required: [], properties: { a: {}, b: true as never } };
    expect(compileJsonSchema(schema).problems).toEqual([]);
    expect(checkJsonSchema(schema, { a: Symbol('anything') })).toEqual([]);
  });

  it('makes a broken schema fail every value that reaches the broken part', () => {
    const schema = { properties: { a: { type: 'nope' } } } as unknown as JsonSchema;
    expect(checkJsonSchema(schema, { b: 1 })).toEqual([]);
    const issues = checkJsonSchema(schema, { a: 1 });
    expect(issues[0]?.path).toBe('/a');
    expect(issues[0]?.message).toContain('the schema is invalid');
  });

  it('reports a schema that is not an object or a boolean', () => {
    expect(compileJsonSchema(42 as unknown as JsonSchema).problems).toHaveLength(1);
    expect(checkJsonSchema(42 as unknown as JsonSchema, 1)).toHaveLength(1);
  });

  it('handles schemas that contain themselves', () => {
    const list: Record<string, unknown> = {
      type: 'object',
      properties: { value: { type: 'integer' } },
    };
    (list.properties as Record<string, unknown>).next = { anyOf: [{ type: 'null' }, list] };
    const schema = list as JsonSchema;
    expect(compileJsonSchema(schema).problems).toEqual([]);
    expect(checkJsonSchema(schema, { value: 1, next: { value: 2, next: null } })).toEqual([]);
    expect(keywords(schema, { value: 1, next: { value: 'x', next: null } })).toEqual(['anyOf']);
  });

  it('reports a oneOf that contains its own schema', () => {
    const loop: Record<string, unknown> = {};
    loop.oneOf = [loop];
    expect(compileJsonSchema(loop as JsonSchema).problems[0]?.keyword).toBe('oneOf');
  });

  it('reports anyOf/oneOf cycles that never descend instead of looping', () => {
    const loop: Record<string, unknown> = {};
    loop.anyOf = [{ oneOf: [loop, { type: 'string' }] }];
    const compiled = compileJsonSchema(loop as JsonSchema);
    expect(compiled.problems).toHaveLength(1);
    expect(compiled.problems[0]?.message).toContain('refers back');
    expect(compiled.check('x').length).toBeGreaterThan(0);
  });
});
