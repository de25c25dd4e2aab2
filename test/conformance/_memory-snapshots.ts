import type { Memory } from 'skreaver';
import { assert, assertEqual, assertRejects, fail } from './_assert.js';
import { AWKWARD_VALUES } from './_memory-basics.js';
import { defineCapabilityTests, type SuiteContext } from './_memory-context.js';

interface SnapshotDocument {
  format: unknown;
  version: unknown;
  namespace?: unknown;
  entries: Record<string, unknown>;
  expiresAt: Record<string, unknown>;
}

async function snapshotOf(memory: Memory): Promise<string> {
  if (memory.snapshot === undefined) fail('the memory declares snapshots but has no snapshot()');
  return memory.snapshot();
}

async function restoreInto(memory: Memory, snapshot: string): Promise<void> {
  if (memory.restore === undefined) fail('the memory declares snapshots but has no restore()');
  return memory.restore(snapshot);
}

function parse(snapshot: string): SnapshotDocument {
  const document = JSON.parse(snapshot) as SnapshotDocument;
  assert(typeof document === 'object' && document !== null, 'a snapshot must be a JSON object');
  return document;
}

/**
 * The snapshot without its `namespace` field: what an operator restores into
 * another memory (`t.fresh()` may be another namespace of the same server).
 */
function portable(snapshot: string): string {
  const { namespace: _ignored, ...rest } = parse(snapshot);
  return JSON.stringify(rest);
}

