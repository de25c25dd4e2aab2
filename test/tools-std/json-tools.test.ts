import { jsonParseTool, jsonTransformTool } from 'skreaver/tools';
import { describe, expect, it } from 'vitest';
import { failure, output } from './_helpers.js';

describe('json_parse', () => {
  const tool = jsonParseTool();

  it.each([
    ['object form', { input: '{"a":[1,2]}' }, { a: [1, 2] }, '{"a":[1,2]}'],
    ['raw JSON object', '{"a": 1}', { a: 1 }, '{"a":1}'],
    ['raw JSON array', '[1, "x", null]', [1, 'x', null], '[1,"x",null]'],
    ['raw scalar', '  42 ', 42, '42'],
    ['JSON config string', '{"input":"[true]"}', [true], '[true]'],
    [
      'format other than pretty is compact',
      { input: '{"a": 1}', format: 'yaml' },
      { a: 1 },
      '{"a":1}',
    ],
    [
      '__proto__ stays an own key',
      '{"__proto__":{"x":1}}',
      JSON.parse('{"__proto__":{"x":1}}'),
      '{"__proto__":{"x":1}}',
    ],
  ])('%s', async (_name, input, parsed, formatted) => {
    expect(await output(tool, input)).toEqual({ parsed, formatted, valid: true, success: true });
  });

  it('pretty-prints with two spaces', async () => {
    expect(await output(tool, { input: '{"a":[1]}', format: 'pretty' })).toMatchObject({
      formatted: '{\n  "a": [\n    1\n  ]\n}',
    });
  });

  it.each([
    ['not JSON', 'abc'],
    ['truncated', { input: '{"a":' }],
    ['trailing comma', '[1,]'],
    ['empty', ''],
    ['a config whose input is not JSON (the original rule)', '{"input":"abc"}'],
  ])('reports %s as valid: false, not as a failure', async (_name, input) => {
    const out = (await output(tool, input)) as Record<string, unknown>;
    expect(out).toEqual({ valid: false, error: expect.any(String), success: false });
    expect(out.error).not.toBe('');
  });

  it('reports a number beyond a double as out of range', async () => {
    expect(await output(tool, '[1e400]')).toEqual({
      valid: false,
      error: 'number out of range',
      success: false,
    });
  });

  it('refuses documents nested deeper than maxDepth with reason too_deep', async () => {
    const shallow = jsonParseTool({ maxDepth: 3 });
    expect(await output(shallow, '[[["ok"]]]')).toMatchObject({ valid: true });
    expect(await output(shallow, '[["[[[[in a string\\"["]]')).toMatchObject({ valid: true });
    const error = await failure(shallow, '[[[[1]]]]');
    expect(error.code).toBe('tool_invalid_input');
    expect(error.data).toMatchObject({ tool: 'json_parse', reason: 'too_deep', limit: 3 });
    expect(error.message).toContain('deeper than 3 levels');
  });

  it('handles a default-limit document at depth 128 and refuses 129', async () => {
    expect(await output(tool, `${'['.repeat(128)}${']'.repeat(128)}`)).toMatchObject({
      valid: true,
    });
    const error = await failure(tool, `${'['.repeat(129)}${']'.repeat(129)}`);
    expect(error.data).toMatchObject({ reason: 'too_deep', limit: 128 });
  });

  it.each([
    ['a number', 7, 'must be an object'],
    ['an input of the wrong type', { input: 1 }, 'must be string'],
    ['a format of the wrong type', { input: '1', format: true }, 'must be string'],
  ])('refuses %s', async (_name, input, message) => {
    const error = await failure(tool, input);
    expect(error.code).toBe('tool_invalid_input');
    expect(error.message).toContain(message);
  });
});

