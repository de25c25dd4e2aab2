// Mesh overhead, in one run against one Redis:
// - request/reply round trips over the Redis mesh (two nodes, a `replyHandler`
//   agent on one, the requester on the other) against raw ioredis ping-pong
//   between two connections: LPUSH + BRPOP, and XADD + XREAD BLOCK; against
//   a consumer-group ping-pong (both ways through a stream, as the mesh's
//   replies went before they got their own lane); and against the Redis calls
//   the mesh makes, done by hand (the request through a script that checks
//   the depth and XADDs, XREADGROUP, then the reply PUBLISHed to the
//   requesting node in the same write as the XDEL + XACK and the next read),
//   to separate the cost of Redis from the cost of the mesh;
// - addressed-message throughput over the Redis mesh (a sender node, a
//   receiver node joined with `concurrency`) against raw XADD / XREADGROUP /
//   XACK with the same window and batch size;
// - the in-process mesh's throughput, for scale.
// Needs a Redis: SKREAVER_BENCH_REDIS_URL, else SKREAVER_TEST_REDIS_URL, else
// redis://127.0.0.1:6379/0. Writes only under a random prefix and deletes it
// afterwards.
//
// It imports `skreaver` and `skreaver/mesh/redis` from dist. When dist has no
// `./mesh/redis` export yet, it bundles both entries from source with esbuild
// (into node_modules/.cache, so ioredis resolves) and says so.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { fmt, machine, median, percentile, table } from './_stats.mjs';

const REDIS_URL =
  process.env.SKREAVER_BENCH_REDIS_URL ??
  process.env.SKREAVER_TEST_REDIS_URL ??
  'redis://127.0.0.1:6379/0';
const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 2_000);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
// Sends in flight at once, and the receiver's concurrency / read batch.
const WINDOW = Number(process.env.BENCH_WINDOW ?? 256);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);

const prefix = `skreaver-bench:${randomBytes(6).toString('hex')}:`;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** `skreaver` and `skreaver/mesh/redis`, from dist, or bundled from source. */
async function load() {
  try {
    const core = await import('skreaver');
    const redis = await import('skreaver/mesh/redis');
    return { core, redis, source: 'dist' };
  } catch (error) {
    if (error?.code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED' && error?.code !== 'ERR_MODULE_NOT_FOUND') {
      throw error;
    }
  }
  const { build } = await import('esbuild');
  const outdir = join(root, 'node_modules', '.cache', 'skreaver-bench');
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'mesh-source.mjs');
  await build({
    stdin: {
      contents: `export * as core from './src/index.ts';\nexport * as redis from './adapters/mesh/redis/index.ts';\n`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['ioredis'],
    tsconfig: join(root, 'tsconfig.json'),
    outfile,
    logLevel: 'silent',
  });
  const bundle = await import(pathToFileURL(outfile).href);
  return {
    core: bundle.core,
    redis: bundle.redis,
    source: 'source (dist has no ./mesh/redis export)',
  };
}

