import type { Handler } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { CompiledJsonSchema, Logger } from 'skreaver';
import { agentIdParam } from './_agent-handlers.js';
import type { InternalAgentRegistry } from './_agent-registry.js';
import { readJsonBody } from './_body.js';
import type { HttpEnv } from './_context.js';
import { errorBody, toProblem } from './problem.js';

/** What the stream handler needs. */
export interface StreamHandlerDeps {
  readonly registry: InternalAgentRegistry;
  readonly schema: CompiledJsonSchema | undefined;
  readonly maxBodyBytes: number;
  readonly keepAliveMs: number;
  readonly logger: Logger;
}

/**
 * `POST /agents/{id}/observe/stream`: everything that can fail before the
 * step (bad id, body, input, unknown agent, full queue) is an ordinary error
 * response; then a 200 event stream carries the coordinator's events in
 * order and ends with `result` (the step report) or `error` (an error body).
 * The request keeps its in-flight slot and its deadline until the stream ends.
 */
export function streamHandler(deps: StreamHandlerDeps): Handler<HttpEnv> {
  const { registry, schema, maxBodyBytes, keepAliveMs, logger } = deps;
  return async (c) => {
    const id = agentIdParam(c);
    const body = (await readJsonBody(c, maxBodyBytes, schema)) as { input: unknown };
    const pending = registry.reserve(id, body.input);
    const scope = c.get('scope');
    const requestId = c.get('requestId');
    const principal = c.get('principal');
    const span = c.get('span');
    scope.hold();
    scope.follow(c.req.raw.signal);
    return streamSSE(c, async (stream) => {
      let sequence = 0;
      let closed = false;
      stream.onAbort(() => {
        closed = true;
      });
      const send = (event: string, data: unknown): Promise<void> => {
        if (closed) return Promise.resolve();
        sequence++;
        return stream
          .writeSSE({ event, data: JSON.stringify(data), id: String(sequence) })
          .catch(() => {
            closed = true;
          });
      };
      const keepAlive = setInterval(() => {
        if (!closed) void stream.write(': keep-alive\n\n').catch(() => {});
      }, keepAliveMs);
      try {
        const options = {
          signal: scope.signal,
          onEvent: (event: { type: string }) => {
            void send(event.type, event);
          },
        };
        const report = await pending.run({
          ...options,
          ...(principal === undefined ? {} : { principal }),
          ...(span === undefined ? {} : { span }),
        });
        await send('result', report);
      } catch (error) {
        const problem = scope.timedOut ? scope.timeoutProblem() : toProblem(error);
        if (problem.status >= 500 && problem.code === 'internal_error') {
          logger.error('A streamed step failed unexpectedly.', { requestId, error });
        }
        await send('error', errorBody(problem, requestId));
      } finally {
        clearInterval(keepAlive);
        scope.finish();
      }
    });
  };
}
