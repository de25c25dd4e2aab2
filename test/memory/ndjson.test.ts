import { describe, expect, it } from 'vitest';
import { MemoryError, TransactionError, ValidationError } from '../../src/errors/families.js';
import { inMemoryMemory } from '../../src/memory/in-memory.js';
import type { Memory, MemoryCapabilities } from '../../src/memory/memory.js';
import { exportMemory, importMemory, ndjsonLines } from '../../src/memory/ndjson.js';
import { manualClock, rejection } from './_helpers.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** A view of `memory` with only the given capabilities (and their methods). */
function limited(memory: Memory, capabilities: Partial<MemoryCapabilities>): Memory {
  const caps = { transactions: false, snapshots: false, ttl: false, ...capabilities };
  return {
    capabilities: caps,
    load: (key) => memory.load(key),
    loadMany: (keys) => memory.loadMany(keys),
    keys: (prefix) => memory.keys(prefix),
    store: (key, value, options) => memory.store(key, value, options),
    storeMany: (entries, options) => memory.storeMany(entries, options),
    delete: (key) => memory.delete(key),
    ...(caps.transactions ? { transaction: memory.transaction?.bind(memory) } : {}),
  } as Memory;
}

/** An iterable that fails the test if anything reads it. */
const unread: Iterable<string> = {
  [Symbol.iterator]() {
    throw new Error('the input must not be read');
  },
};

async function filled(entries: Record<string, string>) {
  const memory = inMemoryMemory();
  await memory.storeMany(Object.entries(entries).map(([key, value]) => ({ key, value })));
  return memory;
}

