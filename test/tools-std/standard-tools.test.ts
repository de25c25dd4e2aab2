import {
  createToolRegistry,
  DEFAULT_POLICY,
  type Tool,
  ToolError,
  ValidationError,
} from 'skreaver';
import {
  jsonParseTool,
  jsonTransformTool,
  registerStandardTools,
  STANDARD_TOOL_LIMITS,
  standardTools,
  textAnalyzeTool,
  textReverseTool,
  textSearchTool,
  textSplitTool,
  textUppercaseTool,
  xmlParseTool,
} from 'skreaver/tools';
import { describe, expect, it } from 'vitest';
import { failure, output, toolContext } from './_helpers.js';
import { HTTP_TOOL_NAMES, LOCAL_TOOL_NAMES } from './_tool-names.js';

const ctx = toolContext();

/** A valid object input per tool, with its largest field named. */
const SAMPLES: Record<string, { input: Record<string, unknown>; field: string }> = {
  text_uppercase: { input: { text: 'ab' }, field: 'text' },
  text_reverse: { input: { text: 'ab' }, field: 'text' },
  text_analyze: { input: { text: 'ab' }, field: 'text' },
  text_search: { input: { text: 'ab', pattern: 'b' }, field: 'text' },
  text_split: { input: { text: 'a b' }, field: 'text' },
  json_parse: { input: { input: '[1]' }, field: 'input' },
  json_transform: { input: { input: '[1]', path: '0' }, field: 'input' },
  xml_parse: { input: { input: '<a/>' }, field: 'input' },
};

describe('standardTools', () => {
  it('makes the eight local tools, in order, each with an object schema', () => {
    const tools = standardTools();
    expect(tools.map((tool) => tool.name)).toEqual(LOCAL_TOOL_NAMES);
    for (const tool of tools) {
      expect(tool.description.length).toBeGreaterThan(20);
      expect(tool.inputSchema).toMatchObject({ type: 'object', required: expect.any(Array) });
      expect(tool.validator?.['~standard'].vendor).toBe('skreaver');
    }
  });

  it('adds the four HTTP tools when given a policy, and makes fresh objects per call', () => {
    const first = standardTools(DEFAULT_POLICY);
    const second = standardTools(undefined, {});
    expect(first.map((tool) => tool.name)).toEqual([...LOCAL_TOOL_NAMES, ...HTTP_TOOL_NAMES]);
    expect(second.map((tool) => tool.name)).toEqual(LOCAL_TOOL_NAMES);
    expect(first[0]).not.toBe(second[0]);
    for (const tool of first.slice(LOCAL_TOOL_NAMES.length)) {
      expect(tool.inputSchema).toMatchObject({ type: 'object', required: ['url'] });
    }
  });

  it('registers all of them with registerStandardTools and refuses a second time', async () => {
    const registry = createToolRegistry();
    expect(registerStandardTools(registry, { policy: DEFAULT_POLICY })).toBe(registry);
    expect(registry.list().map((tool) => tool.name)).toEqual([
      ...LOCAL_TOOL_NAMES,
      ...HTTP_TOOL_NAMES,
    ]);
    for (const name of LOCAL_TOOL_NAMES) {
      const result = await registry.dispatch({ name, input: SAMPLES[name]?.input });
      expect(result.ok, name).toBe(true);
    }
    // The default policy turns HTTP off: the tools are there and refuse.
    const denied = await registry.dispatch({ name: 'http_get', input: 'https://example.com/' });
    expect(denied.ok ? 'ok' : denied.error.data).toMatchObject({
      tool: 'http_get',
      detail: { code: 'url_denied', reason: 'http_disabled' },
    });
    expect(() => registerStandardTools(registry)).toThrow(
      expect.objectContaining({ code: 'tool_duplicate' }),
    );
    await registry.close();
  });

  it('registers only the local tools without a policy', async () => {
    const registry = registerStandardTools(createToolRegistry());
    expect(registry.list().map((tool) => tool.name)).toEqual(LOCAL_TOOL_NAMES);
    await registry.close();
  });

  it('applies the shared maxInputBytes, with a tool option winning over it', async () => {
    const tools = standardTools(undefined, { maxInputBytes: 8, textSearch: { maxInputBytes: 64 } });
    for (const tool of tools) {
      const sample = SAMPLES[tool.name] as { input: Record<string, unknown>; field: string };
      const big = { ...sample.input, [sample.field]: `"${'x'.repeat(20)}"` };
      const result = await createToolRegistry()
        .register(tool)
        .dispatch({ name: tool.name, input: big });
      if (tool.name === 'text_search') expect(result.ok).toBe(true);
      else expect(result.ok ? 'ok' : result.error.data, tool.name).toMatchObject({ limit: 8 });
    }
  });

  it('publishes the default limits', () => {
    expect(STANDARD_TOOL_LIMITS).toEqual({
      maxInputBytes: 1_048_576,
      maxMatches: 10_000,
      maxParts: 10_000,
      maxJsonDepth: 128,
      maxXmlDepth: 100,
    });
  });
});

