import { compareMemoryKeys } from 'skreaver';
import { assert, assertEqual, assertRejects } from './_assert.js';
import type { SuiteContext } from './_memory-context.js';

/** Values every backend must round-trip exactly. */
export const AWKWARD_VALUES: readonly string[] = [
  '',
  ' ',
  'plain',
  '  padded  ',
  'emoji 😀🎉👩‍👩‍👧',
  'CJK 中文 日本語 한국어',
  'RTL العربية עברית',
  '\n\t\r',
  'NUL \u0000 and DEL \u007f',
  '"quotes" \\ backslash \' apostrophe',
  '{"looks":"like json"}',
  'max \u{10FFFF} code point',
  'combining é vs é',
  '%_* wildcards ? [x]',
];

const INVALID_KEYS: readonly unknown[] = [
  '',
  '   ',
  'has space',
  'slash/key',
  'star*',
  'emoji😀',
  'tab\tinside',
  'line\nbreak',
  42,
  null,
  undefined,
];

const MIB = 1024 * 1024;

/** Builds a value of exactly `bytes` UTF-8 bytes mixing 1-, 2-, 3- and 4-byte characters. */
export function valueOfBytes(bytes: number): string {
  const chunk = 'ab\u00e9\u4e2d\u{1f600}\n'; // 1+1+2+3+4+1 = 12 bytes
  const whole = Math.floor(bytes / 12);
  return chunk.repeat(whole) + 'x'.repeat(bytes - whole * 12);
}

