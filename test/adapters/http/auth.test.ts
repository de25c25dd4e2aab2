import { decodeJwt } from 'jose';
import { createApiKeyManager, createRbac, ValidationError } from 'skreaver';
import { createJwtAuth } from 'skreaver/auth/jwt';
import { createHttpRuntime } from 'skreaver/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  echoAgent,
  errorOf,
  type Harness,
  harnessPerTest,
  SECRET,
  startHarness,
  uppercaseTool,
} from './_harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.create('echo', 'auth-echo');
});
afterAll(async () => {
  await h.close();
});

const start = harnessPerTest();

describe('authentication', () => {
  it('requires credentials on protected routes (401 auth_required, WWW-Authenticate)', async () => {
    for (const [method, path] of [
      ['GET', '/agents'],
      ['POST', '/agents'],
      ['GET', '/agents/auth-echo'],
      ['GET', '/agents/auth-echo/status'],
      ['POST', '/agents/auth-echo/observe'],
      ['POST', '/agents/auth-echo/observe/stream'],
      ['POST', '/agents/auth-echo/batch'],
      ['DELETE', '/agents/auth-echo'],
    ] as const) {
      const res = await h.request(path, {
        method,
        as: 'none',
        body: method === 'POST' ? '{}' : null,
      });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      expect((await errorOf(res)).code).toBe('auth_required');
    }
  });

  it('refuses malformed and unknown credentials', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ authorization: 'InvalidFormat token123' }, 'auth_invalid'],
      [{ authorization: 'Bearer not.a.jwt' }, 'auth_invalid'],
      [{ authorization: 'Bearer sk-invalid-key-999' }, 'auth_invalid'],
      [
        { 'x-api-key': 'sk_000000000000000000000000_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' },
        'auth_invalid',
      ],
    ];
    for (const [headers, code] of cases) {
      const res = await h.request('/agents', { as: 'none', headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect((await errorOf(res)).code).toBe(code);
    }
  });

  it('accepts an API key as X-API-Key or as a bearer token, and a JWT', async () => {
    const viaHeader = await h.request('/agents', {
      as: 'none',
      headers: { 'x-api-key': h.key.viewer },
    });
    expect(viaHeader.status).toBe(200);
    const viaBearer = await h.request('/agents', {
      as: 'none',
      headers: { authorization: `Bearer ${h.key.viewer}` },
    });
    expect(viaBearer.status).toBe(200);
    const { accessToken } = await h.jwt.issue({ id: 'jwt-user', roles: ['viewer'] });
    const viaJwt = await h.request('/agents', {
      as: 'none',
      headers: { authorization: `bearer ${accessToken}` },
    });
    expect(viaJwt.status).toBe(200);
  });

  it('refuses an expired JWT with auth_expired', async () => {
    const past = createJwtAuth({ secret: SECRET, now: () => Date.now() - 2 * 3600_000 });
    const { accessToken } = await past.issue({ id: 'old', roles: ['admin'] });
    const res = await h.request('/agents', {
      as: 'none',
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(res.status).toBe(401);
    expect((await errorOf(res)).code).toBe('auth_expired');
  });

  it('remembers a verified key for auth.cacheMs; with 0 a revocation bites at once', async () => {
    const cached = await start();
    const keyId = (await cached.keys.list('viewer-user'))[0]?.id as string;
    expect((await cached.request('/agents', { as: 'viewer' })).status).toBe(200);
    await cached.keys.revoke(keyId);
    expect((await cached.request('/agents', { as: 'viewer' })).status).toBe(200);

    const keys = createApiKeyManager();
    const uncached = await start({ auth: { apiKeys: keys, cacheMs: 0 } });
    const { key, info } = await keys.issue({ id: 'u', roles: ['viewer'] }, { name: 'u' });
    const get = () => uncached.request('/agents', { as: 'none', headers: { 'x-api-key': key } });
    expect((await get()).status).toBe(200);
    await keys.revoke(info.id);
    const res = await get();
    expect(res.status).toBe(401);
    expect((await errorOf(res)).code).toBe('auth_revoked');
  });
});

describe('RBAC per route', () => {
  it('lets viewers look, agents run steps, admins manage', async () => {
    const expectations: [string, string, 'viewer' | 'agent' | 'admin', number][] = [
      ['GET', '/agents', 'viewer', 200],
      ['GET', '/agents/auth-echo', 'viewer', 200],
      ['POST', '/agents/auth-echo/observe', 'viewer', 403],
      ['POST', '/agents/auth-echo/observe', 'agent', 200],
      ['POST', '/agents', 'agent', 403],
      ['DELETE', '/agents/auth-echo', 'agent', 403],
      ['DELETE', '/agents/auth-echo', 'viewer', 403],
    ];
    for (const [method, path, as, status] of expectations) {
      const res = await h.request(path, {
        method,
        as,
        headers: { 'content-type': 'application/json' },
        body:
          method === 'POST'
            ? JSON.stringify(path === '/agents' ? { type: 'echo' } : { input: 'x' })
            : null,
      });
      expect(res.status, `${as} ${method} ${path}`).toBe(status);
      if (status === 403) {
        const error = await errorOf(res);
        expect(error.code).toBe('permission_denied');
        expect(error.details).toHaveProperty('permission');
      }
    }
  });

  it('takes route permissions from auth.permissions', async () => {
    const custom = await start({
      auth: {
        apiKeys: createApiKeyManager(),
        permissions: { listAgents: 'agent:manage', getAgentStatus: null },
      },
    });
    await custom.create('echo', 'perm');
    const list = await custom.request('/agents', { as: 'viewer' });
    expect(list.status).toBe(403);
    expect((await errorOf(list)).details).toEqual({ permission: 'agent:manage' });
    expect((await custom.request('/agents', { as: 'admin' })).status).toBe(200);
    expect((await custom.request('/agents/perm/status', { as: 'viewer' })).status).toBe(200);
    const doc = custom.runtime.document as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    expect(doc.paths['/agents']?.get?.['x-required-permission']).toBe('agent:manage');
  });

  it('puts /metrics behind metrics:view when publicMetrics is false', async () => {
    const keys = createApiKeyManager();
    const closed = await start({ auth: { apiKeys: keys, publicMetrics: false } });
    expect((await closed.request('/metrics', { as: 'none' })).status).toBe(401);
    const { key } = await keys.issue({ id: 'v', roles: ['viewer'] }, { name: 'v' });
    const ok = await closed.request('/metrics', { as: 'none', headers: { 'x-api-key': key } });
    expect(ok.status).toBe(200);
  });
});