describe('json_transform', () => {
  const tool = jsonTransformTool();
  const doc =
    '{"user":{"name":"Ada","tags":["a","b"],"0":"zero","a/b":1,"m~n":2},"list":[{"x":1}]}';
  const extract = async (path: string | undefined) => {
    const input = path === undefined ? { input: doc } : { input: doc, path };
    return ((await output(tool, input)) as { extracted: unknown }).extracted;
  };

  it('returns the document, the extract, its text and the path', async () => {
    expect(
      await output(tool, { input: '{"a":{"b":[1,2]}}', path: 'a.b', format: 'pretty' }),
    ).toEqual({
      original: { a: { b: [1, 2] } },
      extracted: [1, 2],
      formatted: '[\n  1,\n  2\n]',
      path: 'a.b',
      success: true,
    });
    expect(await output(tool, '{"input":"[1]"}')).toEqual({
      original: [1],
      extracted: [1],
      formatted: '[1]',
      path: null,
      success: true,
    });
  });

  it.each([
    ['no path: the whole document', undefined, JSON.parse(doc)],
    ['empty path', '', JSON.parse(doc)],
    ['only dots', '...', JSON.parse(doc)],
    ['dotted key', 'user.name', 'Ada'],
    ['dotted index', 'user.tags.1', 'b'],
    ['dotted, empty segments skipped', '.user..tags.0.', 'a'],
    ['dotted into an array of objects', 'list.0.x', 1],
    ['pointer key', '/user/name', 'Ada'],
    ['pointer index', '/user/tags/1', 'b'],
    ['pointer: a number is a key on an object', '/user/0', 'zero'],
    ['pointer: ~1 is a slash', '/user/a~1b', 1],
    ['pointer: ~0 is a tilde', '/user/m~0n', 2],
    ['pointer: root', '/', undefined],
  ])('%s', async (_name, path, expected) => {
    if (expected === undefined) {
      // '/' names the key '' of the root, which this document lacks.
      const error = await failure(tool, { input: doc, path: path as string });
      expect(error.data).toMatchObject({ reason: 'path_not_found' });
      return;
    }
    expect(await extract(path)).toEqual(expected);
  });

  it.each([
    ['a missing key', 'user.age', "no key 'age'"],
    ['a dotted number on an object (the original rule)', 'user.0', 'index 0 applied to an object'],
    ['an index past the end', 'user.tags.5', 'past the end'],
    ['a key on an array', 'user.tags.first', "'first' is not an array index"],
    ['a step into a scalar', 'user.name.x', "'x' applied to a string"],
    ['a pointer index with a leading zero', '/user/tags/01', "'01' is not an array index"],
    ['the pointer past-the-end index', '/user/tags/-', "'-' is not an array index"],
    ['an inherited property', 'user.constructor', "no key 'constructor'"],
    ['__proto__', '/user/__proto__', "no key '__proto__'"],
  ])('fails on %s with path_not_found', async (_name, path, why) => {
    const error = await failure(tool, { input: doc, path });
    expect(error.code).toBe('tool_invalid_input');
    expect(error.data).toMatchObject({ tool: 'json_transform', reason: 'path_not_found', path });
    expect(error.message).toContain(`Path '${path}' not found in JSON`);
    expect(error.message).toContain(why);
    expect((error.data as { issues: { path: string }[] }).issues[0]?.path).toBe('/path');
  });

  it('quotes a long path or key shortened', async () => {
    const key = 'k'.repeat(500);
    const error = await failure(tool, { input: '{}', path: key });
    expect(error.message).toContain(`Path '${'k'.repeat(77)}...' not found in JSON`);
    expect(error.message.length).toBeLessThan(400);
    expect(error.data).toMatchObject({ path: key });
  });

  it('fails on a bad pointer escape with invalid_path and its offset', async () => {
    const error = await failure(tool, { input: doc, path: '/user/a~2' });
    expect(error.data).toMatchObject({ reason: 'invalid_path', path: '/user/a~2', offset: 7 });
    expect(error.message).toContain("'~' must be followed by '0'");
    expect((await failure(tool, { input: doc, path: '/a~' })).data).toMatchObject({
      reason: 'invalid_path',
      offset: 2,
    });
  });

  it('fails on an input that is not JSON with invalid_json', async () => {
    const error = await failure(tool, { input: '{nope', path: 'a' });
    expect(error.code).toBe('tool_invalid_input');
    expect(error.data).toMatchObject({ reason: 'invalid_json' });
    expect(error.message).toContain('input at /input is not valid JSON');
    expect((await failure(tool, { input: '[1e999]' })).message).toContain('number out of range');
  });

  it.each([
    [
      'a raw string (the config is required)',
      '[1,2]',
      'is not a JSON config object (got an array)',
    ],
    ['text that is not JSON', 'a.b', 'is not a valid JSON config'],
    ['a config without input', '{"path":"a"}', 'must have the property "input"'],
    ['a path of the wrong type', { input: '1', path: 3 }, 'must be string'],
  ])('refuses %s', async (_name, input, message) => {
    const error = await failure(tool, input);
    expect(error.code).toBe('tool_invalid_input');
    expect(error.message).toContain(message);
  });

  it('refuses a document deeper than maxDepth', async () => {
    const error = await failure(jsonTransformTool({ maxDepth: 2 }), { input: '[[[1]]]' });
    expect(error.data).toMatchObject({ reason: 'too_deep', limit: 2 });
  });
});