/** The basic operations every memory has. */
export function defineBasicTests(suite: SuiteContext): void {
  const { test, runner } = suite;
  runner.describe('basics', () => {
    test('round-trips awkward strings exactly, one by one and in batches', async (t) => {
      const keys = AWKWARD_VALUES.map((_, i) => t.key(`v${i}`));
      for (const [i, value] of AWKWARD_VALUES.entries()) {
        await t.memory.store(keys[i] as string, value);
        assertEqual(await t.memory.load(keys[i] as string), value, `value #${i}`);
      }
      assertEqual(await t.memory.loadMany(keys), AWKWARD_VALUES, 'loadMany of the same keys');
      await t.memory.storeMany(keys.map((key, i) => ({ key, value: `${i}:${AWKWARD_VALUES[i]}` })));
      assertEqual(
        await t.memory.loadMany(keys),
        AWKWARD_VALUES.map((value, i) => `${i}:${value}`),
        'values written by storeMany',
      );
    });

    test('round-trips a 1 MiB value', async (t) => {
      const value = valueOfBytes(MIB);
      await t.memory.store(t.key('big'), value);
      const loaded = await t.memory.load(t.key('big'));
      assert(loaded === value, `the 1 MiB value came back changed (length ${loaded?.length})`);
    }, 30_000);

    test('keeps the last write', async (t) => {
      await t.memory.store(t.key('k'), 'first');
      await t.memory.store(t.key('k'), 'second');
      assertEqual(await t.memory.load(t.key('k')), 'second', 'after two writes');
      await t.memory.storeMany([
        { key: t.key('k'), value: 'third' },
        { key: t.key('k'), value: 'fourth' },
      ]);
      assertEqual(await t.memory.load(t.key('k')), 'fourth', 'the later storeMany entry');
    });

    test('loads undefined for a missing key', async (t) => {
      assertEqual(await t.memory.load(t.key('missing')), undefined, 'a missing key');
    });

    test('loadMany answers in the order asked, undefined where absent', async (t) => {
      await t.memory.storeMany([
        { key: t.key('a'), value: 'A' },
        { key: t.key('b'), value: 'B' },
      ]);
      const asked = [t.key('b'), t.key('none'), t.key('a'), t.key('b')];
      assertEqual(await t.memory.loadMany(asked), ['B', undefined, 'A', 'B'], 'loadMany');
      assertEqual(await t.memory.loadMany([]), [], 'loadMany of no keys');
      await t.memory.storeMany([]);
    });

    test('storeMany keeps nothing when one key is invalid', async (t) => {
      await t.memory.store(t.key('a'), 'old');
      const batch = [
        { key: t.key('a'), value: 'new' },
        { key: t.key('b'), value: 'x' },
        { key: `${t.run}:bad key`, value: 'y' },
      ];
      await assertRejects(
        () => t.memory.storeMany(batch),
        { code: 'invalid_identifier' },
        'storeMany',
      );
      assertEqual(await t.memory.loadMany([t.key('a'), t.key('b')]), ['old', undefined], 'after');
    });

    test('storeMany keeps nothing when one value is not a string', async (t) => {
      const batch = [
        { key: t.key('a'), value: 'x' },
        { key: t.key('b'), value: 7 as unknown as string },
      ];
      await assertRejects(() => t.memory.storeMany(batch), { code: 'invalid_input' }, 'storeMany');
      assertEqual(await t.memory.load(t.key('a')), undefined, 'the valid entry');
    });

    test('delete resolves true when the key existed, false otherwise', async (t) => {
      await t.memory.store(t.key('k'), 'v');
      assertEqual(await t.memory.delete(t.key('k')), true, 'first delete');
      assertEqual(await t.memory.load(t.key('k')), undefined, 'load after delete');
      assertEqual(await t.memory.delete(t.key('k')), false, 'second delete');
      assertEqual(await t.memory.delete(t.key('never')), false, 'delete of a missing key');
    });

    test('keys(prefix) lists exactly the matching keys in code point order', async (t) => {
      const suffixes = ['b', 'ｚ', 'a_b', '9', 'ab', '𝐀', 'a', 'é', '10', 'B', 'a.1', 'z'];
      const sorted = ['10', '9', 'B', 'a', 'a.1', 'a_b', 'ab', 'b', 'z', 'é', 'ｚ', '𝐀'];
      await t.memory.storeMany(suffixes.map((s) => ({ key: t.key(s), value: s })));
      await t.memory.store(`${t.run}-outside`, 'not under the prefix');
      assertEqual(await t.memory.keys(t.key('')), sorted.map(t.key), 'keys(run:)');
      assertEqual(await t.memory.keys(t.key('a_')), [t.key('a_b')], "'_' is literal");
      assertEqual(
        await t.memory.keys(t.key('a')),
        ['a', 'a.1', 'a_b', 'ab'].map(t.key),
        'keys(run:a)',
      );
      assertEqual(await t.memory.keys(t.key('A')), [], 'prefixes are case-sensitive');
      assertEqual(await t.memory.keys(t.key('nothing')), [], 'a prefix matching nothing');
    });

    test('keys() without a prefix lists every key, sorted', async (t) => {
      await t.memory.storeMany([
        { key: t.key('y'), value: '1' },
        { key: t.key('x'), value: '2' },
      ]);
      for (const all of [await t.memory.keys(), await t.memory.keys('')]) {
        assert(all.includes(t.key('x')) && all.includes(t.key('y')), 'keys() misses keys');
        const resorted = [...all].sort(compareMemoryKeys);
        assertEqual(all, resorted, 'keys() order');
      }
    });

    test('rejects invalid keys in every operation with invalid_identifier', async (t) => {
      for (const bad of INVALID_KEYS) {
        const key = bad as string;
        const what = `key ${JSON.stringify(bad) ?? 'undefined'}`;
        const code = { code: 'invalid_identifier', name: 'ValidationError' };
        await assertRejects(() => t.memory.load(key), code, `load(${what})`);
        await assertRejects(() => t.memory.store(key, 'v'), code, `store(${what})`);
        await assertRejects(() => t.memory.delete(key), code, `delete(${what})`);
        await assertRejects(() => t.memory.loadMany([t.key('ok'), key]), code, `loadMany(${what})`);
        await assertRejects(
          () => t.memory.storeMany([{ key, value: 'v' }]),
          code,
          `storeMany(${what})`,
        );
      }
      await assertRejects(() => t.memory.keys('has space'), { code: 'invalid_identifier' }, 'keys');
    });

    test(`accepts keys up to the byte limit and rejects one byte more`, async (t) => {
      const base = t.key('');
      const room = suite.maxKeyBytes - base.length;
      const ascii = base + 'k'.repeat(room);
      const multibyte = base + 'x'.repeat(room % 2) + 'é'.repeat(Math.floor(room / 2));
      for (const key of [ascii, multibyte]) {
        await t.memory.store(key, 'fits');
        assertEqual(await t.memory.load(key), 'fits', `a ${suite.maxKeyBytes}-byte key`);
        await assertRejects(
          () => t.memory.store(`${key}x`, 'too long'),
          { code: 'invalid_identifier' },
          `a ${suite.maxKeyBytes + 1}-byte key`,
        );
      }
    });

    test('trims keys', async (t) => {
      await t.memory.store(`  ${t.key('k')}\t`, 'v');
      assertEqual(await t.memory.load(t.key('k')), 'v', 'load of the trimmed key');
      assertEqual(await t.memory.load(` ${t.key('k')} `), 'v', 'load of a padded key');
      assertEqual(await t.memory.keys(t.key('')), [t.key('k')], 'keys() lists the trimmed key');
      assertEqual(await t.memory.delete(`${t.key('k')}  `), true, 'delete of a padded key');
    });

    test('accepts Unicode letters and digits in keys', async (t) => {
      const suffixes = ['ключ', '键', 'مفتاح', '١٢٣', 'Ünïcödé'];
      for (const s of suffixes) await t.memory.store(t.key(s), s);
      assertEqual(await t.memory.loadMany(suffixes.map(t.key)), suffixes, 'loadMany');
    });

    test('rejects values that are not well-formed strings with invalid_input', async (t) => {
      const bad = [42, null, undefined, {}, ['a'], 'lone \ud800 surrogate', 'b\udc00'];
      for (const value of bad) {
        await assertRejects(
          () => t.memory.store(t.key('k'), value as string),
          { code: 'invalid_input', name: 'ValidationError' },
          `store of ${typeof value === 'string' ? 'a lone surrogate' : JSON.stringify(value)}`,
        );
      }
      assertEqual(await t.memory.load(t.key('k')), undefined, 'nothing was stored');
    });
  });
}