describe('the caller reaches tool dispatch', () => {
  it("passes the request's principal to every tool call", async () => {
    const res = await h.post('/agents/auth-echo/observe', { input: 'who' }, 'agent');
    expect(res.status).toBe(200);
    expect(h.toolPrincipals.at(-1)).toMatchObject({ id: 'agent-user', roles: ['agent'] });
  });

  it('denies tools by RBAC for the caller (the step still answers, the call fails)', async () => {
    const keys = createApiKeyManager();
    const denying = await start({
      auth: { apiKeys: keys, rbac: createRbac() },
    });
    await denying.create('echo', 'strict');
    const asAgent = denying.key.agent;
    const asAdmin = denying.key.admin;
    const run = async (key: string) => {
      const res = await fetch(`${denying.url}/agents/strict/observe`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({ input: 'hi' }),
      });
      return (await res.json()) as {
        result: string;
        toolCalls: { ok: boolean; error?: { code: string } }[];
      };
    };
    const denied = await run(asAgent);
    expect(denied.result).toBe('Echo: [tool_denied]');
    expect(denied.toolCalls[0]).toMatchObject({ ok: false, error: { code: 'tool_denied' } });
    expect((await run(asAdmin)).result).toBe('Echo: HI');
  });
});

describe('POST /auth/token', () => {
  it("exchanges an API key for a JWT with that key's principal and roles", async () => {
    const res = await h.request('/auth/token', { method: 'POST', as: 'agent' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      token: string;
      tokenType: string;
      expiresIn: number;
      roles: string[];
    };
    expect(body).toMatchObject({ tokenType: 'Bearer', principal: 'agent-user', roles: ['agent'] });
    expect(body.expiresIn).toBeGreaterThan(0);
    expect(decodeJwt(body.token)).toMatchObject({ sub: 'agent-user', roles: ['agent'] });
    const use = await h.post('/agents/auth-echo/observe', { input: 'tok' }, 'none');
    expect(use.status).toBe(401);
    const withToken = await fetch(`${h.url}/agents/auth-echo/observe`, {
      method: 'POST',
      headers: { authorization: `Bearer ${body.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ input: 'tok' }),
    });
    expect(withToken.status).toBe(200);
  });

  it('never mints what the caller asks for', async () => {
    const res = await h.request('/auth/token', {
      method: 'POST',
      as: 'viewer',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: 'root', permissions: ['admin:access'] }),
    });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toContain("API key's own principal and roles");
  });

  it('needs a valid API key, not a JWT', async () => {
    let res = await h.request('/auth/token', { method: 'POST', as: 'none' });
    expect(res.status).toBe(401);
    expect((await errorOf(res)).code).toBe('auth_required');
    const { accessToken } = await h.jwt.issue({ id: 'x', roles: ['admin'] });
    res = await h.request('/auth/token', {
      method: 'POST',
      as: 'none',
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(res.status).toBe(401);
    expect((await errorOf(res)).code).toBe('auth_invalid');
    res = await h.request('/auth/token', {
      method: 'POST',
      as: 'none',
      headers: { 'x-api-key': 'sk_nope' },
    });
    expect(res.status).toBe(401);
  });

  it('does not exist without an issuer', async () => {
    const noIssuer = await start({ auth: { apiKeys: createApiKeyManager() } });
    const res = await noIssuer.request('/auth/token', { method: 'POST', as: 'none' });
    expect(res.status).toBe(404);
    const paths = (noIssuer.runtime.document as { paths: Record<string, unknown> }).paths;
    expect(paths['/auth/token']).toBeUndefined();
  });
});

describe('auth options', () => {
  it('must be given explicitly; false serves everything without credentials', async () => {
    const base = { agentTypes: { echo: { create: () => echoAgent(), tools: [uppercaseTool()] } } };
    expect(() => createHttpRuntime({ ...base, auth: undefined as never })).toThrow(ValidationError);
    expect(() => createHttpRuntime({ ...base, auth: {} })).toThrow(/needs `tokens`/);
    const open = await start({ auth: false });
    const res = await open.post('/agents', { type: 'echo', id: 'open' }, 'none');
    expect(res.status).toBe(201);
    const step = await open.post('/agents/open/observe', { input: 'free' }, 'none');
    expect(((await step.json()) as { result: string }).result).toBe('Echo: FREE');
    const doc = open.runtime.document as { components: Record<string, unknown> };
    expect(doc.components.securitySchemes).toBeUndefined();
  });
});