describe('exportMemory', () => {
  it('writes one {"key","value"} line per entry in code-point order', async () => {
    const memory = await filled({
      b: '2',
      a: 'x\ny "q"',
      '10': '',
      '9': 'nine',
      '\uff5a': 'w',
      𝒜: 'e',
    });
    expect(await collect(exportMemory(memory))).toEqual([
      '{"key":"10","value":""}',
      '{"key":"9","value":"nine"}',
      '{"key":"a","value":"x\\ny \\"q\\""}',
      '{"key":"b","value":"2"}',
      '{"key":"\uff5a","value":"w"}',
      '{"key":"𝒜","value":"e"}',
    ]);
  });

  it('adds expiresAt from a snapshot, and leaves it out when reading keys', async () => {
    const clock = manualClock(1_000);
    const memory = inMemoryMemory({ now: clock.now });
    await memory.store('temp', 't', { ttlMs: 500 });
    await memory.store('keep', 'k');
    expect(await collect(exportMemory(memory))).toEqual([
      '{"key":"keep","value":"k"}',
      '{"key":"temp","value":"t","expiresAt":1500}',
    ]);
    expect(await collect(exportMemory(memory, { useSnapshot: false }))).toEqual([
      '{"key":"keep","value":"k"}',
      '{"key":"temp","value":"t"}',
    ]);
  });

  it('reads keys in batches of batchSize with loadMany when there are no snapshots', async () => {
    const inner = await filled({ a: '1', b: '2', c: '3', d: '4', e: '5' });
    const memory = limited(inner, {});
    const batches: string[][] = [];
    const spied: Memory = {
      ...memory,
      loadMany: async (keys) => {
        batches.push([...keys]);
        // A key deleted between keys() and loadMany() is left out.
        if (keys.includes('c')) await inner.delete('c');
        return memory.loadMany(keys);
      },
    };
    const lines = await collect(exportMemory(spied, { batchSize: 2 }));
    expect(batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(lines.map((line) => JSON.parse(line).key)).toEqual(['a', 'b', 'd', 'e']);
  });

  it('exports nothing from an empty memory', async () => {
    expect(await collect(exportMemory(inMemoryMemory()))).toEqual([]);
    expect(await collect(exportMemory(limited(inMemoryMemory(), {})))).toEqual([]);
  });

  it('rejects a bad batchSize at once with invalid_options', () => {
    for (const batchSize of [0, -1, 1.5, Number.NaN]) {
      expect(() => exportMemory(inMemoryMemory(), { batchSize })).toThrow(
        expect.objectContaining({ code: 'invalid_options' }),
      );
    }
  });
});

describe('importMemory', () => {
  it('round-trips an export into another memory', async () => {
    const source = await filled({
      'user:1': '{"name":"Ada"}',
      multi: 'a\r\nb',
      empty: '',
      ü: '€😀',
    });
    const target = inMemoryMemory();
    expect(await importMemory(target, exportMemory(source))).toEqual({ imported: 4, expired: 0 });
    expect(await target.snapshot()).toBe(await source.snapshot());
  });

  it('accepts arrays, CRLF, one blank last line, trimmed keys, and lets a later line win', async () => {
    const target = inMemoryMemory();
    const lines = [
      '{"key":" a ","value":"1"}\r',
      '  {"value":"2","key":"b"}  ',
      '{"key":"a","value":"3"}',
      '',
    ];
    expect(await importMemory(target, lines, { batchSize: 10 })).toEqual({
      imported: 2,
      expired: 0,
    });
    expect(await target.loadMany(['a', 'b'])).toEqual(['3', '2']);
  });

  it('keeps what it already had and overwrites only the imported keys', async () => {
    const target = await filled({ a: 'old', z: 'untouched' });
    await importMemory(target, ['{"key":"a","value":"new"}']);
    expect(await target.loadMany(['a', 'z'])).toEqual(['new', 'untouched']);
  });

  const badLines: [string, string][] = [
    ['not json', 'is not valid JSON'],
    ['{"key":"a","value":"1"', 'is not valid JSON'],
    ['["a","1"]', 'must be a JSON object'],
    ['null', 'must be a JSON object'],
    ['"text"', 'must be a JSON object'],
    ['{"value":"1"}', 'needs a string "key", got undefined'],
    ['{"key":1,"value":"1"}', 'needs a string "key", got number'],
    ['{"key":"a"}', 'needs a string "value", got undefined'],
    ['{"key":"a","value":{"x":1}}', 'needs a string "value", got object'],
    ['{"key":"a","value":null}', 'needs a string "value", got null'],
    ['{"key":"a","value":"1","ttl":5}', "unknown field 'ttl'"],
    ['{"key":"a","value":"1","__proto__":{}}', "unknown field '__proto__'"],
    ['{"key":"   ","value":"1"}', 'is not a valid entry'],
    ['{"key":"a","value":"\\ud800"}', 'lone UTF-16 surrogate'],
    ['{"key":"a","value":"1","expiresAt":-5}', 'invalid "expiresAt"'],
    ['{"key":"a","value":"1","expiresAt":"soon"}', 'invalid "expiresAt"'],
    ['{"key":"a","value":"1","expiresAt":0}', 'invalid "expiresAt"'],
  ];

  it.each(badLines)('rejects %s with invalid_input naming the line', async (bad, reason) => {
    const target = inMemoryMemory();
    const error = await rejection(
      importMemory(target, ['{"key":"ok","value":"1"}', bad, '{"key":"z","value":"2"}']),
      'invalid_input',
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain('NDJSON line 2 ');
    expect(error.message).toContain(reason);
    expect(error.data).toEqual({ line: 2, imported: 0 });
    expect(await target.keys()).toEqual([]);
  });

  it('keeps the invalid key error as the cause', async () => {
    const error = await rejection(
      importMemory(inMemoryMemory(), ['{"key":"","value":"1"}']),
      'invalid_input',
    );
    expect((error.cause as ValidationError).code).toBe('invalid_identifier');
  });

  it('rejects a blank line that is not the last one, and non-string lines', async () => {
    const blank = await rejection(
      importMemory(inMemoryMemory(), ['{"key":"a","value":"1"}', ' ', '{"key":"b","value":"2"}']),
      'invalid_input',
    );
    expect(blank.message).toContain('NDJSON line 2 is blank; only the last line may be.');
    const notText = await rejection(
      importMemory(inMemoryMemory(), [42 as unknown as string]),
      'invalid_input',
    );
    expect(notText.message).toContain('NDJSON line 1 must be a string, got number');
  });

  it('rejects a line over maxLineBytes, counting UTF-8 bytes', async () => {
    const line = `{"key":"a","value":"${'é'.repeat(10)}"}`; // 22 + 20 bytes
    await expect(importMemory(inMemoryMemory(), [line], { maxLineBytes: 42 })).resolves.toEqual({
      imported: 1,
      expired: 0,
    });
    const error = await rejection(
      importMemory(inMemoryMemory(), [line], { maxLineBytes: 41 }),
      'invalid_input',
    );
    expect(error.message).toContain('NDJSON line 1 is 42 bytes; at most 41');
  });

  it('refuses a whole string instead of lines', async () => {
    const error = await rejection(
      importMemory(inMemoryMemory(), '{"key":"a","value":"1"}' as unknown as string[]),
      'invalid_input',
    );
    expect(error.message).toContain('takes lines, not one string');
  });

  it('rejects bad options with invalid_options', async () => {
    await rejection(importMemory(inMemoryMemory(), [], { batchSize: 0 }), 'invalid_options');
    await rejection(importMemory(inMemoryMemory(), [], { maxLineBytes: 2.5 }), 'invalid_options');
  });

  it('without atomic, keeps earlier batches and reports how many entries stay', async () => {
    const target = inMemoryMemory();
    const lines = ['a', 'b', 'c', 'd'].map((key) => `{"key":"${key}","value":"1"}`);
    const error = await rejection(
      importMemory(target, [...lines, 'oops'], { batchSize: 2 }),
      'invalid_input',
    );
    expect(error.data).toEqual({ line: 5, imported: 4 });
    expect(error.message).toContain('4 entries were imported before it and stay');
    expect(await target.keys()).toEqual(['a', 'b', 'c', 'd']);

    const one = await rejection(
      importMemory(inMemoryMemory(), [lines[0] as string, 'x'], { batchSize: 1 }),
      'invalid_input',
    );
    expect(one.message).toContain('1 entry was imported before it');
  });

  it('with atomic, keeps nothing and still reports the line', async () => {
    const target = await filled({ a: 'before' });
    const lines = ['{"key":"a","value":"after"}', '{"key":"b","value":"1"}', 'oops'];
    const error = await rejection(
      importMemory(target, lines, { batchSize: 1, atomic: true }),
      'invalid_input',
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.data).toEqual({ line: 3, imported: 0 });
    expect(error.message).toContain('Nothing was imported (atomic import).');
    expect(await target.snapshot()).toBe(
      '{"format":"skreaver.memory","version":1,"entries":{"a":"before"},"expiresAt":{}}',
    );

    await expect(importMemory(target, lines.slice(0, 2), { atomic: true })).resolves.toEqual({
      imported: 2,
      expired: 0,
    });
    expect(await target.loadMany(['a', 'b'])).toEqual(['after', '1']);
  });

  it('with atomic, survives a backend that runs the transaction body again', async () => {
    const memory = inMemoryMemory();
    let runs = 0;
    const retrying: Memory = {
      ...limited(memory, { transactions: true }),
      // Like a SQL backend retrying after a serialization failure: the first
      // attempt is thrown away, the second commits.
      transaction: async (body) => {
        runs++;
        await memory
          .transaction(async (tx) => {
            await body(tx);
            tx.abort('serialization failure');
          })
          .catch(() => undefined);
        runs++;
        return memory.transaction(body);
      },
    } as Memory;
    async function* stream() {
      yield '{"key":"a","value":"1"}';
      yield '{"key":"b","value":"2"}';
    }
    expect(await importMemory(retrying, stream(), { atomic: true })).toEqual({
      imported: 2,
      expired: 0,
    });
    expect(runs).toBe(2);
    expect(await memory.loadMany(['a', 'b'])).toEqual(['1', '2']);
  });

  it('with atomic, reports a failing source before writing anything', async () => {
    async function* source() {
      yield '{"key":"a","value":"1"}';
      throw new Error('read EIO');
    }
    const target = inMemoryMemory();
    const error = await rejection(
      importMemory(target, source(), { atomic: true }),
      'invalid_input',
    );
    expect(error.data).toEqual({ line: 2, imported: 0 });
    expect(error.message).toBe('read EIO Nothing was imported (atomic import).');
    expect(await target.keys()).toEqual([]);
  });

  it('passes on a transaction failure that is not its own', async () => {
    const memory = inMemoryMemory();
    const conflicting: Memory = {
      ...limited(memory, { transactions: true }),
      transaction: () => Promise.reject(new TransactionError('transaction_conflict', 'changed')),
    };
    await rejection(importMemory(conflicting, [], { atomic: true }), 'transaction_conflict');
  });

  it('refuses atomic on a memory without transactions before reading anything', async () => {
    const error = await rejection(
      importMemory(limited(inMemoryMemory(), {}), unread, { atomic: true }),
      'memory_unsupported',
    );
    expect(error.message).toContain('An atomic import needs a memory with transactions');
  });

  it('turns expiresAt into a TTL, groups TTLs in one batch, and skips expired lines', async () => {
    const clock = manualClock(10_000);
    const target = inMemoryMemory({ now: clock.now });
    const result = await importMemory(
      target,
      [
        '{"key":"a","value":"1","expiresAt":12000}',
        '{"key":"b","value":"2","expiresAt":15000}',
        '{"key":"c","value":"3"}',
        '{"key":"d","value":"4","expiresAt":12000}',
        '{"key":"old","value":"5","expiresAt":9000}',
        '{"key":"edge","value":"6","expiresAt":10000}',
      ],
      { now: clock.now },
    );
    expect(result).toEqual({ imported: 4, expired: 2 });
    expect(await collect(exportMemory(target))).toEqual([
      '{"key":"a","value":"1","expiresAt":12000}',
      '{"key":"b","value":"2","expiresAt":15000}',
      '{"key":"c","value":"3"}',
      '{"key":"d","value":"4","expiresAt":12000}',
    ]);
    clock.advance(2_000);
    expect(await target.keys()).toEqual(['b', 'c']);
  });

  it('an expired later line does not undo an earlier one for the same key', async () => {
    const clock = manualClock(10_000);
    const target = inMemoryMemory({ now: clock.now });
    const lines = ['{"key":"a","value":"kept"}', '{"key":"a","value":"gone","expiresAt":5}'];
    expect(await importMemory(target, lines, { now: clock.now })).toEqual({
      imported: 1,
      expired: 1,
    });
    expect(await target.load('a')).toBe('kept');
  });

  it('needs the ttl capability for expiresAt unless told to ignore it', async () => {
    const inner = inMemoryMemory();
    const noTtl = limited(inner, {});
    const future = `{"key":"a","value":"1","expiresAt":${Date.now() + 60_000}}`;
    const error = await rejection(importMemory(noTtl, [future]), 'memory_unsupported');
    expect(error).toBeInstanceOf(MemoryError);
    expect(error.data).toEqual({ line: 1, imported: 0 });
    expect(error.message).toContain('ignoreExpiry');
    const past = '{"key":"b","value":"2","expiresAt":1}';
    expect(await importMemory(noTtl, [future, past], { ignoreExpiry: true })).toEqual({
      imported: 2,
      expired: 0,
    });
    expect(await collect(exportMemory(inner))).toEqual([
      '{"key":"a","value":"1"}',
      '{"key":"b","value":"2"}',
    ]);
  });

  it("re-throws the memory's error with its code, its data and the exact line", async () => {
    const target = inMemoryMemory({ maxValueBytes: 3 });
    const lines = [
      '{"key":"a","value":"1"}',
      '{"key":"b","value":"22"}',
      '{"key":"c","value":"4444"}',
    ];
    const error = await rejection(
      importMemory(target, lines, { batchSize: 1 }),
      'memory_limit_exceeded',
    );
    expect(error).toBeInstanceOf(MemoryError);
    expect(error.data).toEqual({ key: 'c', bytes: 4, maxBytes: 3, line: 3, imported: 2 });
    expect(error.message).toContain('NDJSON line 3 could not be stored:');
    expect((error.cause as MemoryError).code).toBe('memory_limit_exceeded');
    expect(await target.keys()).toEqual(['a', 'b']);

    const inBatch = await rejection(
      importMemory(inMemoryMemory({ maxValueBytes: 3 }), lines),
      'memory_limit_exceeded',
    );
    expect(inBatch.data).toMatchObject({ line: 3, imported: 0 });
  });

  it('names the first line of the batch when the error names no key, and maps foreign errors to memory_io', async () => {
    const memory = inMemoryMemory();
    const failing: Memory = {
      ...limited(memory, {}),
      storeMany: async (entries) => {
        if (entries.some((entry) => entry.key === 'c')) throw new TypeError('socket went away');
        return memory.storeMany(entries);
      },
    };
    const lines = ['a', 'b', 'c', 'd'].map((key) => `{"key":"${key}","value":"1"}`);
    const error = await rejection(importMemory(failing, lines, { batchSize: 2 }), 'memory_io');
    expect(error.data).toEqual({ line: 3, imported: 2 });
    expect(error.message).toContain('socket went away');
    expect(error.cause).toBeInstanceOf(TypeError);

    const tx: Memory = {
      ...limited(memory, {}),
      storeMany: () => Promise.reject(new TransactionError('transaction_failed', 'ended')),
    };
    await rejection(importMemory(tx, lines), 'transaction_failed');
    const validation: Memory = {
      ...limited(memory, {}),
      storeMany: () => Promise.reject(new ValidationError('invalid_identifier', 'too long here')),
    };
    await rejection(importMemory(validation, lines), 'invalid_identifier');
  });

  it("reports a failing source's error with the line it stopped at", async () => {
    async function* source() {
      yield '{"key":"a","value":"1"}';
      throw new Error('read EIO');
    }
    const error = await rejection(
      importMemory(inMemoryMemory(), source(), { batchSize: 1 }),
      'invalid_input',
    );
    expect(error.message).toContain('read EIO');
    expect(error.data).toEqual({ line: 2, imported: 1 });

    const bytes = [
      new TextEncoder().encode('{"key":"a","value":"1"}\n'),
      new Uint8Array([0xff, 10]),
    ];
    const utf8 = await rejection(
      importMemory(inMemoryMemory(), ndjsonLines(bytes)),
      'invalid_input',
    );
    expect(utf8.message).toContain('Line 2 of the input is not valid UTF-8.');
    expect(utf8.data).toEqual({ line: 2, imported: 0 });
  });

  it('closes the source when it stops early, even if closing fails', async () => {
    let closed = 0;
    const source = (failClose: boolean): AsyncIterable<string> => ({
      [Symbol.asyncIterator]: () => ({
        next: async () => ({ done: false, value: 'bad' }),
        return: async () => {
          closed++;
          if (failClose) throw new Error('close failed');
          return { done: true, value: undefined };
        },
      }),
    });
    await rejection(importMemory(inMemoryMemory(), source(false)), 'invalid_input');
    await rejection(importMemory(inMemoryMemory(), source(true)), 'invalid_input');
    expect(closed).toBe(2);
  });
});

describe('ndjsonLines', () => {
  const encode = (text: string) => new TextEncoder().encode(text);

  it('splits string chunks on \\n and \\r\\n with no empty line after the last newline', async () => {
    expect(await collect(ndjsonLines(['a\r\nb', 'c\n', '\nd']))).toEqual(['a', 'bc', '', 'd']);
    expect(await collect(ndjsonLines(['x\n']))).toEqual(['x']);
    expect(await collect(ndjsonLines([]))).toEqual([]);
  });

  it('decodes UTF-8 split anywhere across byte chunks, and mixes with strings', async () => {
    const bytes = encode('é😀\nzß\n');
    const chunks = [...bytes].map((byte) => new Uint8Array([byte]));
    expect(await collect(ndjsonLines(chunks))).toEqual(['é😀', 'zß']);
    expect(await collect(ndjsonLines([encode('ab'), 'c\nd', encode('e')]))).toEqual(['abc', 'de']);
  });

  it('drops a BOM at the start only', async () => {
    expect(await collect(ndjsonLines([encode('\uFEFFa\n\uFEFFb')]))).toEqual(['a', '\uFEFFb']);
    expect(await collect(ndjsonLines(['\uFEFFa']))).toEqual(['a']);
  });

  it('names the line of bytes that are not UTF-8, truncated ones included', async () => {
    const bad = [
      [encode('ok\n'), new Uint8Array([0x61, 0xc3]), encode('\nnext')],
      [encode('ok\n'), new Uint8Array([0xe2, 0x82])],
      [encode('ok\n'), new Uint8Array([0xe2]), 'then text'],
    ];
    for (const chunks of bad) {
      const error = await rejection(collect(ndjsonLines(chunks)), 'invalid_input');
      expect(error.message).toBe('Line 2 of the input is not valid UTF-8.');
      expect(error.data).toEqual({ line: 2 });
    }
  });

  it('refuses a line over maxLineBytes, counting split surrogate pairs exactly', async () => {
    expect(await collect(ndjsonLines(['\uD83D', '\uDE00\n'], { maxLineBytes: 4 }))).toEqual(['😀']);
    expect(await collect(ndjsonLines([encode('éé\n')], { maxLineBytes: 4 }))).toEqual(['éé']);
    const error = await rejection(
      collect(ndjsonLines(['ok\n', 'abc', 'de'], { maxLineBytes: 4 })),
      'invalid_input',
    );
    expect(error.message).toBe('Line 2 of the input is longer than 4 bytes (option maxLineBytes).');
    expect(error.data).toEqual({ line: 2, maxLineBytes: 4 });
  });

  it('refuses chunks that are neither text nor bytes, and bad options', async () => {
    await rejection(collect(ndjsonLines([42 as unknown as string])), 'invalid_input');
    await rejection(collect(ndjsonLines([null as unknown as string])), 'invalid_input');
    expect(() => ndjsonLines([], { maxLineBytes: 0 })).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    );
  });

  it('passes on errors of its source unchanged', async () => {
    async function* source() {
      yield 'a\n';
      throw new RangeError('boom');
    }
    await expect(collect(ndjsonLines(source()))).rejects.toThrow(RangeError);
  });
});
