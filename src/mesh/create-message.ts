import type { AgentId, TopicName } from '../identifiers/identifiers.js';
import { checkPayload } from './_payload.js';
import {
  checkAgent,
  checkCorrelationId,
  checkHeaders,
  checkId,
  checkPositiveInteger,
  checkTopic,
} from './_validate.js';
import { messageInvalid } from './errors.js';
import {
  DEFAULT_MESSAGE_LIMITS,
  type MessageLimits,
  type ResolvedMessageLimits,
} from './limits.js';
import {
  type AddressedMessage,
  type MeshMessage,
  type MessageDraft,
  type MessageHeaders,
  type MessageKind,
  type MessagePayload,
  newMessageId,
} from './message.js';

/** Where a message goes: one agent's mailbox, a topic, or everyone. */
export type MessageTarget =
  | { readonly kind: 'direct' | 'request' | 'reply'; readonly to: AgentId }
  | { readonly kind: 'topic'; readonly topic: TopicName }
  | { readonly kind: 'broadcast' };

/** Options of {@link createMessage}. */
export interface CreateMessageOptions {
  /**
   * The clock the timestamp comes from, in epoch milliseconds.
   * @defaultValue Date.now
   */
  readonly now?: () => number;
  /**
   * Limits the payload and headers are checked against.
   * @defaultValue `DEFAULT_MESSAGE_LIMITS`
   */
  readonly limits?: MessageLimits;
}

/** Fills in the limits left out. */
export function resolveLimits(limits: MessageLimits | undefined): ResolvedMessageLimits {
  if (limits === undefined) return DEFAULT_MESSAGE_LIMITS;
  // Runs on every decode: no allocation when nothing differs from the defaults.
  const { maxPayloadBytes, maxHeaderBytes, maxJsonDepth } = limits;
  if (maxPayloadBytes === undefined && maxHeaderBytes === undefined && maxJsonDepth === undefined) {
    return DEFAULT_MESSAGE_LIMITS;
  }
  return {
    maxPayloadBytes: maxPayloadBytes ?? DEFAULT_MESSAGE_LIMITS.maxPayloadBytes,
    maxHeaderBytes: maxHeaderBytes ?? DEFAULT_MESSAGE_LIMITS.maxHeaderBytes,
    maxJsonDepth: maxJsonDepth ?? DEFAULT_MESSAGE_LIMITS.maxJsonDepth,
  };
}

/**
 * Builds a complete, validated message (attempt 1) from a target and a
 * draft. The mesh calls this on every send; transports and tests can use it
 * to make messages that look exactly like the mesh's own.
 *
 * @throws `MeshError` `message_invalid` (bad id, agent, topic, headers, TTL,
 *   correlation id or payload shape) or `message_too_large`.
 * @example
 * ```ts
 * const message = createMessage(
 *   { kind: 'direct', to: agentId('pong') },
 *   { from: agentId('ping'), payload: textPayload('ping') },
 * );
 * ```
 */
export function createMessage(
  target: MessageTarget,
  draft: MessageDraft,
  options: CreateMessageOptions = {},
): MeshMessage {
  return buildMessage(target, draft, resolveLimits(options.limits), (options.now ?? Date.now)());
}

/** {@link createMessage} with resolved limits and a timestamp already taken. */
export function buildMessage(
  target: MessageTarget,
  draft: MessageDraft,
  limits: ResolvedMessageLimits,
  timestamp: number,
): MeshMessage {
  if (typeof draft !== 'object' || draft === null) {
    throw messageInvalid('missing_field', 'A message needs at least a payload.', 'payload');
  }
  checkPayload(draft.payload, limits);
  // One object, filled field by field: this runs on every send.
  const message: Mutable = {
    id: draft.id === undefined ? newMessageId() : checkId(draft.id, 'id'),
    kind: target.kind,
    payload: draft.payload,
    headers: checkHeaders(draft.headers, 'headers', limits),
    timestamp,
    attempt: 1,
  };
  if (target.kind === 'topic') message.topic = checkTopic(target.topic, 'topic');
  else if (target.kind !== 'broadcast') message.to = checkAgent(target.to, 'to');
  if (draft.from !== undefined) message.from = checkAgent(draft.from, 'from');
  if (draft.correlationId !== undefined) {
    message.correlationId = checkCorrelationId(draft.correlationId, 'correlationId');
  }
  if (draft.ttlMs !== undefined) message.ttlMs = checkPositiveInteger(draft.ttlMs, 'ttlMs');
  return message as MeshMessage;
}

/**
 * A reply to a delivered request: like {@link buildMessage}, but the
 * addresses and the correlation id come from a message that was validated
 * on its way in (and the sender is a joined agent), so only the payload and
 * headers are checked. This runs once per request/reply.
 */
export function buildReply(
  to: AgentId,
  correlationId: string,
  from: AgentId | undefined,
  payload: MessagePayload,
  headers: MessageHeaders | undefined,
  limits: ResolvedMessageLimits,
  timestamp: number,
): AddressedMessage {
  checkPayload(payload, limits);
  // The field order of buildMessage, so both make objects of one shape.
  const message: Mutable = {
    id: newMessageId(),
    kind: 'reply',
    payload,
    headers: checkHeaders(headers, 'headers', limits),
    timestamp,
    attempt: 1,
  };
  message.to = to;
  if (from !== undefined) message.from = from;
  message.correlationId = correlationId;
  return message as AddressedMessage;
}

interface Mutable {
  id: string;
  kind: MessageKind;
  payload: MessagePayload;
  headers: MessageHeaders;
  timestamp: number;
  attempt: number;
  to?: AgentId;
  topic?: TopicName;
  from?: AgentId;
  correlationId?: string;
  ttlMs?: number;
}
