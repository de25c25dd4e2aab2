import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { isSkreaverError, type Principal } from 'skreaver';
import { PRINCIPAL_KEY, REQUEST_SIGNAL_KEY } from './_call-tool.js';
import { refuseForeign, resolvePrincipal } from './_http-guards.js';
import { hasInitialize, jsonRpcError, readCappedBody, watchResponse } from './_http-io.js';
import { integerOption, invalidOption, stringListOption } from './_options.js';
import { compileOriginCheck, LOOPBACK_HOSTS, type OriginCheck } from './_origin-check.js';
import { unref } from './_timers.js';
import { type InternalSession, internalsOf, type SkreaverMcpServer } from './create-mcp-server.js';
import {
  MCP_HTTP_DEFAULTS,
  type McpHttpHandlerOptions,
  type McpHttpRequestContext,
} from './http-options.js';

/** A Streamable HTTP endpoint for a `SkreaverMcpServer`. */
export interface McpHttpHandler {
  /**
   * Answers one request to the MCP endpoint (POST, GET or DELETE; the path is
   * not looked at, so mount it where you like). Never rejects: refusals are
   * JSON-RPC error responses with an HTTP status (403 DNS-rebinding check,
   * 401 authentication, 404 unknown session, 405 method, 413 body size,
   * 503 session limit or closed).
   */
  handle(request: Request, context?: McpHttpRequestContext): Promise<Response>;
  /** Sessions open right now. */
  readonly sessions: number;
  /** Closes every session (streams end, calls in flight are aborted); later requests get 503. Idempotent. */
  close(): Promise<void>;
}

interface HttpSession {
  readonly transport: WebStandardStreamableHTTPServerTransport;
  readonly session: InternalSession;
  readonly principalId: string | undefined;
  lastUsed: number;
  /** GET streams open now. */
  open: number;
}

/** What the call handler learns of the request: its principal, and its signal for disconnects. */
function authInfoFor(principal: Principal | undefined, request: Request): AuthInfo {
  const extra: Record<string, unknown> = { [REQUEST_SIGNAL_KEY]: request.signal };
  if (principal !== undefined) extra[PRINCIPAL_KEY] = principal;
  return { token: '', clientId: principal?.id ?? '', scopes: [], extra };
}

const ALLOW = { Allow: 'GET, POST, DELETE' };

/**
 * Makes a Streamable HTTP endpoint (MCP 2025-03-26 and later) for `server`,
 * built on the SDK's Web-standard transport, so `handle(request)` works on
 * any runtime with `Request` and `Response`. Each client gets a session
 * (`Mcp-Session-Id`) bound to the principal that opened it; idle sessions
 * are closed after `sessionIdleMs`. `Host` and `Origin` are checked against
 * DNS rebinding by default (loopback only: add your host names to
 * `allowedHosts`). A client that disconnects mid-call aborts the call's
 * signal.
 *
 * @throws `ValidationError` `invalid_options` for a bad option or a server
 *   not made by `createMcpServer`.
 * @example
 * ```ts
 * const mcp = createMcpServer(registry);
 * const endpoint = createMcpHttpHandler(mcp, { allowedHosts: ['localhost', 'tools.example.com'] });
 * // Deno, Bun, workers: export default { fetch: (req) => endpoint.handle(req) };
 * // skreaver/http: routes: ({ app, protect }) => app.all('/mcp', protect('tool:execute'),
 * //   (c) => endpoint.handle(c.req.raw, { principal: c.get('principal') }))
 * ```
 */
