import { MeshError } from '../../errors/families.js';
import { isSkreaverError } from '../../errors/skreaver-error.js';
import type { AgentId } from '../../identifiers/identifiers.js';
import type { MeshRuntime } from '../_runtime.js';
import type { BackpressureErrorData } from '../backpressure.js';
import { buildMessage } from '../create-message.js';
import { messageInvalid } from '../errors.js';
import type {
  DeliveryContext,
  MessageHandler,
  ReplyOptions,
  RequestDraft,
  RequestOptions,
} from '../mesh.js';
import type { AddressedMessage, MeshMessage, MessagePayload } from '../message.js';
import { jsonPayload } from '../message.js';

/*
 * Request/reply, written once on the mailbox contract: the request is an
 * addressed message whose id is the correlation id; the reply is an
 * addressed message back to the requester's mailbox. The requester's node
 * holds the waiting promise, so a reply that comes after the timeout (or a
 * second reply from a redelivered request) finds nothing and is dropped.
 */

/** The header that marks a reply as an error reply (value: the error code). */
export const REPLY_ERROR_HEADER = 'skreaver-error';

/** The `data` of a `mesh_timeout` from `request`. */
export interface RequestTimeoutData {
  /** `timeout`: no reply in time; `aborted`: the caller's signal fired. */
  readonly reason: 'timeout' | 'aborted';
  /** The request's id. */
  readonly requestId: string;
  /** The timeout that applied, in milliseconds. */
  readonly timeoutMs: number;
}

/** The `data` of a `delivery_failed` from `request` when the handler answered with an error. */
export interface RemoteErrorData {
  /** Always `remote_error`. */
  readonly reason: 'remote_error';
  /** The agent that answered. */
  readonly agent: AgentId | undefined;
  /** The error it sent. */
  readonly remote: { readonly code: string; readonly message: string };
}

interface Pending {
  readonly requestId: string;
  readonly settle: (reply: AddressedMessage | undefined, error: unknown) => void;
}

/** Waiting requests of one node. */
export interface RequestTracker {
  request(draft: RequestDraft, options: RequestOptions | undefined): Promise<AddressedMessage>;
  /** Hands a reply to its waiting request; false when none waits (a late reply). */
  resolve(reply: AddressedMessage): boolean;
  /** Rejects every waiting request. */
  rejectAll(error: unknown): void;
}

export function createRequestTracker(rt: MeshRuntime): RequestTracker {
  const pending = new Map<string, Pending>();
  const { options } = rt;

  return {
    request(draft, requestOptions) {
      rt.assertOpen();
      const timeoutMs = requestOptions?.timeoutMs ?? options.requestTimeoutMs;
      if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
        throw messageInvalid(
          'invalid_field',
          'A request timeoutMs must be a positive number.',
          'timeoutMs',
        );
      }
      const message = buildMessage(
        { kind: 'request', to: draft?.to },
        draft,
        options.limits,
        options.clock.now(),
      ) as AddressedMessage;
      if (message.from === undefined || !rt.isJoined(message.from)) {
        throw messageInvalid(
          'requester_not_joined',
          'A request needs a `from` agent joined on this mesh, so the reply can come back to it. Join the agent first.',
          'from',
        );
      }
      if (pending.size >= options.maxPendingRequests) {
        const data: BackpressureErrorData = {
          depth: pending.size,
          limit: options.maxPendingRequests,
          waitedMs: 0,
        };
        throw new MeshError(
          'backpressure',
          `This node already waits for ${pending.size} replies (maxPendingRequests); retry later.`,
          { data },
        );
      }
      const signal = requestOptions?.signal;
      return new Promise<AddressedMessage>((resolve, reject) => {
        const fail = (reason: RequestTimeoutData['reason']) => {
          const data: RequestTimeoutData = { reason, requestId: message.id, timeoutMs };
          return new MeshError(
            'mesh_timeout',
            reason === 'timeout'
              ? `No reply from ${message.to} within ${timeoutMs} ms.`
              : 'The request was aborted by its signal.',
            { data },
          );
        };
        const onAbort = () => entry.settle(undefined, fail('aborted'));
        const timer = rt.timers.start(() => entry.settle(undefined, fail('timeout')), timeoutMs);
        const entry: Pending = {
          requestId: message.id,
          settle(reply, error) {
            if (pending.get(message.id) !== entry) return;
            pending.delete(message.id);
            timer.cancel();
            signal?.removeEventListener('abort', onAbort);
            if (reply !== undefined) resolve(reply);
            else reject(error);
          },
        };
        pending.set(message.id, entry);
        if (signal !== undefined) {
          if (signal.aborted) return onAbort();
          signal.addEventListener('abort', onAbort, { once: true });
        }
        // A failed send settles (and removes) the entry: nothing leaks.
        rt.enqueue(message, false).then(undefined, (error: unknown) =>
          entry.settle(undefined, error),
        );
      });
    },

    resolve(reply) {
      const entry =
        reply.correlationId === undefined ? undefined : pending.get(reply.correlationId);
      if (entry === undefined) return false;
      const code = reply.headers[REPLY_ERROR_HEADER];
      if (code === undefined) entry.settle(reply, undefined);
      else {
        const remote = remoteError(reply, code);
        const data: RemoteErrorData = { reason: 'remote_error', agent: reply.from, remote };
        entry.settle(
          undefined,
          new MeshError(
            'delivery_failed',
            `${reply.from ?? 'The recipient'} answered with an error: ${remote.message}`,
            {
              data,
            },
          ),
        );
      }
      return true;
    },

    rejectAll(error) {
      for (const entry of [...pending.values()]) entry.settle(undefined, error);
    },
  };
}

