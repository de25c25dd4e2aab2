import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Redis } from 'ioredis';
import { redisMemory } from 'skreaver/memory/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findService, REDIS } from '../../../_support/services.js';
import { deleteKeys, randomPrefix } from './_helpers.js';

const redis = await findService(REDIS);
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const INCREMENTS = 1000;

/*
 * Two OS processes each run 1,000 read-modify-write transactions on the
 * same key; the caller's loop retries on transaction_conflict (the memory
 * never re-runs a body). Without WATCH some increments would be lost.
 */
const WORKER = `
const { redisMemory } = require(process.env.ADAPTER);
(async () => {
  const memory = await redisMemory({ url: process.env.URL, prefix: process.env.PREFIX });
  let conflicts = 0;
  for (let i = 0; i < Number(process.env.COUNT); i++) {
    for (;;) {
      try {
        await memory.transaction(async (tx) => {
          const n = Number((await tx.load('counter')) ?? '0');
          await tx.store('counter', String(n + 1));
        });
        break;
      } catch (error) {
        if (error.code !== 'transaction_conflict') throw error;
        conflicts++;
      }
    }
  }
  await memory.close();
  process.stdout.write(JSON.stringify({ conflicts }));
})().catch((error) => { console.error(error); process.exit(1); });
`;

function runWorker(dir: string, prefix: string): Promise<{ conflicts: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(dir, 'worker.cjs')], {
      env: {
        ...process.env,
        ADAPTER: join(dir, 'redis-memory.cjs'),
        NODE_PATH: join(root, 'node_modules'),
        URL: redis.url,
        PREFIX: prefix,
        COUNT: String(INCREMENTS),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (data) => {
      out += data;
    });
    child.stderr.on('data', (data) => {
      err += data;
    });
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`worker exited ${code}: ${err}`)),
    );
  });
}

describe.skipIf(!redis.available)('redisMemory transactions under concurrency', () => {
  const prefix = randomPrefix('race');
  let dir: string;
  let admin: Redis;

  beforeAll(async () => {
    admin = new Redis(redis.url);
    // The workers run the adapter from source, bundled for plain Node.
    dir = mkdtempSync(join(tmpdir(), 'skreaver-redis-race-'));
    await build({
      entryPoints: [join(root, 'adapters/memory/redis/index.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['ioredis'],
      alias: { skreaver: join(root, 'src/index.ts') },
      outfile: join(dir, 'redis-memory.cjs'),
      logLevel: 'silent',
    });
    writeFileSync(join(dir, 'worker.cjs'), WORKER);
  });
  afterAll(async () => {
    await deleteKeys(admin, prefix);
    await admin.quit();
    rmSync(dir, { recursive: true, force: true });
  });

  it('two processes x 1,000 increments lose no update', async () => {
    const results = await Promise.all([runWorker(dir, prefix), runWorker(dir, prefix)]);
    expect(await admin.get(`${prefix}counter`)).toBe(String(2 * INCREMENTS));
    // Informative only: how often the loop had to run a transaction again.
    console.info(`conflicts retried: ${results.map((r) => r.conflicts).join(' + ')}`);
  }, 60_000);

  it('two clients in one process x 1,000 increments lose no update', async () => {
    const key = 'in-process';
    const clients = [
      await redisMemory({ url: redis.url, prefix }),
      await redisMemory({ url: redis.url, prefix }),
    ];
    await Promise.all(
      clients.map(async (memory) => {
        for (let i = 0; i < INCREMENTS; i++) {
          for (;;) {
            try {
              await memory.transaction(async (tx) => {
                const n = Number((await tx.load(key)) ?? '0');
                await tx.store(key, String(n + 1));
              });
              break;
            } catch (error) {
              if ((error as { code?: string }).code !== 'transaction_conflict') throw error;
            }
          }
        }
      }),
    );
    expect(await clients[0]?.load(key)).toBe(String(2 * INCREMENTS));
    for (const memory of clients) await memory.close();
  }, 60_000);
});
