import type { AgentId, TopicName } from '../identifiers/identifiers.js';
import type { JsonValue } from '../tools/json.js';

/**
 * What a message carries: text, a JSON value, or raw bytes. On the wire it is
 * `{"type":"text","data":"..."}`, `{"type":"json","data":{...}}` or
 * `{"type":"binary","data":"<base64 with padding>"}`.
 */
export type MessagePayload =
  | { readonly type: 'text'; readonly data: string }
  | { readonly type: 'json'; readonly data: JsonValue }
  | { readonly type: 'binary'; readonly data: Uint8Array };

/**
 * How a message travels:
 * - `direct`, `request` and `reply` go to one agent's mailbox (at-least-once, acknowledged);
 * - `topic` goes to every subscriber of a topic, and `broadcast` to every
 *   joined agent (at-most-once fan-out).
 */
export type MessageKind = 'direct' | 'request' | 'reply' | 'topic' | 'broadcast';

/** Header names and values: plain strings (the original's `metadata`). */
export type MessageHeaders = Readonly<Record<string, string>>;

/** Fields every message has, whatever its kind. */
export interface MessageBase {
  /** A UUID, unique per message; a redelivery keeps it. */
  readonly id: string;
  /** The sending agent; absent for system messages and anonymous broadcasts. */
  readonly from?: AgentId;
  /** The content. */
  readonly payload: MessagePayload;
  /** For a reply, the id of the request it answers. */
  readonly correlationId?: string;
  /** Application headers. */
  readonly headers: MessageHeaders;
  /** When the message was created, in epoch milliseconds. */
  readonly timestamp: number;
  /**
   * Lifetime in milliseconds from `timestamp`. An addressed message that is
   * still undelivered when it runs out is dead-lettered with reason `expired`;
   * an expired topic or broadcast message is dropped.
   */
  readonly ttlMs?: number;
  /** Which delivery this is, from 1; each redelivery adds one. */
  readonly attempt: number;
}

/** A message for one agent's mailbox. */
export interface AddressedMessage extends MessageBase {
  /** `direct` (plain), `request` (expects a reply) or `reply` (answers a request). */
  readonly kind: 'direct' | 'request' | 'reply';
  /** The recipient. */
  readonly to: AgentId;
}

/** A message published to a topic. */
export interface TopicMessage extends MessageBase {
  /** Always `topic`. */
  readonly kind: 'topic';
  /** The topic it was published to. */
  readonly topic: TopicName;
}

/** A message for every joined agent. */
export interface BroadcastMessage extends MessageBase {
  /** Always `broadcast`. */
  readonly kind: 'broadcast';
}

/** A mesh message: one of the three shapes, told apart by `kind`. */
export type MeshMessage = AddressedMessage | TopicMessage | BroadcastMessage;

/** What a caller supplies for a message; the mesh fills in the rest. */
export interface MessageDraft {
  /** The content (see `textPayload`, `jsonPayload`, `binaryPayload`). */
  readonly payload: MessagePayload;
  /** The sending agent, if any. */
  readonly from?: AgentId;
  /** Application headers. @defaultValue `{}` */
  readonly headers?: MessageHeaders;
  /** Lifetime in milliseconds. @defaultValue none (never expires) */
  readonly ttlMs?: number;
  /** A correlation id to carry. @defaultValue none */
  readonly correlationId?: string;
  /** The message id, a UUID. @defaultValue a new random UUID */
  readonly id?: string;
}

/** A draft for an addressed message (`send`, `request`). */
export interface AddressedDraft extends MessageDraft {
  /** The recipient. */
  readonly to: AgentId;
}

/**
 * A text payload.
 *
 * @example
 * ```ts
 * await mesh.send({ from: ping, to: pong, payload: textPayload('ping') });
 * ```
 */
export function textPayload(data: string): MessagePayload {
  return { type: 'text', data };
}

/** A JSON payload; `data` must survive `JSON.stringify` (checked when sent). */
export function jsonPayload(data: JsonValue): MessagePayload {
  return { type: 'json', data };
}

/** A binary payload; the bytes are not copied. */
export function binaryPayload(data: Uint8Array): MessagePayload {
  return { type: 'binary', data };
}

/** A new random message id (a lowercase UUID v4). */
export function newMessageId(): string {
  return globalThis.crypto.randomUUID();
}
