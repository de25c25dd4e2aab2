import fc from 'fast-check';
import { findSerialisationProblem } from 'skreaver';
import { jsonParseTool, jsonTransformTool } from 'skreaver/tools';
import { describe, expect, it } from 'vitest';
import { formatPointer, parseJsonPath, selectPath } from '../adapters/tools/json/_json-path.js';
import { attempt, toolContext } from '../test/tools-std/_helpers.js';

const ctx = toolContext();

/** Path-like strings: slashes, dots, tildes and digits are where the parser has decisions to make. */
const pathText = fc.oneof(
  fc.string(),
  fc
    .array(
      fc.constantFrom('/', '.', '~', '~0', '~1', '0', '1', '01', '-', 'a', 'b', '__proto__', ''),
      {
        maxLength: 8,
      },
    )
    .map((parts) => parts.join('')),
);

/** Depth of arrays and objects in a JSON value (`1` has depth 0). */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const items = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...items.map(depthOf));
}

describe('json_transform path parser', () => {
  it('never throws, and fails only on a pointer with a bad ~ escape, saying where', () => {
    fc.assert(
      fc.property(pathText, (text) => {
        const parsed = parseJsonPath(text);
        if (parsed.ok) {
          expect(parsed.path.syntax).toBe(text.startsWith('/') ? 'pointer' : 'dotted');
          if (parsed.path.syntax === 'dotted') expect(parsed.path.segments).not.toContain('');
          return;
        }
        expect(text.startsWith('/')).toBe(true);
        expect(text[parsed.offset]).toBe('~');
        expect(['0', '1']).not.toContain(text[parsed.offset + 1]);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back every pointer it writes', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 6 }), (segments) => {
        const parsed = parseJsonPath(formatPointer(segments));
        expect(parsed).toEqual({ ok: true, path: { syntax: 'pointer', segments } });
      }),
      { numRuns: 1000 },
    );
  });

  it('selects exactly the value at a location reached by walking the document', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 5 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (document, choices) => {
          const segments: string[] = [];
          let value: unknown = document;
          for (const choice of choices) {
            if (typeof value !== 'object' || value === null) break;
            const keys = Array.isArray(value) ? value.map((_, i) => String(i)) : Object.keys(value);
            const key = keys[choice % Math.max(1, keys.length)];
            if (key === undefined) break;
            segments.push(key);
            value = (value as Record<string, unknown>)[key];
          }
          const parsed = parseJsonPath(formatPointer(segments));
          if (!parsed.ok) throw new Error('a written pointer must parse');
          const selection = selectPath(document, parsed.path);
          expect(selection).toEqual({ found: true, value });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never throws while selecting, whatever the path and document', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), pathText, (document, text) => {
        const parsed = parseJsonPath(text);
        if (!parsed.ok) return;
        const selection = selectPath(document, parsed.path);
        if (!selection.found) {
          expect(selection.segment).toBeGreaterThanOrEqual(0);
          expect(selection.segment).toBeLessThan(parsed.path.segments.length);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('json_transform and json_parse on arbitrary input', () => {
  const input = fc.oneof(
    fc.string(),
    fc.jsonValue({ maxDepth: 3 }),
    fc.record(
      { input: fc.oneof(fc.string(), fc.json({ maxDepth: 6 })), path: pathText },
      { requiredKeys: ['input'] },
    ),
    fc.json({ maxDepth: 6 }).map((json) => JSON.stringify({ input: json, path: '/0' })),
  );

  it('json_transform returns JSON or throws only tool_invalid_input, within its depth limit', () => {
    const maxDepth = 3;
    const tool = jsonTransformTool({ maxDepth, maxInputBytes: 4096 });
    fc.assert(
      fc.property(input, (value) => {
        const result = attempt(() => tool.call(value as string, ctx));
        if (!result.ok) {
          expect(result.error.code).toBe('tool_invalid_input');
          expect(result.error.data).toMatchObject({ tool: 'json_transform' });
          return;
        }
        expect(findSerialisationProblem(result.output)).toBeUndefined();
        expect(depthOf((result.output as { original: unknown }).original)).toBeLessThanOrEqual(
          maxDepth,
        );
      }),
      { numRuns: 1500 },
    );
  });

  it('json_parse agrees with JSON.parse on valid documents and never throws on others', () => {
    const tool = jsonParseTool({ maxDepth: 8 });
    fc.assert(
      fc.property(fc.oneof(fc.json({ maxDepth: 6 }), fc.string()), (text) => {
        const result = attempt(() => tool.call({ input: text }, ctx));
        if (!result.ok) {
          expect(result.error.data).toMatchObject({ reason: 'too_deep' });
          return;
        }
        const out = result.output as { valid: boolean; parsed?: unknown; formatted?: string };
        let expected: unknown;
        try {
          expected = JSON.parse(text);
        } catch {
          expect(out.valid).toBe(false);
          return;
        }
        expect(out.valid).toBe(true);
        expect(out.parsed).toEqual(expected);
        expect(out.formatted).toBe(JSON.stringify(expected));
      }),
      { numRuns: 1500 },
    );
  });

  it('refuses exactly the documents deeper than maxDepth', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 8 }),
        fc.integer({ min: 1, max: 6 }),
        (value, maxDepth) => {
          const result = attempt(() =>
            jsonParseTool({ maxDepth }).call({ input: JSON.stringify(value) }, ctx),
          );
          if (depthOf(value) > maxDepth) {
            expect(result.ok ? result.output : result.error.data).toMatchObject({
              reason: 'too_deep',
            });
          } else expect(result).toMatchObject({ ok: true, output: { valid: true } });
        },
      ),
      { numRuns: 1000 },
    );
  });
});