function remoteError(reply: AddressedMessage, code: string): RemoteErrorData['remote'] {
  const { payload } = reply;
  if (payload.type === 'json' && typeof payload.data === 'object' && payload.data !== null) {
    const text = (payload.data as Record<string, unknown>).message;
    if (typeof text === 'string') return { code, message: text };
  }
  return { code, message: payload.type === 'text' ? payload.data : code };
}

/** Sends the reply to `request` from `agent`; used by `DeliveryContext.reply`. */
export async function sendReply(
  rt: MeshRuntime,
  agent: AgentId | undefined,
  request: MeshMessage,
  payload: MessagePayload,
  replyOptions: ReplyOptions | undefined,
): Promise<string> {
  rt.assertOpen();
  if (request.kind !== 'request' || request.from === undefined) {
    throw messageInvalid('not_a_request', 'Only a request can be replied to.', 'kind');
  }
  const draft =
    replyOptions?.headers === undefined
      ? { payload, correlationId: request.id }
      : { payload, correlationId: request.id, headers: replyOptions.headers };
  const reply = buildMessage(
    { kind: 'reply', to: request.from },
    agent === undefined ? draft : { ...draft, from: agent },
    rt.options.limits,
    rt.options.clock.now(),
  ) as AddressedMessage;
  // Replies skip backpressure: each answers a request someone is waiting on.
  await rt.enqueue(reply, true);
  return reply.id;
}

/**
 * Answers a request with an error: the requester's `request` rejects with
 * `delivery_failed` (data.remote has the code and message) instead of
 * waiting for its timeout.
 *
 * @example
 * ```ts
 * await mesh.join(worker, async (message, ctx) => {
 *   if (message.payload.type !== 'json') return replyError(ctx, new Error('JSON only'));
 *   await ctx.reply(jsonPayload(await work(message.payload.data)));
 * });
 * ```
 */
export function replyError(ctx: DeliveryContext, error: unknown): Promise<string> {
  const code = isSkreaverError(error) ? error.code : 'handler_error';
  const message = error instanceof Error ? error.message : String(error);
  return ctx.reply(jsonPayload({ code, message }), { headers: { [REPLY_ERROR_HEADER]: code } });
}

/**
 * A handler that answers every request with what `fn` returns, or with an
 * error reply when `fn` throws (so the request fails fast and the message
 * is not redelivered). Messages that are not requests are passed to `fn`
 * and its result ignored.
 *
 * @example
 * ```ts
 * await mesh.join(agentId('upper'), replyHandler((m) =>
 *   textPayload(m.payload.type === 'text' ? m.payload.data.toUpperCase() : ''),
 * ));
 * ```
 */
export function replyHandler(
  fn: (message: MeshMessage, ctx: DeliveryContext) => MessagePayload | Promise<MessagePayload>,
): MessageHandler {
  return async (message, ctx) => {
    if (message.kind !== 'request') {
      await fn(message, ctx);
      return;
    }
    let result: MessagePayload;
    try {
      result = await fn(message, ctx);
    } catch (error) {
      await replyError(ctx, error);
      return;
    }
    await ctx.reply(result);
  };
}
