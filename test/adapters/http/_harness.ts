import {
  type Agent,
  type ApiKeyManager,
  createApiKeyManager,
  createRbac,
  defineTool,
  type Principal,
  type Tool,
} from 'skreaver';
import { createJwtAuth, type JwtAuth } from 'skreaver/auth/jwt';
import {
  createHttpRuntime,
  type HttpAgentType,
  type HttpRuntime,
  type HttpRuntimeOptions,
} from 'skreaver/http';
import { type HttpServer, type ServeOptions, serve } from 'skreaver/http/node';
import { afterEach } from 'vitest';

export const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long';

/** The `uppercase` tool, recording the principal each call ran for. */
export function uppercaseTool(seen: (Principal | undefined)[] = []): Tool<string, string> {
  return defineTool({
    name: 'uppercase',
    description: 'Upper-cases a string.',
    inputSchema: { type: 'string' },
    call: (text: string, ctx) => {
      seen.push(ctx.principal);
      return text.toUpperCase();
    },
  });
}

/** The CLI's echo agent: stores its input, upper-cases it with a tool, answers `Echo: X`. */
export function echoAgent(): Agent<unknown, unknown> {
  let input = '';
  let reply: string | undefined;
  return {
    async observe(observation, ctx) {
      input = String(observation).trim();
      reply = undefined;
      await ctx.memory.store('input', input);
    },
    callTools: () => (reply === undefined ? [{ name: 'uppercase', input }] : []),
    handleResult({ result }) {
      reply = result.ok ? String(result.output) : `[${result.error.code}]`;
    },
    act: () => {
      if (input === 'fail') throw new Error('asked to fail');
      return `Echo: ${reply ?? input}`;
    },
  };
}

/** A controllable gate: steps of the `gated` agent wait until `open(n)` releases them. */
export function gateControl() {
  const waiting: (() => void)[] = [];
  const started: string[] = [];
  const listeners = new Set<() => void>();
  return {
    started,
    /** Resolves once `count` steps have started. */
    async whenStarted(count: number): Promise<void> {
      while (started.length < count) {
        await new Promise<void>((resolve) => {
          listeners.add(resolve);
        });
      }
    },
    release(): void {
      waiting.shift()?.();
    },
    releaseAll(): void {
      while (waiting.length > 0) waiting.shift()?.();
    },
    agent(): Agent<unknown, unknown> {
      let text = '';
      return {
        async observe(observation, ctx) {
          text = String(observation);
          started.push(`${ctx.agentId}:${text}`);
          for (const listener of listeners) listener();
          listeners.clear();
          await new Promise<void>((resolve, reject) => {
            waiting.push(resolve);
            ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
          });
        },
        callTools: () => [],
        handleResult() {},
        act: () => `done: ${text}`,
      };
    },
  };
}

export interface Harness {
  readonly runtime: HttpRuntime;
  readonly server: HttpServer;
  readonly url: string;
  readonly keys: ApiKeyManager;
  readonly jwt: JwtAuth;
  /** API keys by role: admin, agent, viewer. */
  readonly key: { admin: string; agent: string; viewer: string };
  /** Principals the `uppercase` tool ran for. */
  readonly toolPrincipals: (Principal | undefined)[];
  readonly gate: ReturnType<typeof gateControl>;
  /** fetch against the server; `as` adds the role's API key. */
  request(
    path: string,
    init?: RequestInit & { as?: 'admin' | 'agent' | 'viewer' | 'none' },
  ): Promise<Response>;
  /** POST JSON. */
  post(path: string, body: unknown, as?: 'admin' | 'agent' | 'viewer' | 'none'): Promise<Response>;
  /** Creates an agent instance as admin. */
  create(type: string, id: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts a runtime on an ephemeral port with API keys, JWTs and the test agents. */
export async function startHarness(
  overrides: Partial<HttpRuntimeOptions> = {},
  serveOptions: ServeOptions = {},
): Promise<Harness> {
  // Keys are issued on the overriding auth's manager when it brings one.
  const given = overrides.auth === false ? undefined : overrides.auth?.apiKeys;
  const keys = (given as ApiKeyManager | undefined) ?? createApiKeyManager();
  const jwt = createJwtAuth({ secret: SECRET });
  const toolPrincipals: (Principal | undefined)[] = [];
  const gate = gateControl();
  const tool = uppercaseTool(toolPrincipals);
  const agentTypes: Record<string, HttpAgentType> = {
    echo: { description: 'Echo', create: () => echoAgent(), tools: [tool] },
    gated: { description: 'Waits for the test to release it', create: () => gate.agent() },
  };
  const runtime = createHttpRuntime({
    agentTypes,
    auth: { tokens: jwt, apiKeys: keys, issuer: jwt, rbac: createRbac({ defaultDeny: false }) },
    version: '9.9.9',
    ...overrides,
  });
  const server = await serve(runtime, { port: 0, signals: false, ...serveOptions });
  const issue = async (role: string) =>
    (await keys.issue({ id: `${role}-user`, roles: [role] }, { name: role })).key;
  const key = {
    admin: await issue('admin'),
    agent: await issue('agent'),
    viewer: await issue('viewer'),
  };
  const request: Harness['request'] = (path, init = {}) => {
    const { as = 'admin', ...rest } = init;
    const headers = new Headers(rest.headers);
    if (as !== 'none' && !headers.has('x-api-key') && !headers.has('authorization')) {
      headers.set('x-api-key', key[as]);
    }
    return fetch(`${server.url}${path}`, { ...rest, headers });
  };
  const post: Harness['post'] = (path, body, as = 'admin') =>
    request(path, {
      method: 'POST',
      as,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  return {
    runtime,
    server,
    url: server.url,
    keys,
    jwt,
    key,
    toolPrincipals,
    gate,
    request,
    post,
    async create(type, id) {
      const res = await post('/agents', { type, id });
      if (res.status !== 201) throw new Error(`create ${id}: ${res.status} ${await res.text()}`);
    },
    async close() {
      gate.releaseAll();
      await server.shutdown();
    },
  };
}

/** The error body's fields, after checking its shape. */
export async function errorOf(
  res: Response,
): Promise<{ code: string; message: string; requestId: string; details?: unknown }> {
  const body = (await res.json()) as {
    error: { code: string; message: string; requestId: string };
  };
  if (typeof body.error?.code !== 'string' || typeof body.error.requestId !== 'string') {
    throw new Error(`not an error body: ${JSON.stringify(body)}`);
  }
  if (res.headers.get('x-request-id') !== body.error.requestId) {
    throw new Error('requestId differs from X-Request-Id');
  }
  return body.error;
}

/**
 * A `start` for one test file: each harness it starts is closed after the
 * test that started it.
 */
export function harnessPerTest(): (...args: Parameters<typeof startHarness>) => Promise<Harness> {
  const open: Harness[] = [];
  afterEach(async () => {
    for (const harness of open.splice(0)) await harness.close();
  });
  return async (...args) => {
    const harness = await startHarness(...args);
    open.push(harness);
    return harness;
  };
}

/** Polls `check` every 10 ms until it holds; throws after 5 s. */
export async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not met');
}
