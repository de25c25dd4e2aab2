// HTTP runtime throughput: POST /agents/{id}/observe on skreaver/http (the
// echo agent: a memory write and one tool call per step; JWT auth, RBAC, rate
// limits, in-flight and queue limits, deadlines, CORS, compression and
// security headers all on) against a bare Hono handler doing the same JSON
// parsing, both on @hono/node-server. Each server runs in its own child
// process (one core for it, one for autocannon here); rounds alternate
// between them. Besides requests/s it reports the server's CPU time per
// request, which other load on the machine barely moves.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fmt, machine, median, table } from './_stats.mjs';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
// Rounds alternate baseline and skreaver, so load from elsewhere on the
// machine hits both alike; the medians are reported.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BODY = JSON.stringify({ input: 'hello skreaver' });

async function startSkreaver() {
  const { createApiKeyManager, createRbac } = await import('skreaver');
  const { createJwtAuth } = await import('skreaver/auth/jwt');
  const { createHttpRuntime } = await import('skreaver/http');
  const { serve } = await import('skreaver/http/node');
  const uppercase = {
    name: 'uppercase',
    description: 'Upper-cases a string.',
    inputSchema: { type: 'string' },
    call: (text) => text.toUpperCase(),
  };
  // The CLI's echo agent: store the input, upper-case it with a tool, answer.
  const echo = () => {
    let input = '';
    let reply;
    return {
      async observe(observation, ctx) {
        input = observation.trim();
        reply = undefined;
        await ctx.memory.store('input', input);
      },
      callTools: () => (reply === undefined ? [{ name: 'uppercase', input }] : []),
      handleResult({ result }) {
        reply = result.ok ? String(result.output) : result.error.code;
      },
      act: () => `Echo: ${reply ?? input}`,
    };
  };
  const jwt = createJwtAuth({ secret: 'bench-secret-bench-secret-bench-secret!!' });
  const runtime = createHttpRuntime({
    agentTypes: { echo: { create: echo, tools: [uppercase] } },
    auth: { tokens: jwt, apiKeys: createApiKeyManager(), rbac: createRbac({ defaultDeny: false }) },
    // Every limit stays on; these are set so that they do not refuse the load itself.
    limits: { maxInFlight: 4096, maxInFlightPerIp: 4096, maxQueueDepth: 4096 },
    rateLimit: { perIpPerMinute: 1e9, perPrincipalPerMinute: 1e9 },
  });
  await runtime.agents.create({ type: 'echo', id: 'echo-1' });
  const server = await serve(runtime, { port: 0, signals: false });
  const { accessToken } = await jwt.issue({ id: 'bench', roles: ['agent'] });
  return { port: server.port, path: '/agents/echo-1/observe', token: accessToken };
}

async function startBare() {
  const { Hono } = await import('hono');
  const { serve } = await import('@hono/node-server');
  const app = new Hono();
  app.post('/agents/:id/observe', async (c) => {
    const body = await c.req.json();
    return c.json({
      agentId: c.req.param('id'),
      result: `Echo: ${String(body.input).toUpperCase()}`,
    });
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  return { port: server.address().port, path: '/agents/echo-1/observe', token: undefined };
}

async function load(target, seconds) {
  const { default: autocannon } = await import('autocannon');
  const headers = { 'content-type': 'application/json' };
  if (target.token !== undefined) headers.authorization = `Bearer ${target.token}`;
  return autocannon({
    url: `http://127.0.0.1:${target.port}${target.path}`,
    method: 'POST',
    headers,
    body: BODY,
    connections: CONNECTIONS,
    duration: seconds,
  });
}

async function startServer(kind) {
  const child = fork(fileURLToPath(import.meta.url), ['--server', kind], { stdio: 'inherit' });
  const target = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  await load(target, WARMUP);
  return { child, target };
}

/** The server process's CPU time so far, in microseconds (user + system). */
function cpu(server) {
  return new Promise((resolve) => {
    server.child.once('message', (usage) => resolve(usage.user + usage.system));
    server.child.send('cpu');
  });
}

async function measure(kind, server) {
  const before = await cpu(server);
  const result = await load(server.target, DURATION);
  const used = (await cpu(server)) - before;
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${kind}: ${result.non2xx} non-2xx responses, ${result.errors} errors`);
  }
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    // CPU time the server spent per request: unlike requests/s, other load on
    // the machine barely moves it.
    cpuUs: used / result.requests.total,
  };
}

const summary = (runs) => ({
  rps: median(runs.map((r) => r.rps)),
  p50: median(runs.map((r) => r.p50)),
  p99: median(runs.map((r) => r.p99)),
  cpuUs: median(runs.map((r) => r.cpuUs)),
});

export async function run() {
  const servers = { bare: await startServer('bare'), skreaver: await startServer('skreaver') };
  const runs = { bare: [], skreaver: [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of ['bare', 'skreaver']) runs[kind].push(await measure(kind, servers[kind]));
    }
  } finally {
    for (const { child } of Object.values(servers)) child.kill();
  }
  const bare = summary(runs.bare);
  const skreaver = summary(runs.skreaver);
  return {
    bare,
    skreaver,
    ratio: skreaver.rps / bare.rps,
    cpuRatio: bare.cpuUs / skreaver.cpuUs,
    runs,
  };
}

if (process.argv[2] === '--server') {
  const target = process.argv[3] === 'bare' ? await startBare() : await startSkreaver();
  process.on('message', () => process.send(process.cpuUsage()));
  process.send(target);
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await run();
  console.log(
    `HTTP observe, ${CONNECTIONS} connections, ${ROUNDS} x ${DURATION} s per server (medians, after ${WARMUP} s warm-up), ${machine()}`,
  );
  const row = (name, m) => [name, fmt(m.rps, 0), fmt(m.p50, 1), fmt(m.p99, 1), fmt(m.cpuUs, 1)];
  table([
    ['server', 'requests/s', 'p50 ms', 'p99 ms', 'server CPU us/request'],
    row('bare Hono handler (baseline)', r.bare),
    row('skreaver/http observe', r.skreaver),
    ['ratio skreaver/baseline', fmt(r.ratio), '', '', `${fmt(r.cpuRatio)} (by CPU time)`],
  ]);
  const ok = r.ratio >= 0.6 && r.skreaver.p99 < 20;
  console.log(
    `target: >= 60% of the baseline's throughput and p99 < 20 ms: ${ok ? 'met' : 'NOT met'}`,
  );
}