describe('input size limits', () => {
  const factories: [string, (options: { maxInputBytes: number }) => Tool][] = [
    ['text_uppercase', textUppercaseTool],
    ['text_reverse', textReverseTool],
    ['text_analyze', textAnalyzeTool],
    ['text_search', textSearchTool],
    ['text_split', textSplitTool],
    ['json_parse', jsonParseTool],
    ['json_transform', jsonTransformTool],
    ['xml_parse', xmlParseTool],
  ];

  it.each(factories)(
    '%s refuses a field over maxInputBytes, counted in UTF-8 bytes',
    async (name, make) => {
      const tool = make({ maxInputBytes: 10 });
      const sample = SAMPLES[name] as { input: Record<string, unknown>; field: string };
      // 5 two-byte characters are 10 bytes: allowed as a size (the content may still be refused).
      const fits = await createToolRegistry()
        .register(tool)
        .dispatch({ name, input: { ...sample.input, [sample.field]: 'ééééé' } });
      expect(fits.ok ? 'ok' : fits.error.data).not.toMatchObject({ reason: 'input_too_large' });
      const error = await failure(tool, { ...sample.input, [sample.field]: 'éééééé' });
      expect(error).toBeInstanceOf(ToolError);
      expect(error.code).toBe('tool_invalid_input');
      expect(error.data).toEqual({
        tool: name,
        issues: [
          {
            path: `/${sample.field}`,
            message: 'is 12 bytes long; this tool takes at most 10 (option maxInputBytes)',
          },
        ],
        reason: 'input_too_large',
        limit: 10,
      });
      expect(error.message).toBe(
        `Invalid input for tool '${name}': input at /${sample.field} is 12 bytes long; this tool takes at most 10 (option maxInputBytes).`,
      );
    },
  );

  it.each(factories)(
    '%s counts the whole string form against maxInputBytes',
    async (name, make) => {
      const error = await failure(
        make({ maxInputBytes: 10 }),
        JSON.stringify({ text: 'x', input: 'yyyyyyyy' }),
      );
      expect(error.data).toMatchObject({
        tool: name,
        reason: 'input_too_large',
        limit: 10,
        issues: [{ path: '' }],
      });
    },
  );

  it('counts an astral character as four bytes', async () => {
    const tool = textUppercaseTool({ maxInputBytes: 8 });
    expect(await output(tool, '😀😀')).toMatchObject({ result: '😀😀' });
    expect((await failure(tool, '😀😀a')).data).toMatchObject({ reason: 'input_too_large' });
  });
});

describe('calling a tool without a registry', () => {
  it('normalises both forms and returns the output', () => {
    const tool = textUppercaseTool();
    expect(tool.call('abc', ctx)).toMatchObject({ result: 'ABC' });
    expect(tool.call({ text: 'abc' }, ctx)).toMatchObject({ result: 'ABC' });
  });

  it('throws the same ToolError the registry returns', async () => {
    const tool = textSearchTool();
    let thrown: unknown;
    try {
      tool.call('not json', ctx);
    } catch (error) {
      thrown = error;
    }
    const returned = await failure(tool, 'not json');
    expect(thrown).toBeInstanceOf(ToolError);
    expect((thrown as ToolError).code).toBe('tool_invalid_input');
    expect((thrown as ToolError).message).toBe(returned.message);
    expect((thrown as ToolError).data).toEqual(returned.data);
    expect(() => jsonTransformTool().call({ input: '{}', path: 'a' }, ctx)).toThrow(
      "Path 'a' not found in JSON",
    );
  });
});

describe('the validator', () => {
  it('hands policy hooks the normalised config, not the raw string', async () => {
    const seen: unknown[] = [];
    const registry = createToolRegistry({
      policies: [
        ({ input }) => {
          seen.push(input);
          return { allow: true };
        },
      ],
    }).register(textSplitTool());
    await registry.dispatch({ name: 'text_split', input: '{"text":"a b","limit":1,"extra":true}' });
    expect(seen).toEqual([{ text: 'a b', limit: 1 }]);
    await registry.close();
  });

  it('reports form problems as issues with JSON-pointer paths', async () => {
    const error = await failure(textSplitTool(), { text: 1, limit: 'x' });
    expect(error.data).toMatchObject({
      tool: 'text_split',
      issues: [
        { path: '/text', message: expect.stringContaining('must be string') },
        { path: '/limit', message: expect.stringContaining('must be integer') },
      ],
    });
    expect(error.message).toContain('(and 1 more)');
  });
});

describe('options', () => {
  it.each([
    ['maxInputBytes 0', () => textUppercaseTool({ maxInputBytes: 0 })],
    ['maxInputBytes 1.5', () => textReverseTool({ maxInputBytes: 1.5 })],
    ['maxInputBytes NaN', () => textAnalyzeTool({ maxInputBytes: Number.NaN })],
    ['maxMatches -1', () => textSearchTool({ maxMatches: -1 })],
    ['offsets bytes', () => textSearchTool({ offsets: 'bytes' as 'utf8' })],
    ['maxParts Infinity', () => textSplitTool({ maxParts: Number.POSITIVE_INFINITY })],
    ['maxDepth 0', () => jsonParseTool({ maxDepth: 0 })],
    ['maxDepth "3"', () => jsonTransformTool({ maxDepth: '3' as unknown as number })],
    ['repeatedElements first', () => xmlParseTool({ repeatedElements: 'first' as 'last' })],
    ['xml maxDepth -2', () => xmlParseTool({ maxDepth: -2 })],
    ['a shared limit', () => standardTools(undefined, { maxInputBytes: 0 })],
  ])('refuses %s with invalid_options', (_name, make) => {
    expect(make).toThrow(ValidationError);
    expect(make).toThrow(expect.objectContaining({ code: 'invalid_options' }));
  });
});
