import { isThenable } from '../../agent/_async.js';
import { isSkreaverError } from '../../errors/skreaver-error.js';
import type { AgentId } from '../../identifiers/identifiers.js';
import type { DeliveryContext, MessageHandler } from '../mesh.js';
import type { MeshMessage, MessagePayload } from '../message.js';
import { jsonPayload } from '../message.js';

/*
 * Request/reply, written once on the transport contract. The request is an
 * addressed message (at-least-once, through the recipient's mailbox) whose
 * id is the correlation id. The requester's node holds the waiting promise,
 * so the reply needs no storage of its own: when the transport has a fast
 * lane (`sendReply` / `listenReplies`), the request names the requester's
 * node in the `skreaver-reply-to` header and the reply goes straight there,
 * at most once; otherwise it is an addressed message back to the
 * requester's mailbox. Either way a reply that comes after the timeout (or
 * a second reply from a redelivered request) finds nothing and is dropped.
 * The requesting side is `_request-tracker.ts`, the answering side
 * `_reply-sender.ts`; this file holds what users see.
 */

/** The header that marks a reply as an error reply (value: the error code). */
export const REPLY_ERROR_HEADER = 'skreaver-error';

/**
 * The header the mesh sets on a request when its transport can send replies
 * straight to a node: the requesting node's `nodeId`, where the reply goes
 * (at most once) instead of the requester's mailbox. Reserved: the mesh
 * overwrites it.
 */
export const REPLY_TO_HEADER = 'skreaver-reply-to';

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
  // Without async/await: a synchronous `fn` costs no extra promise turns.
  return (message, ctx) => {
    if (message.kind !== 'request') {
      const ignored = fn(message, ctx);
      return isThenable(ignored) ? ignored.then(nothing) : undefined;
    }
    let result: MessagePayload | Promise<MessagePayload>;
    try {
      result = fn(message, ctx);
    } catch (error) {
      return replyError(ctx, error).then(nothing);
    }
    if (!isThenable(result)) return ctx.reply(result).then(nothing);
    return result.then(
      (payload) => ctx.reply(payload).then(nothing),
      (error: unknown) => replyError(ctx, error).then(nothing),
    );
  };
}

function nothing(): void {}