/** Snapshots and restores. */
export function defineSnapshotTests(suite: SuiteContext): void {
  suite.runner.describe('snapshots', () => {
    defineCapabilityTests(suite, 'snapshots', (test) => {
      test('writes a skreaver.memory version 1 document with every entry', async (t) => {
        await t.memory.storeMany([
          { key: t.key('b'), value: 'B' },
          { key: t.key('a'), value: '' },
        ]);
        const document = parse(await snapshotOf(t.memory));
        assertEqual(document.format, 'skreaver.memory', 'format');
        assertEqual(document.version, 1, 'version');
        assertEqual(document.entries[t.key('a')], '', 'entry a');
        assertEqual(document.entries[t.key('b')], 'B', 'entry b');
        assert(typeof document.expiresAt === 'object', 'expiresAt must be an object');
        const ours = Object.keys(document.entries).filter((key) => key.startsWith(t.key('')));
        assertEqual(ours, [t.key('a'), t.key('b')], 'entry order');
      });

      test('round-trips into a fresh memory', async (t) => {
        const entries = AWKWARD_VALUES.map((value, i) => ({ key: t.key(`v${i}`), value }));
        await t.memory.storeMany(entries);
        const snapshot = await snapshotOf(t.memory);
        const other = await t.fresh();
        await other.store(t.key('stale'), 'replaced by the restore');
        await restoreInto(other, portable(snapshot));
        assertEqual(
          await other.loadMany(entries.map((entry) => entry.key)),
          AWKWARD_VALUES,
          'restored values',
        );
        assertEqual(await other.keys(t.key('')), await t.memory.keys(t.key('')), 'restored keys');
        assertEqual(
          parse(portable(await snapshotOf(other))),
          parse(portable(snapshot)),
          'the snapshot of the copy',
        );
      });

      test('refuses a snapshot that names another namespace', async (t) => {
        await t.memory.store(t.key('a'), 'A');
        const document = parse(await snapshotOf(t.memory));
        // Only memories that declare a namespace in their snapshots check it.
        if (document.namespace === undefined) return;
        assert(typeof document.namespace === 'string', 'namespace must be a string');
        const foreign = JSON.stringify({ ...document, namespace: `${document.namespace}-other` });
        await t.memory.store(t.key('a'), 'changed');
        await assertRejects(
          () => restoreInto(t.memory, foreign),
          { code: 'snapshot_invalid' },
          'restore of a snapshot from another namespace',
        );
        assertEqual(await t.memory.load(t.key('a')), 'changed', 'value after the refused restore');
      });

      test('restore replaces the whole content', async (t) => {
        await t.memory.store(t.key('a'), 'A');
        const snapshot = await snapshotOf(t.memory);
        await t.memory.store(t.key('a'), 'changed');
        await t.memory.store(t.key('b'), 'added after the snapshot');
        await restoreInto(t.memory, snapshot);
        assertEqual(await t.memory.keys(t.key('')), [t.key('a')], 'keys after restore');
        assertEqual(await t.memory.load(t.key('a')), 'A', 'value after restore');
      });

      test("reads the Rust original's flat snapshots", async (t) => {
        await t.memory.store(t.key('old'), 'gone after restore');
        const flat = JSON.stringify({ [t.key('a')]: '1', [` ${t.key('b')} `]: 'two' });
        await restoreInto(t.memory, flat);
        assertEqual(await t.memory.keys(t.key('')), [t.key('a'), t.key('b')], 'keys');
        assertEqual(await t.memory.loadMany([t.key('a'), t.key('b')]), ['1', 'two'], 'values');
      });

      test('rejects an invalid snapshot with snapshot_invalid and changes nothing', async (t) => {
        await t.memory.storeMany([
          { key: t.key('a'), value: 'A' },
          { key: t.key('b'), value: 'B' },
        ]);
        const valid = await snapshotOf(t.memory);
        const versioned = (entries: unknown, extra: Record<string, unknown> = {}) =>
          JSON.stringify({ format: 'skreaver.memory', version: 1, entries, ...extra });
        const invalid: [string, unknown][] = [
          ['not JSON', 'not json at all'],
          ['an empty string', ''],
          ['a truncated snapshot', valid.slice(0, Math.floor(valid.length / 2))],
          ['a snapshot missing its last brace', valid.slice(0, -1)],
          ['a JSON array', '[]'],
          ['JSON null', 'null'],
          ['a JSON number', '42'],
          ['not a string', 42],
          ['an invalid key', versioned({ [t.key('ok')]: '1', 'bad key': '2' })],
          ['a number value', versioned({ [t.key('ok')]: 1 })],
          ['a null value', versioned({ [t.key('ok')]: null })],
          [
            'an unknown version',
            JSON.stringify({ format: 'skreaver.memory', version: 2, entries: {} }),
          ],
          ['no entries', JSON.stringify({ format: 'skreaver.memory', version: 1 })],
          ['a misspelt field', versioned({}, { entires: { [t.key('x')]: '1' } })],
          ['an expiry for a missing entry', versioned({}, { expiresAt: { [t.key('x')]: 1 } })],
          [
            'an expiry that is not a number',
            versioned({ [t.key('x')]: '1' }, { expiresAt: { [t.key('x')]: 'soon' } }),
          ],
          [
            'a flat snapshot with an invalid key',
            JSON.stringify({ [t.key('ok')]: '1', 'a/b': '2' }),
          ],
          ['a flat snapshot with an object value', JSON.stringify({ [t.key('ok')]: {} })],
          [
            'keys that trim to the same key',
            JSON.stringify({ [t.key('d')]: '1', [` ${t.key('d')}`]: '2' }),
          ],
        ];
        for (const [what, snapshot] of invalid) {
          await assertRejects(
            () => restoreInto(t.memory, snapshot as string),
            { code: 'snapshot_invalid', name: 'MemoryError' },
            `restore of ${what}`,
          );
          assertEqual(parse(await snapshotOf(t.memory)), parse(valid), `content after ${what}`);
        }
      });

      test('records expiry times when the memory has ttl', async (t) => {
        if (!t.capabilities.ttl) return;
        await t.memory.store(t.key('temp'), 'v', { ttlMs: 60_000 });
        await t.memory.store(t.key('kept'), 'v');
        const document = parse(await snapshotOf(t.memory));
        const expiry = document.expiresAt[t.key('temp')];
        assert(
          typeof expiry === 'number' && Number.isFinite(expiry),
          'expiresAt must hold a number',
        );
        assert(!(t.key('kept') in document.expiresAt), 'an entry without ttl has no expiry');
        const other = await t.fresh();
        const before = Date.now();
        await restoreInto(other, portable(JSON.stringify(document)));
        const elapsed = Date.now() - before;
        // A backend may re-derive the expiry from a TTL (a namespace does),
        // so it may move later by at most the time the restore took.
        const restored = parse(await snapshotOf(other)).expiresAt[t.key('temp')];
        assert(
          typeof restored === 'number' && restored >= expiry && restored <= expiry + elapsed,
          `restored expiry: expected ${expiry} (+ at most the ${elapsed} ms restore), got ${String(restored)}`,
        );
      });
    });
  });
}
