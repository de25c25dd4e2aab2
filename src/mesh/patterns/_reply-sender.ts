import type { AgentId } from '../../identifiers/identifiers.js';
import type { MeshRuntime } from '../_runtime.js';
import { isUuid } from '../_validate.js';
import { buildReply } from '../create-message.js';
import { messageInvalid } from '../errors.js';
import type { ReplyOptions } from '../mesh.js';
import type { AddressedMessage, MeshMessage, MessagePayload } from '../message.js';
import { REPLY_TO_HEADER } from './request-reply.js';

/*
 * The answering side of request/reply: a reply goes straight to the
 * requesting node when the transport has a lane for it (and the request
 * named its node), else back through the requester's mailbox.
 */

/** Whether the transport has the fast lane for replies. */
export function hasDirectReplies(rt: MeshRuntime): boolean {
  const { transport } = rt;
  return typeof transport.sendReply === 'function' && typeof transport.listenReplies === 'function';
}

/** Sends the reply to `request` from `agent`; used by `DeliveryContext.reply`. Never throws. */
export function sendReply(
  rt: MeshRuntime,
  agent: AgentId | undefined,
  request: MeshMessage,
  payload: MessagePayload,
  replyOptions: ReplyOptions | undefined,
): Promise<string> {
  let reply: AddressedMessage;
  try {
    rt.assertOpen();
    if (request.kind !== 'request' || request.from === undefined) {
      throw messageInvalid('not_a_request', 'Only a request can be replied to.', 'kind');
    }
    reply = buildReply(
      request.from,
      request.id,
      agent,
      payload,
      replyOptions?.headers,
      rt.options.limits,
      rt.options.clock.now(),
    );
    const node = request.headers[REPLY_TO_HEADER];
    const { transport } = rt;
    if (node !== undefined && isUuid(node) && hasDirectReplies(rt) && transport.sendReply) {
      // Straight to the requester's node, at most once: its promise is all
      // that waits, and a lost reply ends as that request's mesh_timeout.
      const sent = transport.sendReply(node, reply, agent);
      const { metrics } = rt.options;
      metrics.meshMessageSent?.call(metrics, { kind: 'reply' });
      return sent.then(() => reply.id);
    }
  } catch (error) {
    return Promise.reject(error);
  }
  // Replies skip backpressure: each answers a request someone is waiting on.
  return rt.enqueue(reply, true).then(() => reply.id);
}
