import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** A fresh prefix, so tests sharing the machine's Redis never meet. */
export function randomPrefix(label = 't'): string {
  return `skreaver-test:${label}:${randomBytes(6).toString('hex')}:`;
}

/** Deletes every key starting with `start` (a raw Redis key prefix), with SCAN. */
export async function deleteKeys(client: Redis, start: string): Promise<void> {
  const pattern = `${start.replace(/[*?[\]\\]/g, '\\$&')}*`;
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** Whether `redis-server` can be run here, for the tests that start their own. */
export function redisServerBinary(): { available: boolean; skipReason: string } {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  const available = probe.status === 0;
  const skipReason = available
    ? ''
    : 'redis-server is not installed; its fault-injection tests are skipped';
  if (!available && process.env.SKREAVER_REQUIRE_SERVICES === '1') {
    throw new Error('redis-server is not installed and SKREAVER_REQUIRE_SERVICES=1.');
  }
  if (!available) console.warn(`[skip] ${skipReason}`);
  return { available, skipReason };
}

/** A port nothing listens on right now. */
export function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A redis-server of this test's own, on a spare port, that it may stop and start. */
export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  /** Starts the server (again) on the same port and waits until it answers. */
  start(): Promise<void>;
  /** Kills the server and waits until it is gone. */
  stop(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open, nothing answers. */
  pause(): void;
  /** Lets a paused server run again (SIGCONT). */
  resume(): void;
  /** Stops it for good and removes its directory. */
  dispose(): Promise<void>;
}

export async function privateRedis(extraArgs: readonly string[] = []): Promise<PrivateRedis> {
  const port = await sparePort();
  const dir = mkdtempSync(join(tmpdir(), 'skreaver-redis-'));
  let child: ChildProcess | undefined;
  const server: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    async start() {
      const args = [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
      ];
      child = spawn('redis-server', [...args, '--dir', dir, ...extraArgs], { stdio: 'ignore' });
      for (let i = 0; i < 100; i++) {
        if (await answersPing(port)) return;
        await sleep(50);
      }
      throw new Error(`the private redis-server on port ${port} did not start`);
    },
    async stop() {
      const running = child;
      child = undefined;
      if (running === undefined || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
    async dispose() {
      server.resume();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

/** A private three-master Redis Cluster on spare ports. */
export interface PrivateCluster {
  readonly nodes: readonly { host: string; port: number }[];
  dispose(): Promise<void>;
}

export async function privateCluster(): Promise<PrivateCluster> {
  const servers: PrivateRedis[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      // Each server has a directory of its own, which holds its nodes.conf.
      servers.push(
        await privateRedis(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf']),
      );
    }
    const admins = servers.map((s) => new Redis(s.port, '127.0.0.1', { lazyConnect: true }));
    try {
      const ranges = [
        [0, 5460],
        [5461, 10922],
        [10923, 16383],
      ] as const;
      for (const [i, admin] of admins.entries()) {
        const [from, to] = ranges[i] as readonly [number, number];
        await admin.call('CLUSTER', 'ADDSLOTSRANGE', from, to);
      }
      for (const server of servers.slice(1)) {
        await admins[0]?.call('CLUSTER', 'MEET', '127.0.0.1', server.port);
      }
      for (let attempt = 0; ; attempt++) {
        const infos = await Promise.all(admins.map((a) => a.call('CLUSTER', 'INFO')));
        if (infos.every((info) => String(info).includes('cluster_state:ok'))) break;
        if (attempt > 200) throw new Error('the private cluster did not come up');
        await sleep(50);
      }
    } finally {
      for (const admin of admins) admin.disconnect();
    }
  } catch (error) {
    for (const server of servers) await server.dispose();
    throw error;
  }
  return {
    nodes: servers.map((s) => ({ host: '127.0.0.1', port: s.port })),
    async dispose() {
      for (const server of servers) await server.dispose();
    },
  };
}