export function createMcpHttpHandler(
  server: SkreaverMcpServer,
  options: McpHttpHandlerOptions = {},
): McpHttpHandler {
  const internals = internalsOf(server);
  const maxBodyBytes = integerOption(
    'maxBodyBytes',
    options.maxBodyBytes,
    MCP_HTTP_DEFAULTS.maxBodyBytes,
    1,
  );
  const maxSessions = integerOption(
    'maxSessions',
    options.maxSessions,
    MCP_HTTP_DEFAULTS.maxSessions,
    1,
  );
  const idleMs = integerOption(
    'sessionIdleMs',
    options.sessionIdleMs,
    MCP_HTTP_DEFAULTS.sessionIdleMs,
    1,
  );
  const authenticate = options.authenticate;
  if (authenticate !== undefined && typeof authenticate !== 'function') {
    throw invalidOption('authenticate', authenticate, 'a function');
  }
  const protection = options.dnsRebindingProtection ?? true;
  if (typeof protection !== 'boolean') {
    throw invalidOption('dnsRebindingProtection', protection, 'a boolean');
  }
  const check: OriginCheck | undefined = protection
    ? compileOriginCheck(
        stringListOption('allowedHosts', options.allowedHosts, LOOPBACK_HOSTS),
        stringListOption('allowedOrigins', options.allowedOrigins, []),
      )
    : undefined;
  const jsonResponse = options.jsonResponse ?? false;

  const sessions = new Map<string, HttpSession>();
  /** Sessions being initialised: counted against `maxSessions` before they have an id. */
  let opening = 0;
  let sweeper: ReturnType<typeof setInterval> | undefined;
  let closed = false;

  const sweep = (): void => {
    const now = Date.now();
    for (const record of sessions.values()) {
      if (record.open === 0 && record.session.running === 0 && now - record.lastUsed >= idleMs) {
        void record.session.close();
      }
    }
  };
  const startSweeping = (): void => {
    if (sweeper !== undefined || closed) return;
    sweeper = setInterval(sweep, Math.min(idleMs, 60_000));
    unref(sweeper);
  };
  const stopSweeping = (): void => {
    if (sweeper === undefined) return;
    clearInterval(sweeper);
    sweeper = undefined;
  };

  /** Counts a GET stream as open until it ends, so its session is not idle meanwhile. */
  const watch = (record: HttpSession, response: Response): Response => {
    record.open++;
    return watchResponse(response, () => {
      record.open--;
      record.lastUsed = Date.now();
    });
  };

  const openSession = async (
    request: Request,
    body: unknown,
    principal: Principal | undefined,
  ): Promise<Response> => {
    if (sessions.size + opening >= maxSessions) {
      return jsonRpcError(
        503,
        -32000,
        `Too many MCP sessions (maxSessions ${maxSessions}); retry later.`,
        { code: 'resource_exhausted' },
        { 'Retry-After': '1' },
      );
    }
    opening++;
    let record: HttpSession | undefined;
    try {
      const transport = new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: () => crypto.randomUUID(),
        enableJsonResponse: jsonResponse,
        onsessioninitialized: (id) => {
          if (record === undefined) return;
          sessions.set(id, record);
          startSweeping();
        },
      });
      const session = await internals.open(transport, principal === undefined ? {} : { principal });
      record = { transport, session, principalId: principal?.id, lastUsed: Date.now(), open: 0 };
      const owned = record;
      void session.closed.then(() => {
        const id = transport.sessionId;
        if (id !== undefined && sessions.get(id) === owned) sessions.delete(id);
        if (sessions.size === 0) stopSweeping();
      });
      const response = await transport.handleRequest(request, {
        parsedBody: body,
        authInfo: authInfoFor(principal, request),
      });
      if (transport.sessionId === undefined || !sessions.has(transport.sessionId)) {
        // The initialize was refused (bad headers, a batch): no session to keep.
        void session.close();
      }
      return response;
    } finally {
      opening--;
    }
  };

  const handle = async (request: Request, context?: McpHttpRequestContext): Promise<Response> => {
    if (closed) {
      return jsonRpcError(503, -32000, 'The MCP endpoint is closed.', { code: 'mcp_unavailable' });
    }
    const refused = check === undefined ? undefined : refuseForeign(request, check);
    if (refused !== undefined) return refused;
    const method = request.method;
    if (method !== 'POST' && method !== 'GET' && method !== 'DELETE') {
      return jsonRpcError(405, -32000, 'Method not allowed.', undefined, ALLOW);
    }
    const who = await resolvePrincipal(request, context, authenticate);
    if (!who.ok) return who.response;
    const { principal } = who;
    const sessionId = request.headers.get('mcp-session-id');

    let body: unknown;
    if (method === 'POST') {
      const read = await readCappedBody(request, maxBodyBytes).catch(() => undefined);
      if (read === undefined) {
        return jsonRpcError(400, -32700, 'Parse error: the body could not be read.');
      }
      if (read.tooLarge) {
        return jsonRpcError(413, -32000, `The body is larger than ${maxBodyBytes} bytes.`, {
          code: 'size_limit_exceeded',
          maxBytes: maxBodyBytes,
        });
      }
      try {
        body = JSON.parse(read.text);
      } catch {
        return jsonRpcError(400, -32700, 'Parse error: the body is not JSON.');
      }
      if (sessionId === null) {
        if (!hasInitialize(body)) {
          return jsonRpcError(400, -32000, 'Bad Request: the Mcp-Session-Id header is required.');
        }
        return openSession(request, body, principal);
      }
    }
    if (sessionId === null) {
      return jsonRpcError(400, -32000, 'Bad Request: the Mcp-Session-Id header is required.');
    }
    const record = sessions.get(sessionId);
    // A session answers only to the principal that opened it; others learn nothing of it.
    if (record === undefined || record.principalId !== principal?.id) {
      return jsonRpcError(404, -32001, 'Session not found.');
    }
    record.lastUsed = Date.now();
    const response = await record.transport.handleRequest(request, {
      ...(body === undefined ? {} : { parsedBody: body }),
      authInfo: authInfoFor(principal, request),
    });
    // Answers to POSTs end with their calls (counted as running); a GET stream stays open.
    return method === 'GET' && response.body !== null ? watch(record, response) : response;
  };

  return {
    handle: async (request, context) => {
      try {
        return await handle(request, context);
      } catch (error) {
        return jsonRpcError(500, -32603, 'Internal error.', {
          code: isSkreaverError(error) ? error.code : 'mcp_protocol',
        });
      }
    },
    get sessions() {
      return sessions.size;
    },
    async close() {
      if (closed) return;
      closed = true;
      stopSweeping();
      const open = [...sessions.values()];
      sessions.clear();
      await Promise.allSettled(open.map((record) => record.session.close()));
    },
  };
}