function stats(samplesMs) {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

/** Runs `fn` `count` times one after another (JIT and connection warm-up). */
async function warmUp(count, fn) {
  for (let i = 0; i < count; i++) await fn();
}

/** Calls `send(i)` for i < count, at most `window` in flight. */
async function windowed(count, window, send) {
  let next = 0;
  const loop = async () => {
    while (next < count) await send(next++);
  };
  await Promise.all(Array.from({ length: Math.min(window, count) }, loop));
}

function deferred() {
  let resolve;
  const promise = new Promise((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

async function cleanup(raw) {
  let cursor = '0';
  do {
    const [next, found] = await raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (found.length > 0) await raw.del(...found);
    cursor = next;
  } while (cursor !== '0');
}

function connect() {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: null });
}

export async function run() {
  const { core, redis, source } = await load();
  const { agentId, textPayload, replyHandler, inProcessMesh } = core;
  const { redisMesh } = redis;
  const payload = textPayload('x'.repeat(100));
  const meshOptions = {
    url: REDIS_URL,
    prefix: `${prefix}mesh:`,
    backpressure: { warningDepth: 10 * MESSAGES, criticalDepth: 10 * MESSAGES },
  };

  // --- request/reply -------------------------------------------------------
  const client = await redisMesh(meshOptions);
  const server = await redisMesh(meshOptions);
  const [ping, pong] = [agentId('ping'), agentId('pong')];
  await server.join(
    pong,
    replyHandler(() => payload),
  );
  await client.join(ping, () => {});
  const meshRoundTrip = () => client.request({ from: ping, to: pong, payload });

  // Two connections playing ping-pong through lists, and through streams.
  const [a, b] = [connect(), connect()];
  const [req, rep] = [`${prefix}raw:req`, `${prefix}raw:rep`];
  let serving = true;
  const listServer = (async () => {
    while (serving) {
      const got = await b.brpop(req, 1);
      if (got !== null) await b.lpush(rep, got[1]);
    }
  })();
  const listRoundTrip = async () => {
    await a.lpush(req, 'x'.repeat(100));
    await a.brpop(rep, 0);
  };
  const [sa, sb] = [connect(), connect()];
  const [sreq, srep] = [`${prefix}raw:sreq`, `${prefix}raw:srep`];
  let streamServing = true;
  let lastRep = '$';
  const streamServer = (async () => {
    let last = '$';
    while (streamServing) {
      const got = await sb.xread('BLOCK', 1000, 'STREAMS', sreq, last);
      if (got === null) continue;
      for (const [id, fields] of got[0][1]) {
        last = id;
        await sb.xadd(srep, '*', 'm', fields[1]);
      }
    }
  })();
  const streamRoundTrip = async () => {
    if (lastRep === '$') lastRep = (await sa.xadd(srep, '*', 'm', 'init')) ?? '$';
    await sa.xadd(sreq, '*', 'm', 'x'.repeat(100));
    const got = await sa.xread('BLOCK', 0, 'STREAMS', srep, lastRep);
    lastRep = got[0][1][got[0][1].length - 1][0];
  };

  // The Redis calls the mesh makes, without the mesh: a consumer group per
  // side, a blocking reader connection each, XADD to the other side, and the
  // ack (XDEL + XACK) sent in the same write as the next XREADGROUP.
  const [gpc, gpr, gsc, gsr] = [connect(), connect(), connect(), connect()];
  const [gping, gpong] = [`${prefix}raw:gping`, `${prefix}raw:gpong`];
  for (const key of [gping, gpong]) await gpc.xgroup('CREATE', key, 'g', '$', 'MKSTREAM');
  const groupConsumer = (reader, key, handle) =>
    (async () => {
      let acked = null;
      for (;;) {
        const p = reader.pipeline();
        if (acked !== null) p.xdel(key, acked).xack(key, 'g', acked);
        p.xreadgroup('GROUP', 'g', 'c', 'COUNT', 1, 'BLOCK', 1000, 'STREAMS', key, '>');
        const results = await p.exec().catch(() => null);
        if (results === null || reader.status !== 'ready') return;
        acked = null;
        const got = results[results.length - 1][1];
        if (got === null) continue;
        const [id, fields] = got[0][1][0];
        await handle(fields[1]);
        acked = id;
      }
    })();
  let gotReply = () => {};
  const groupLoops = [
    groupConsumer(gsr, gpong, (m) => gsc.xadd(gping, '*', 'm', m)),
    groupConsumer(gpr, gping, () => gotReply()),
  ];
  const groupRoundTrip = async () => {
    const replied = new Promise((resolve) => {
      gotReply = resolve;
    });
    await gpc.xadd(gpong, '*', 'm', 'x'.repeat(100));
    await replied;
  };

  // The mesh's own Redis calls, without the mesh: the request through a
  // depth-checking script on a command connection, a blocking XREADGROUP on
  // the server's reader, and the reply PUBLISHed to the client's channel in
  // the same write as the XDEL + XACK and the next XREADGROUP.
  const [dc, dr, ds] = [connect(), connect(), connect()];
  const [dbox, dchan] = [`${prefix}raw:dbox`, `${prefix}raw:dchan`];
  await dc.xgroup('CREATE', dbox, 'g', '$', 'MKSTREAM');
  const enqueue = await dc.script(
    'LOAD',
    "local n = redis.call('XLEN', KEYS[1]) if n >= tonumber(ARGV[1]) then return {0, n} end redis.call('XADD', KEYS[1], '*', 'm', ARGV[2]) return {1, n + 1}",
  );
  let gotDirect = () => {};
  ds.on('message', () => gotDirect());
  await ds.subscribe(dchan);
  const directLoop = (async () => {
    let acked = null;
    for (;;) {
      const p = dr.pipeline();
      if (acked !== null)
        p.publish(dchan, 'x'.repeat(100)).xdel(dbox, acked).xack(dbox, 'g', acked);
      p.xreadgroup('GROUP', 'g', 'c', 'COUNT', 1, 'BLOCK', 1000, 'STREAMS', dbox, '>');
      const results = await p.exec().catch(() => null);
      if (results === null || dr.status !== 'ready') return;
      const got = results[results.length - 1][1];
      acked = got === null ? null : got[0][1][0][0];
    }
  })();
  const directRoundTrip = async () => {
    const replied = new Promise((resolve) => {
      gotDirect = resolve;
    });
    await dc.evalsha(enqueue, 1, dbox, 1_000_000, 'x'.repeat(100));
    await replied;
  };

  const latency = { mesh: [], list: [], stream: [], group: [], direct: [] };
  const cases = {
    mesh: meshRoundTrip,
    list: listRoundTrip,
    stream: streamRoundTrip,
    group: groupRoundTrip,
    direct: directRoundTrip,
  };
  const labels = Object.keys(cases);
  // Warm-up, then one round trip of each case in turn (the order flipping
  // each time), so load from elsewhere on the machine hits all of them alike.
  for (const fn of Object.values(cases)) await warmUp(200, fn);
  for (let i = 0; i < ROUNDS * ROUND_TRIPS; i++) {
    for (const label of i % 2 === 0 ? labels : [...labels].reverse()) {
      const start = process.hrtime.bigint();
      await cases[label]();
      latency[label].push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  serving = false;
  streamServing = false;
  await Promise.all([listServer, streamServer]);
  gpr.disconnect();
  gsr.disconnect();
  dr.disconnect();
  await Promise.all([...groupLoops, directLoop]);
  await Promise.all([client.close(), server.close()]);
  for (const c of [a, b, sa, sb, gpc, gsc, dc, ds]) await c.quit();

  // --- throughput ----------------------------------------------------------
  const sender = await redisMesh(meshOptions);
  const receiver = await redisMesh(meshOptions);
  let target = 0;
  let received = 0;
  let allIn = deferred();
  const sink = agentId('sink');
  await receiver.join(
    sink,
    () => {
      if (++received === target) allIn.resolve();
    },
    { concurrency: BATCH },
  );
  async function meshThroughput() {
    received = 0;
    target = MESSAGES;
    allIn = deferred();
    const start = process.hrtime.bigint();
    await windowed(MESSAGES, WINDOW, () => sender.send({ to: sink, payload }));
    await allIn.promise;
    return MESSAGES / (Number(process.hrtime.bigint() - start) / 1e9);
  }

  const [producer, consumerConn, acker] = [connect(), connect(), connect()];
  const stream = `${prefix}raw:stream`;
  await producer.xgroup('CREATE', stream, 'g', '0', 'MKSTREAM');
  async function rawThroughput() {
    let consumed = 0;
    const start = process.hrtime.bigint();
    const consuming = (async () => {
      while (consumed < MESSAGES) {
        const got = await consumerConn.xreadgroup(
          'GROUP',
          'g',
          'c',
          'COUNT',
          BATCH,
          'BLOCK',
          1000,
          'STREAMS',
          stream,
          '>',
        );
        if (got === null) continue;
        const ids = got[0][1].map(([id]) => id);
        consumed += ids.length;
        await acker.xack(stream, 'g', ...ids);
      }
    })();
    await windowed(MESSAGES, WINDOW, () => producer.xadd(stream, '*', 'm', 'x'.repeat(100)));
    await consuming;
    const rate = MESSAGES / (Number(process.hrtime.bigint() - start) / 1e9);
    await producer.xtrim(stream, 'MAXLEN', 0);
    return rate;
  }

  const local = inProcessMesh({
    backpressure: { warningDepth: 10 * MESSAGES, criticalDepth: 10 * MESSAGES },
  });
  let localReceived = 0;
  let localDone = deferred();
  await local.join(
    sink,
    () => {
      if (++localReceived === MESSAGES) localDone.resolve();
    },
    { concurrency: BATCH },
  );
  async function inProcessThroughput() {
    localReceived = 0;
    localDone = deferred();
    const start = process.hrtime.bigint();
    await windowed(MESSAGES, WINDOW, () => local.send({ to: sink, payload }));
    await localDone.promise;
    return MESSAGES / (Number(process.hrtime.bigint() - start) / 1e9);
  }

  const rates = { mesh: [], raw: [], inProcess: [] };
  const flows = { mesh: meshThroughput, raw: rawThroughput, inProcess: inProcessThroughput };
  for (const fn of Object.values(flows)) await fn();
  for (let round = 0; round < ROUNDS; round++) {
    const labels = round % 2 === 0 ? Object.keys(flows) : Object.keys(flows).reverse();
    for (const label of labels) rates[label].push(await flows[label]());
  }
  await Promise.all([sender.close(), receiver.close(), local.close()]);
  const admin = connect();
  await cleanup(admin);
  for (const c of [producer, consumerConn, acker, admin]) await c.quit();

  return {
    source,
    latency: {
      mesh: stats(latency.mesh),
      list: stats(latency.list),
      stream: stats(latency.stream),
      group: stats(latency.group),
      direct: stats(latency.direct),
    },
    throughput: {
      mesh: median(rates.mesh),
      raw: median(rates.raw),
      inProcess: median(rates.inProcess),
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await run();
  console.log(
    `Mesh at ${REDIS_URL} (skreaver from ${r.source}); ${machine()}; ${ROUNDS} rounds, interleaved`,
  );
  console.log(
    `\nRequest/reply, ${ROUNDS * ROUND_TRIPS} sequential round trips of each case, interleaved one by one (ms):`,
  );
  const { mesh, list, stream, group, direct } = r.latency;
  // A raw case's row, with the mesh's latency as a ratio of it.
  const vsMesh = (name, raw) => [
    name,
    fmt(raw.p50, 3),
    fmt(raw.p99, 3),
    fmt(mesh.p50 / raw.p50),
    fmt(mesh.p99 / raw.p99),
  ];
  table([
    ['case', 'p50', 'p99', 'p50 ratio mesh/raw', 'p99 ratio mesh/raw'],
    ['redisMesh request/reply (two nodes)', fmt(mesh.p50, 3), fmt(mesh.p99, 3), '', ''],
    vsMesh('raw LPUSH + BRPOP ping-pong', list),
    vsMesh('raw XADD + XREAD BLOCK ping-pong', stream),
    vsMesh('raw consumer-group ping-pong (reply through a stream)', group),
    vsMesh("raw script + XREADGROUP + PUBLISH reply (the mesh's Redis calls)", direct),
  ]);
  console.log(
    `\nAddressed messages, ${MESSAGES} per round, ${WINDOW} sends in flight, receiver batch/concurrency ${BATCH} (messages/s, median):`,
  );
  const t = r.throughput;
  table([
    ['case', 'messages/s', 'vs raw streams'],
    ['redisMesh send -> join handler', fmt(t.mesh, 0), `${fmt((100 * t.mesh) / t.raw, 0)}%`],
    ['raw XADD / XREADGROUP / XACK', fmt(t.raw, 0), '100%'],
    [
      'inProcessMesh send -> join handler',
      fmt(t.inProcess, 0),
      `${fmt((100 * t.inProcess) / t.raw, 0)}%`,
    ],
  ]);
}
