import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { postgresMemory } from 'skreaver/memory/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findService, POSTGRES } from '../../../_support/services.js';
import { dropTable, randomName } from './_helpers.js';

const svc = await findService(POSTGRES);
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const table = randomName('skm_conc');
const PER_PROCESS = 1_000;

/** Bundles the child script (TypeScript, importing skreaver by name) into one CommonJS file. */
async function bundleChild(dir: string): Promise<string> {
  const outfile = join(dir, 'increment-child.cjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./_increment-child.ts', import.meta.url))],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['pg-native'],
    logLevel: 'error',
    plugins: [
      {
        name: 'skreaver-from-source',
        setup(b) {
          b.onResolve({ filter: /^skreaver(\/.+)?$/ }, (args) => ({
            path:
              args.path === 'skreaver'
                ? join(root, 'src/index.ts')
                : join(root, 'adapters', args.path.slice('skreaver/'.length), 'index.ts'),
          }));
        },
      },
    ],
  });
  return outfile;
}

function runChild(script: string, namespace: string): Promise<{ conflicts: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [script, svc.url, table, namespace, String(PER_PROCESS)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(out) as { conflicts: number });
      else reject(new Error(`child exited with ${code}: ${err}`));
    });
  });
}

describe.skipIf(!svc.available)('postgresMemory across processes', () => {
  let dir = '';
  let script = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skm-conc-'));
    script = await bundleChild(dir);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await dropTable(svc.url, table);
  });

  it(`loses no update when two processes each run ${PER_PROCESS} read-modify-write transactions on the same keys`, async () => {
    const namespace = randomName('ns');
    const results = await Promise.all([runChild(script, namespace), runChild(script, namespace)]);
    const memory = await postgresMemory({ connectionString: svc.url, table, namespace });
    try {
      expect(await memory.loadMany(['a', 'b'])).toEqual([
        String(2 * PER_PROCESS),
        String(2 * PER_PROCESS),
      ]);
    } finally {
      await memory.close();
    }
    // Not a threshold: shows the processes really raced (and were retried).
    console.info(`conflicts retried: ${results.map((r) => r.conflicts).join(' + ')}`);
  }, 120_000);
});
