// MCP round trips. tools/call of a trivial tool (`echo`, one string field)
// through skreaver's MCP server (createMcpServer: registry dispatch with
// input validation, output check, the isError mapping; the HTTP handler with
// its DNS-rebinding check, body cap and session table) against a bare SDK
// McpServer exposing the same tool (zod validation), over stdio and over
// Streamable HTTP (both behind @hono/node-server, one child process each).
// Then the bridge: registry.dispatch of a bridged tool against calling the
// SDK client directly, to the same bare upstream server over stdio.
// Needs a build with the `./mcp` export: `npm run build`.
import { fork } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { fileURLToPath } from 'node:url';
import { fmt, machine, median, table } from './_stats.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,16').split(',').map(Number);
const BRIDGE_CALLS = Number(process.env.BENCH_BRIDGE_CALLS ?? 2000);
const SELF = fileURLToPath(import.meta.url);
const ARGS = { text: 'hello skreaver' };

async function skreaverServer() {
  const { createToolRegistry } = await import('skreaver');
  const { createMcpServer } = await import('skreaver/mcp');
  const registry = createToolRegistry().register({
    name: 'echo',
    description: 'Echoes its text.',
    inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
    call: ({ text }) => text,
  });
  return createMcpServer(registry, { name: 'bench', version: '1.0.0' });
}

async function bareServer() {
  const { McpServer } = await import('@modelcontextprotocol/sdk/server/mcp.js');
  const { z } = await import('zod');
  const server = new McpServer({ name: 'bench', version: '1.0.0' });
  server.registerTool(
    'echo',
    { description: 'Echoes its text.', inputSchema: { text: z.string() } },
    async ({ text }) => ({ content: [{ type: 'text', text }] }),
  );
  return server;
}

async function serveStdioChild(kind) {
  if (kind === 'skreaver') {
    const { serveStdio } = await import('skreaver/mcp');
    await serveStdio(await skreaverServer());
    return;
  }
  const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
  await (await bareServer()).connect(new StdioServerTransport());
}

async function bareFetch() {
  const { WebStandardStreamableHTTPServerTransport } = await import(
    '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'
  );
  const sessions = new Map();
  return async (request) => {
    const id = request.headers.get('mcp-session-id');
    if (id !== null) {
      const transport = sessions.get(id);
      return transport === undefined
        ? new Response(
            '{"jsonrpc":"2.0","error":{"code":-32001,"message":"Session not found"},"id":null}',
            { status: 404 },
          )
        : transport.handleRequest(request);
    }
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => crypto.randomUUID(),
      onsessioninitialized: (sid) => sessions.set(sid, transport),
    });
    await (await bareServer()).connect(transport);
    return transport.handleRequest(request);
  };
}

async function serveHttpChild(kind) {
  const { createAdaptorServer } = await import('@hono/node-server');
  let fetch;
  if (kind === 'skreaver') {
    const { createMcpHttpHandler } = await import('skreaver/mcp');
    const handler = createMcpHttpHandler(await skreaverServer());
    fetch = (request) => handler.handle(request);
  } else {
    fetch = await bareFetch();
  }
  const server = createAdaptorServer({ fetch });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.send({ port: server.address().port });
}

async function stdioClient(kind) {
  const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
  const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [SELF, '--stdio', kind],
      stderr: 'inherit',
    }),
  );
  return { client, stop: () => client.close() };
}

async function httpClient(kind) {
  const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
  const { StreamableHTTPClientTransport } = await import(
    '@modelcontextprotocol/sdk/client/streamableHttp.js'
  );
  const child = fork(SELF, ['--http', kind], { stdio: 'inherit' });
  const { port } = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
  return {
    client,
    stop: async () => {
      await client.close();
      child.kill();
    },
  };
}

async function call(client) {
  const result = await client.callTool({ name: 'echo', arguments: ARGS });
  if (result.isError || result.content[0]?.text !== ARGS.text) {
    throw new Error(`unexpected result: ${JSON.stringify(result)}`);
  }
}

