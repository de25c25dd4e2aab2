import fc from 'fast-check';
import { textAnalyzeTool, textReverseTool, textSearchTool, textSplitTool } from 'skreaver/tools';
import { describe, expect, it } from 'vitest';
import { toolContext } from '../test/tools-std/_helpers.js';

const ctx = toolContext();
/** Short texts over a small alphabet, so delimiters and patterns actually occur. */
const text = fc.string({
  unit: fc.constantFrom('a', 'b', ',', ' ', 'é', '😀', '\n'),
  maxLength: 20,
});
const needle = fc.string({ unit: fc.constantFrom('a', 'b', ',', ' ', 'é', '😀'), maxLength: 3 });
const encoder = new TextEncoder();

describe('text_split', () => {
  const tool = textSplitTool();
  it('splits like Rust: the parts rejoin to the text, at most limit of them', () => {
    fc.assert(
      fc.property(text, needle, fc.option(fc.nat(8), { nil: undefined }), (t, delimiter, limit) => {
        const input = limit === undefined ? { text: t, delimiter } : { text: t, delimiter, limit };
        const { parts } = tool.call(input, ctx) as unknown as { parts: string[] };
        if (limit === 0) {
          expect(parts).toEqual([]);
          return;
        }
        if (limit !== undefined) expect(parts.length).toBeLessThanOrEqual(limit);
        if (delimiter === '') {
          if (limit === undefined) expect(parts).toEqual(['', ...Array.from(t), '']);
          expect(parts.join('')).toBe(t);
        } else {
          expect(parts.join(delimiter)).toBe(t);
          if (limit === undefined) expect(parts).toEqual(t.split(delimiter));
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('text_search', () => {
  it('finds non-overlapping case-sensitive matches, in UTF-16 and UTF-8 offsets', () => {
    const units = textSearchTool();
    const bytes = textSearchTool({ offsets: 'utf8' });
    fc.assert(
      fc.property(
        text,
        needle.filter((n) => n !== ''),
        (t, pattern) => {
          const input = { text: t, pattern, case_sensitive: true };
          const found = units.call(input, ctx) as unknown as {
            matches: number[];
            match_count: number;
          };
          const inBytes = bytes.call(input, ctx) as unknown as { matches: number[] };
          let previousEnd = 0;
          for (const [i, at] of found.matches.entries()) {
            expect(t.slice(at, at + pattern.length)).toBe(pattern);
            expect(at).toBeGreaterThanOrEqual(previousEnd);
            previousEnd = at + pattern.length;
            expect(inBytes.matches[i]).toBe(encoder.encode(t.slice(0, at)).length);
          }
          expect(found.match_count).toBe(t.split(pattern).length - 1);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('text_reverse and text_analyze', () => {
  it('reverse twice is the identity; the counts agree with the platform', () => {
    const reverse = textReverseTool();
    const analyze = textAnalyzeTool();
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (t) => {
        const once = (reverse.call(t, ctx) as { result: string }).result;
        if (t.trimStart().startsWith('{')) return; // may be read as a JSON config
        expect((reverse.call(once, ctx) as { result: string }).result).toBe(t);
        const { analysis } = analyze.call({ text: t }, ctx) as {
          analysis: {
            byte_count: number;
            character_count: number;
            char_frequency: Record<string, number>;
          };
        };
        expect(analysis.byte_count).toBe(encoder.encode(t).length);
        expect(analysis.character_count).toBe(Array.from(t).length);
        const total = Object.values(analysis.char_frequency).reduce((sum, n) => sum + n, 0);
        expect(total).toBe(analysis.character_count);
      }),
      { numRuns: 1000 },
    );
  });
});
