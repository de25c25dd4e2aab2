import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type {
  CallToolRequest,
  ServerNotification,
  ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import type { DispatchContext, Logger, Principal, ToolRegistry } from 'skreaver';
import { errorResult, inputOf, type McpCallResult, successResult } from './_tool-mapping.js';
import type { McpServerOptions } from './options.js';
import { monotonicSink, progressLogger } from './progress.js';

/** The key under which the HTTP handler passes a request's principal in the SDK's `authInfo.extra`. */
export const PRINCIPAL_KEY = 'skreaver/principal';
/**
 * The key under which the HTTP handler passes the request's `AbortSignal`
 * (aborted when the client goes away) in the SDK's `authInfo.extra`.
 */
export const REQUEST_SIGNAL_KEY = 'skreaver/request-signal';

/** What a call needs from its server. */
export interface CallDeps {
  readonly registry: ToolRegistry;
  readonly logger: Logger;
  readonly timeout: McpServerOptions['toolTimeoutMs'];
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;
type MutableContext = { -readonly [K in keyof DispatchContext]: DispatchContext[K] };

function timeoutFor(deps: CallDeps, name: string): number | undefined {
  const timeout = deps.timeout;
  if (timeout === undefined || typeof timeout === 'number') return timeout;
  try {
    const value = timeout(name);
    return typeof value === 'number' && !Number.isNaN(value) ? value : undefined;
  } catch (error) {
    deps.logger.warn('MCP toolTimeoutMs threw; using the registry timeout', {
      error: String(error),
    });
    return undefined;
  }
}

/** Sends the tool's growing progress reports to the client, when it asked for them. */
function withProgress(ctx: MutableContext, deps: CallDeps, extra: Extra): void {
  const token = extra._meta?.progressToken;
  if (token === undefined) return;
  ctx.logger = progressLogger(
    deps.logger,
    monotonicSink((report) => {
      extra
        .sendNotification({
          method: 'notifications/progress',
          params: { progressToken: token, ...report },
        })
        .catch(() => {
          // The client left; the call's own result tells it nothing either.
        });
    }),
  );
}

/**
 * The call's signal: the client's cancellation, and over HTTP the request's
 * own signal too (the client dropped the connection). Returns the cleanup.
 */
function withSignal(ctx: MutableContext, extra: Extra, gone: AbortSignal | undefined): () => void {
  if (gone === undefined) {
    ctx.signal = extra.signal;
    return () => {};
  }
  const controller = new AbortController();
  const cancelled = (): void => controller.abort(extra.signal.reason);
  const disconnected = (): void => controller.abort(new Error('The client closed the connection.'));
  if (gone.aborted) disconnected();
  extra.signal.addEventListener('abort', cancelled);
  gone.addEventListener('abort', disconnected);
  ctx.signal = controller.signal;
  return () => {
    extra.signal.removeEventListener('abort', cancelled);
    gone.removeEventListener('abort', disconnected);
  };
}

/** Answers one `tools/call` through `registry.dispatch`. */
export async function callTool(
  deps: CallDeps,
  params: CallToolRequest['params'],
  extra: Extra,
  sessionPrincipal: Principal | undefined,
): Promise<McpCallResult> {
  const { name } = params;
  const input = inputOf(deps.registry.get(name), params.arguments);
  const ctx: MutableContext = {};
  const carried = extra.authInfo?.extra as Record<string, unknown> | undefined;
  const principal = (carried?.[PRINCIPAL_KEY] as Principal | undefined) ?? sessionPrincipal;
  if (principal !== undefined) ctx.principal = principal;
  const timeoutMs = timeoutFor(deps, name);
  if (timeoutMs !== undefined) ctx.timeoutMs = timeoutMs;
  withProgress(ctx, deps, extra);
  const release = withSignal(ctx, extra, carried?.[REQUEST_SIGNAL_KEY] as AbortSignal | undefined);
  try {
    const result = await deps.registry.dispatch({ name, input, id: String(extra.requestId) }, ctx);
    return result.ok ? successResult(result.output) : errorResult(result.error);
  } finally {
    release();
  }
}
