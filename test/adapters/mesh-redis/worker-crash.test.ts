import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Redis } from 'ioredis';
import {
  type AgentId,
  agentId,
  createSupervisor,
  isSkreaverError,
  type MeshMessage,
  nonEmptyArray,
  replyHandler,
  textPayload,
} from 'skreaver';
import { type RedisMesh, redisMesh } from 'skreaver/mesh/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findService, REDIS } from '../../_support/services.js';
import { adminClient, deleteKeys, randomPrefix, until } from './_helpers.js';

const redis = await findService(REDIS);

const VISIBILITY_MS = 600;
const PRESENCE_TTL_MS = 400;

/** A worker process: its started task ids, and a way to kill it hard. */
interface WorkerProcess {
  readonly started: string[];
  kill(): Promise<void>;
}

describe.skipIf(!redis.available)('redisMesh when a worker process dies mid-task', () => {
  const prefix = randomPrefix('crash');
  const open: RedisMesh[] = [];
  const children: ChildProcess[] = [];
  let bundleDir: string;
  let bundle: string;
  let admin: Redis;

  beforeAll(async () => {
    // The worker runs the TypeScript sources, bundled (ioredis included) into
    // one CommonJS file that plain node runs.
    bundleDir = mkdtempSync(join(tmpdir(), 'skreaver-mesh-worker-'));
    bundle = join(bundleDir, 'worker.cjs');
    await build({
      entryPoints: [fileURLToPath(new URL('./_crash-worker.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: bundle,
      tsconfig: fileURLToPath(new URL('../../../tsconfig.json', import.meta.url)),
      logLevel: 'silent',
    });
    admin = await adminClient(redis.url);
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    for (const mesh of open) await mesh.close();
    await deleteKeys(admin, prefix);
    await admin.quit();
    rmSync(bundleDir, { recursive: true, force: true });
  });

  async function node(): Promise<RedisMesh> {
    const mesh = await redisMesh({
      url: redis.url,
      prefix,
      visibilityTimeoutMs: VISIBILITY_MS,
      presenceTtlMs: PRESENCE_TTL_MS,
      heartbeatIntervalMs: PRESENCE_TTL_MS / 5,
    });
    open.push(mesh);
    return mesh;
  }

  async function worker(id: AgentId, concurrency = 1): Promise<WorkerProcess> {
    const child = spawn(process.execPath, [bundle], {
      env: {
        ...process.env,
        REDIS_URL: redis.url,
        PREFIX: prefix,
        WORKER_ID: id,
        VISIBILITY_MS: String(VISIBILITY_MS),
        PRESENCE_TTL_MS: String(PRESENCE_TTL_MS),
        CONCURRENCY: String(concurrency),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    const started: string[] = [];
    let ready = false;
    createInterface({ input: child.stdout as NonNullable<typeof child.stdout> }).on(
      'line',
      (line) => {
        if (line === 'ready') ready = true;
        else if (line.startsWith('started ')) started.push(line.slice('started '.length));
      },
    );
    await until(() => ready || child.exitCode !== null, 'the worker process to join', 10_000);
    expect(child.exitCode, 'the worker process is running').toBeNull();
    return {
      started,
      async kill() {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      },
    };
  }

  /** Joins `id` once the dead process's presence has expired. */
  async function takeOver(mesh: RedisMesh, id: AgentId, handler: (m: MeshMessage) => unknown) {
    await until(
      async () => {
        try {
          await mesh.join(id, handler as never);
          return true;
        } catch (error) {
          if (isSkreaverError(error, 'invalid_input')) return false;
          throw error;
        }
      },
      'the dead worker presence to expire',
      5000,
    );
  }

  it('the tasks a killed worker held are reclaimed and finished by its replacement', async () => {
    const mesh = await node();
    const crashy = agentId(`crashy-${Date.now()}`);
    const child = await worker(crashy, 3);
    const ids = [];
    for (const n of [1, 2, 3])
      ids.push(await mesh.send({ to: crashy, payload: textPayload(`task ${n}`) }));
    await until(() => child.started.length === 3, 'the worker to start all three tasks');
    await child.kill();
    const finished: MeshMessage[] = [];
    await takeOver(await node(), crashy, (message) => {
      finished.push(message);
    });
    await until(() => finished.length === 3, 'the replacement to finish the three tasks', 5000);
    expect(finished.map((m) => m.id).sort()).toEqual([...ids].sort());
    expect(finished.map((m) => m.attempt)).toEqual([2, 2, 2]);
    await until(async () => (await mesh.queueDepth(crashy)).depth === 0, 'an empty mailbox');
  }, 20_000);

  it('a supervisor re-queues the task of a killed worker process to another worker, and the abandoned copy is finished too', async () => {
    const main = await node();
    const [crashy, spare, boss] = [
      agentId(`crashy-${Date.now()}`),
      agentId(`spare-${Date.now()}`),
      agentId(`boss-${Date.now()}`),
    ];
    const child = await worker(crashy);
    await main.join(
      spare,
      replyHandler((m) =>
        textPayload(`spare did ${m.payload.type === 'text' ? m.payload.data : ''}`),
      ),
    );
    const supervisor = await createSupervisor({
      mesh: main,
      id: boss,
      workers: nonEmptyArray([crashy, spare]),
      healthCheckIntervalMs: 50,
      taskTimeoutMs: 60_000,
    });
    try {
      const pending = supervisor.submit(textPayload('job'));
      await until(() => child.started.length === 1, 'the worker process to start the task');
      await child.kill();
      const reply = await pending;
      expect([reply.from, reply.payload]).toEqual([spare, textPayload('spare did job')]);
      expect(supervisor.stats().find((s) => s.worker === crashy)?.available).toBe(false);
      // The request the dead process held is still pending in its mailbox; a
      // replacement takes it over and finishes it (its late reply is dropped).
      const finished: MeshMessage[] = [];
      await takeOver(await node(), crashy, (message) => {
        finished.push(message);
      });
      await until(() => finished.length === 1, 'the replacement to finish the abandoned request');
      expect([finished[0]?.id, finished[0]?.kind, finished[0]?.attempt]).toEqual([
        child.started[0],
        'request',
        2,
      ]);
    } finally {
      await supervisor.close();
    }
  }, 20_000);
});