/** Round trips per second with `concurrency` calls in flight for `seconds`. */
async function rate(client, concurrency, seconds) {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  const worker = async () => {
    while (performance.now() < end) {
      await call(client);
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done / ((performance.now() - started) / 1000);
}

async function compare(transport, open) {
  const clients = { bare: await open('bare'), skreaver: await open('skreaver') };
  const rows = [];
  try {
    for (const concurrency of CONCURRENCY) {
      for (const kind of ['bare', 'skreaver'])
        await rate(clients[kind].client, concurrency, WARMUP_SECONDS);
      const runs = { bare: [], skreaver: [] };
      // Rounds alternate, so load from elsewhere on the machine hits both alike.
      for (let round = 0; round < ROUNDS; round++) {
        for (const kind of ['bare', 'skreaver']) {
          runs[kind].push(await rate(clients[kind].client, concurrency, SECONDS));
        }
      }
      const bare = median(runs.bare);
      const skreaver = median(runs.skreaver);
      rows.push([
        transport,
        String(concurrency),
        fmt(bare, 0),
        fmt(skreaver, 0),
        fmt(skreaver / bare, 3),
      ]);
    }
  } finally {
    for (const { stop } of Object.values(clients)) await stop();
  }
  return rows;
}

/** Mean microseconds per serial call of `fn`. */
async function perCall(fn, calls) {
  const started = performance.now();
  for (let i = 0; i < calls; i++) await fn();
  return ((performance.now() - started) * 1000) / calls;
}

async function bridgeOverhead() {
  const { createToolRegistry } = await import('skreaver');
  const { connectMcp } = await import('skreaver/mcp');
  const direct = await stdioClient('bare');
  const registry = createToolRegistry();
  const bridge = await connectMcp({
    name: 'up',
    registry,
    command: process.execPath,
    args: [SELF, '--stdio', 'bare'],
    stderr: 'inherit',
  });
  const viaBridge = async () => {
    const result = await registry.dispatch({ name: 'up__echo', input: ARGS });
    if (!result.ok || result.output !== ARGS.text) throw new Error(JSON.stringify(result));
  };
  const viaClient = () => call(direct.client);
  const runs = { client: [], bridge: [] };
  try {
    await perCall(viaClient, BRIDGE_CALLS / 4);
    await perCall(viaBridge, BRIDGE_CALLS / 4);
    for (let round = 0; round < ROUNDS; round++) {
      runs.client.push(await perCall(viaClient, BRIDGE_CALLS));
      runs.bridge.push(await perCall(viaBridge, BRIDGE_CALLS));
    }
  } finally {
    await bridge.close();
    await registry.close();
    await direct.stop();
  }
  return { client: median(runs.client), bridge: median(runs.bridge) };
}

export async function run() {
  const rows = [...(await compare('stdio', stdioClient)), ...(await compare('http', httpClient))];
  return { rows, bridge: await bridgeOverhead() };
}

if (process.argv[2] === '--stdio') {
  await serveStdioChild(process.argv[3]);
} else if (process.argv[2] === '--http') {
  await serveHttpChild(process.argv[3]);
} else if (import.meta.url === `file://${process.argv[1]}`) {
  // The SDK's HTTP client passes one long-lived signal to every fetch, and
  // undici drops each fetch's listener on it only at garbage collection.
  setMaxListeners(0);
  const { rows, bridge } = await run();
  console.log(
    `MCP tools/call round trips, ${ROUNDS} x ${SECONDS} s per server and concurrency (medians, after ${WARMUP_SECONDS} s warm-up), ${machine()}`,
  );
  table([
    ['transport', 'in flight', 'bare SDK calls/s (baseline)', 'skreaver calls/s', 'ratio'],
    ...rows,
  ]);
  console.log(`\nBridge, ${ROUNDS} x ${BRIDGE_CALLS} serial calls over stdio (medians)`);
  table([
    ['path', 'µs per call'],
    ['SDK client.callTool (baseline)', fmt(bridge.client, 1)],
    ['registry.dispatch of a bridged tool', fmt(bridge.bridge, 1)],
    [
      'overhead',
      `${fmt(bridge.bridge - bridge.client, 1)} (ratio ${fmt(bridge.bridge / bridge.client, 3)})`,
    ],
  ]);
}
