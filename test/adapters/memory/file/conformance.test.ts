import { fileMemory } from 'skreaver/memory/file';
import { runMemoryConformance } from 'skreaver/testing';
import { describe, it } from 'vitest';
import { tempDirs } from './_helpers.js';

const dirs = tempDirs();
const runner = { describe, it };

// A file of its own for every memory: snapshots restore a memory's whole content.
runMemoryConformance('fileMemory()', async () => fileMemory({ path: await dirs.file() }), {
  runner,
});

runMemoryConformance(
  'fileMemory({ flushIntervalMs: 5 })',
  async () => fileMemory({ path: await dirs.file(), flushIntervalMs: 5 }),
  { runner },
);
