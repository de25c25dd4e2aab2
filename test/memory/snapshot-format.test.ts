import { describe, expect, it } from 'vitest';
import { MemoryError } from '../../src/errors/families.js';
import {
  formatMemorySnapshot,
  parseMemorySnapshot,
  type SnapshotInvalidData,
} from '../../src/memory/snapshot-format.js';

function problems(input: unknown, options = {}): SnapshotInvalidData {
  try {
    parseMemorySnapshot(input, options);
  } catch (error) {
    expect(error).toBeInstanceOf(MemoryError);
    expect((error as MemoryError).code).toBe('snapshot_invalid');
    return (error as MemoryError<SnapshotInvalidData>).data as SnapshotInvalidData;
  }
  return expect.fail('expected snapshot_invalid');
}

const versioned = (rest: object) =>
  JSON.stringify({ format: 'skreaver.memory', version: 1, ...rest });

describe('formatMemorySnapshot', () => {
  it('sorts keys by code point, integer-like keys included', () => {
    const entries = new Map([
      ['b', '1'],
      ['10', '2'],
      ['9', '3'],
      ['__proto__', '4'],
      ['𝐀', '5'],
      ['ｚ', '6'],
    ]);
    const text = formatMemorySnapshot({ entries, expiresAt: new Map([['9', 123]]) });
    expect(text).toBe(
      '{"format":"skreaver.memory","version":1,"entries":{"10":"2","9":"3","__proto__":"4","b":"1","ｚ":"6","𝐀":"5"},"expiresAt":{"9":123}}',
    );
    const parsed = parseMemorySnapshot(text);
    expect(Object.fromEntries(parsed.entries)).toEqual(Object.fromEntries(entries));
    expect(parsed.expiresAt.get('9')).toBe(123);
    expect(Object.getPrototypeOf(Object.fromEntries(parsed.entries))).toBe(Object.prototype);
  });

  it('gives the same text on the fast path (no integer-like keys, no surrogates)', () => {
    const entries = new Map([
      ['b', 'x"y\\z'],
      ['__proto__', '4'],
      ['ｚ', '6'],
      ['A', ''],
      ['a.1', '\u0001'],
    ]);
    const text = formatMemorySnapshot({ entries, expiresAt: new Map([['__proto__', 5]]) });
    expect(text).toBe(
      `{"format":"skreaver.memory","version":1,"entries":{"A":"","__proto__":"4","a.1":"\\u0001","b":${JSON.stringify('x"y\\z')},"ｚ":"6"},"expiresAt":{"__proto__":5}}`,
    );
    const parsed = parseMemorySnapshot(text);
    expect([...parsed.entries]).toEqual([...entries].sort(([a], [b]) => (a < b ? -1 : 1)));
    expect(parsed.expiresAt.get('__proto__')).toBe(5);
  });
});

describe('parseMemorySnapshot', () => {
  it('reads flat snapshots and trims their keys', () => {
    const { entries, expiresAt } = parseMemorySnapshot('{" a ":"1","b":""}');
    expect([...entries]).toEqual([
      ['a', '1'],
      ['b', ''],
    ]);
    expect(expiresAt.size).toBe(0);
  });

  it('reads a versioned snapshot without expiresAt', () => {
    expect([...parseMemorySnapshot(versioned({ entries: { k: 'v' } })).entries]).toEqual([
      ['k', 'v'],
    ]);
  });

  it('lists every problem with a JSON Pointer to it', () => {
    const data = problems(
      JSON.stringify({
        format: 'skreaver.memory',
        version: 3,
        entries: { 'a/b': 'x', 'c~d': 1, ok: 'fine', ' ok': 'dup' },
        expiresAt: { ok: 'later', missing: 5, 'bad key': 1 },
        extra: true,
      }),
    );
    expect(data.problems.map((p) => p.path)).toEqual([
      '/extra',
      '/version',
      '/entries/a~1b',
      '/entries/c~0d',
      '/entries/c~0d',
      '/entries/ ok',
      '/expiresAt/ok',
      '/expiresAt/missing',
      '/expiresAt/bad key',
    ]);
    expect(data.problemCount).toBe(9);
  });

  it('caps the problems it reports but counts them all', () => {
    const entries = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`bad key ${i}`, 'v']));
    const data = problems(JSON.stringify(entries), { maxReportedProblems: 5 });
    expect(data.problems).toHaveLength(5);
    expect(data.problemCount).toBe(30);
  });

  it.each([
    ['not a string', 42, ''],
    ['null', null, ''],
    ['not JSON', '{', ''],
    ['an array', '[1]', ''],
    ['a string', '"x"', ''],
    ['entries not an object', versioned({ entries: [] }), '/entries'],
    ['expiresAt not an object', versioned({ entries: {}, expiresAt: 3 }), '/expiresAt'],
    [
      'an infinite-looking expiry',
      versioned({ entries: { k: 'v' }, expiresAt: { k: null } }),
      '/expiresAt/k',
    ],
    ['a lone surrogate', '{"k":"\\ud800"}', '/k'],
    ['a boolean value', '{"k":true}', '/k'],
  ])('reports %s', (_what, input, path) => {
    const data = problems(input);
    expect(data.problems[0]?.path).toBe(path);
  });

  it('names the first problem in the message', () => {
    expect(() => parseMemorySnapshot('{"bad key":"v"}')).toThrow(
      /1 problem\); nothing was restored\. The first, at \/bad key/,
    );
    expect(() => parseMemorySnapshot('nope')).toThrow(/at the document root: Not valid JSON/);
  });

  it('applies maxValueBytes and maxKeyBytes as problems', () => {
    expect(problems('{"k":"éé"}', { maxValueBytes: 3 }).problems[0]?.message).toContain('4 bytes');
    expect(problems('{"long":"v"}', { maxKeyBytes: 3 }).problems[0]?.message).toContain(
      'at most 3',
    );
  });

  it('rejects a document past maxSnapshotBytes with memory_limit_exceeded before parsing', () => {
    try {
      parseMemorySnapshot('not even json', { maxSnapshotBytes: 5 });
      expect.fail('expected a rejection');
    } catch (error) {
      expect((error as MemoryError).code).toBe('memory_limit_exceeded');
      expect((error as MemoryError).data).toEqual({ bytes: 13, maxBytes: 5 });
    }
    expect(() => parseMemorySnapshot('{"k":"ééé"}', { maxSnapshotBytes: 12 })).toThrow(/14 bytes/);
    expect(parseMemorySnapshot('{"k":"ééé"}', { maxSnapshotBytes: 14 }).entries.get('k')).toBe(
      'ééé',
    );
  });
});
