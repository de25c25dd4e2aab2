import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSkreaverError } from '../src/errors/skreaver-error.js';
import { inMemoryMemory } from '../src/memory/in-memory.js';
import { exportMemory, importMemory, ndjsonLines } from '../src/memory/ndjson.js';

const NOW = 1_700_000_000_000;
const clock = () => NOW;
const MAX_LINE_BYTES = 200;

const keyChar = fc.constantFrom(...'abcXYZ019_-.:', 'é', '中', 'ｚ', '𝐀');
const validKey = fc.string({ unit: keyChar, minLength: 1, maxLength: 12 });
const value = fc.string({ unit: 'binary', maxLength: 20 });
const ttl = fc.option(fc.integer({ min: 1, max: 100_000 }), { nil: undefined });
const entries = fc.array(fc.tuple(validKey, value, ttl), { maxLength: 30 });

/** A well-formed line, as an export writes it. */
const validLine = fc
  .tuple(validKey, value, fc.option(fc.integer({ min: 1, max: NOW * 2 }), { nil: undefined }))
  .map(([key, v, expiresAt]) => JSON.stringify({ key, value: v, expiresAt }));

/** Lines that are broken in many ways, or maybe not broken at all. */
const hostileLine = fc.oneof(
  { arbitrary: validLine, weight: 4 },
  fc.tuple(validLine, fc.nat()).map(([line, cut]) => line.slice(0, cut % (line.length + 1))),
  fc.json(),
  fc.string(),
  fc.constantFrom('', ' ', '\r', '{}', '[]', 'null'),
  fc
    .record(
      {
        key: fc.oneof(validKey, fc.string({ maxLength: 6 }), fc.integer(), fc.constant(null)),
        value: fc.oneof(value, fc.integer(), fc.boolean(), fc.constant({})),
        expiresAt: fc.oneof(fc.integer(), fc.double(), fc.string()),
        extra: fc.string(),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
  validKey.map((key) => JSON.stringify({ key, value: 'x'.repeat(MAX_LINE_BYTES) })),
  fc.constantFrom('{"key":"a","value":"\\udc00"}', '{"key":"a","value":"1","__proto__":1}'),
);

/** `text` as UTF-8 bytes cut into random chunks. */
function chunked(text: string, cuts: number[]): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, point));
    from = point;
  }
  return chunks;
}

describe('NDJSON export and import', () => {
  it('an export imported into an empty memory gives the same content, through bytes cut anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(
        entries,
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.integer({ min: 1, max: 7 }),
        async (list, cuts, batchSize) => {
          const source = inMemoryMemory({ now: clock });
          for (const [key, v, ttlMs] of list) {
            await source.store(key, v, ttlMs === undefined ? undefined : { ttlMs });
          }
          const lines: string[] = [];
          for await (const line of exportMemory(source, { batchSize })) lines.push(line);
          const text = lines.map((line) => `${line}\n`).join('');

          const target = inMemoryMemory({ now: clock });
          const result = await importMemory(target, ndjsonLines(chunked(text, cuts)), {
            batchSize,
            now: clock,
          });
          expect(result).toEqual({ imported: lines.length, expired: 0 });
          expect(await target.snapshot()).toBe(await source.snapshot());

          const viaKeys = inMemoryMemory({ now: clock });
          await importMemory(viaKeys, exportMemory(source, { useSnapshot: false }));
          expect(await viaKeys.keys()).toEqual(await source.keys());
        },
      ),
    );
  });

  it('random lines either import or reject with invalid_input naming the first bad line', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(hostileLine, { maxLength: 12 }),
        fc.boolean(),
        async (lines, atomic) => {
          const options = { maxLineBytes: MAX_LINE_BYTES, now: clock, batchSize: 3, atomic };
          const target = inMemoryMemory({ now: clock });
          const before = await target.snapshot();
          let error: unknown;
          try {
            await importMemory(target, lines, options);
          } catch (caught) {
            error = caught;
          }
          if (error === undefined) return;
          if (!isSkreaverError(error, 'invalid_input')) throw error;
          const { line, imported } = error.data as { line: number; imported: number };
          expect(line).toBeGreaterThanOrEqual(1);
          expect(line).toBeLessThanOrEqual(lines.length);
          expect(error.message).toContain(`NDJSON line ${line} `);
          if (atomic) {
            expect(imported).toBe(0);
            expect(await target.snapshot()).toBe(before);
          }
          // Everything before the bad line imports; the bad line itself does
          // not (a blank line is bad only when more lines follow it).
          await importMemory(inMemoryMemory({ now: clock }), lines.slice(0, line - 1), options);
          const bad = lines[line - 1] as string;
          if (bad.trim() !== '' && bad !== '\r') {
            const alone = importMemory(inMemoryMemory({ now: clock }), [bad], options);
            await expect(alone).rejects.toMatchObject({ code: 'invalid_input' });
          }
        },
      ),
    );
  });
});
