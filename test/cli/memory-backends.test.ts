import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openMemory } from '../../cli/memory-url.js';
import { runCli } from '../_support/cli.js';
import { findService, POSTGRES, REDIS } from '../_support/services.js';

/*
 * The CLI against every real backend: a dump imported through a memory URL
 * exports again byte for byte, and `run echo --memory` leaves `echo:input`
 * there. Each test uses its own namespace or prefix and deletes its keys.
 */

const dump = [
  '{"key":"a","value":""}',
  '{"key":"b:1","value":"two\\nlines \\"quoted\\""}',
  '{"key":"é","value":"€ 😀 \\u0000"}',
].join('\n');

function withParam(url: string, name: string, value: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set(name, value);
  return parsed.toString();
}

const unique = () => `cli${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

const redis = await findService(REDIS);
const postgres = await findService(POSTGRES);
const dir = mkdtempSync(join(tmpdir(), 'skreaver-cli-backends-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const backends = [
  {
    name: 'sqlite',
    available: true,
    url: () => `sqlite:${join(dir, 'state.db')}?namespace=${unique()}`,
  },
  {
    name: 'redis',
    available: redis.available,
    url: () => withParam(redis.url, 'prefix', unique()),
  },
  {
    name: 'postgres',
    available: postgres.available,
    url: () => withParam(postgres.url, 'namespace', unique()),
  },
];

async function wipe(url: string): Promise<void> {
  const memory = await openMemory(url);
  try {
    for (const key of await memory.keys()) await memory.delete(key);
  } finally {
    await memory.close?.();
  }
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`skreaver memory with ${backend.name}: URLs`, () => {
    it('imports a dump and exports it again byte for byte', async () => {
      const url = backend.url();
      try {
        const imported = await runCli(['memory', 'import', url, '--atomic'], `${dump}\n`);
        expect(imported).toEqual({ code: 0, stdout: '', stderr: 'imported 3 entries\n' });
        expect(await runCli(['memory', 'export', url])).toEqual({
          code: 0,
          stdout: `${dump}\n`,
          stderr: '',
        });
      } finally {
        await wipe(url);
      }
    });

    it('keeps run echo --memory state there', async () => {
      const url = backend.url();
      try {
        const run = await runCli(['run', 'echo', '--memory', url, '--input', 'hi']);
        expect(run).toEqual({ code: 0, stdout: 'Agent said: Echo: HI\n', stderr: '' });
        expect((await runCli(['memory', 'export', url])).stdout).toBe(
          '{"key":"echo:input","value":"hi"}\n',
        );
      } finally {
        await wipe(url);
      }
    });
  });
}
