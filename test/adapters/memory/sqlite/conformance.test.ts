import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { sqliteMemory } from 'skreaver/memory/sqlite';
import { runMemoryConformance } from 'skreaver/testing';
import { afterAll, describe, it } from 'vitest';
import { tempDir } from './_temp.js';

const runner = { describe, it };
const temp = tempDir('conformance');
afterAll(() => temp.remove());

runMemoryConformance(
  'sqliteMemory (a temp file per memory)',
  () => sqliteMemory({ path: temp.file() }),
  {
    runner,
  },
);

runMemoryConformance("sqliteMemory (':memory:')", () => sqliteMemory({ path: ':memory:' }), {
  runner,
});

// Many memories on one file, each in a namespace of its own: the snapshot
// tests restore whole namespaces, so they also prove restores stay in theirs.
const shared = temp.file('shared');
runMemoryConformance(
  'sqliteMemory (one shared file, a namespace per memory)',
  () => sqliteMemory({ path: shared, namespace: `ns-${randomUUID()}`, synchronous: 'NORMAL' }),
  { runner },
);

// Many memories on one better-sqlite3 connection of the caller's, which
// closing a memory must leave open.
const connection = new Database(':memory:');
afterAll(() => connection.close());
runMemoryConformance(
  'sqliteMemory (a given Database shared by memories, a namespace each)',
  () => sqliteMemory({ database: connection, namespace: `ns-${randomUUID()}` }),
  { runner },
);
