import { MeshError } from '../errors/families.js';
import type { Result } from '../result.js';
import { decodeBase64, encodeBase64 } from './_base64.js';
import { checkPayload } from './_payload.js';
import {
  checkAgent,
  checkCorrelationId,
  checkHeaders,
  checkId,
  checkPositiveInteger,
  checkTopic,
} from './_validate.js';
import { encodeWireText } from './_wire-encode.js';
import { resolveLimits } from './create-message.js';
import { messageInvalid, messageTooLarge } from './errors.js';
import type { MessageLimits } from './limits.js';
import type { MeshMessage, MessageKind, MessagePayload } from './message.js';

/** The wire format version this code writes and the only one it reads. */
export const MESH_WIRE_VERSION = 1;

/** Options of {@link decodeMessage}. */
export interface DecodeMessageOptions extends MessageLimits {
  /**
   * Longest frame read, in UTF-16 code units, checked before parsing. The
   * default fits every message within the payload and header limits, even
   * one whose text is all escapes.
   * @defaultValue 6 × (maxPayloadBytes + maxHeaderBytes) + 65536
   */
  readonly maxFrameLength?: number;
}

const KINDS: ReadonlySet<string> = new Set(['direct', 'request', 'reply', 'topic', 'broadcast']);
const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;
/** What `toISOString` writes (and so what every encoder here sends): parsed as it is. */
const CANONICAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The JSON wire form of a message (see docs/mesh.md for the field table).
 * Every transport that moves messages as text uses it.
 *
 * @example
 * ```ts
 * const frame = encodeMessage(message);
 * // {"v":1,"id":"…","kind":"direct","route":{"unicast":{"from":"ping","to":"pong"}},
 * //  "payload":{"type":"text","data":"ping"},"metadata":{},"timestamp":"2026-…Z",
 * //  "correlation_id":null,"ttl_ms":null,"attempt":1}
 * ```
 */
export function encodeMessage(message: MeshMessage): string {
  return encodeWireText(message, MESH_WIRE_VERSION) ?? encodeWireObject(message);
}

/**
 * The wire text through a wire object: what the hand-written encoder writes,
 * for any input (the reference it is tested against).
 * @internal
 */
export function encodeWireObject(message: MeshMessage): string {
  return JSON.stringify({
    v: MESH_WIRE_VERSION,
    id: message.id,
    kind: message.kind,
    route: encodeRoute(message),
    payload: encodePayload(message.payload),
    metadata: message.headers,
    timestamp: new Date(message.timestamp).toISOString(),
    correlation_id: message.correlationId ?? null,
    ttl_ms: message.ttlMs ?? null,
    attempt: message.attempt,
  });
}

function encodeRoute(message: MeshMessage): unknown {
  const { from } = message;
  switch (message.kind) {
    case 'topic':
      return {
        topic: from === undefined ? { topic: message.topic } : { from, topic: message.topic },
      };
    case 'broadcast':
      return from === undefined ? 'anonymous' : { broadcast: { from } };
    default:
      return from === undefined
        ? { system: { to: message.to } }
        : { unicast: { from, to: message.to } };
  }
}

function encodePayload(payload: MessagePayload): unknown {
  return payload.type === 'binary' ? { type: 'binary', data: encodeBase64(payload.data) } : payload;
}

/**
 * Parses and validates a wire frame. Every field is checked: version, id,
 * kind and route (which must agree), agent ids and topic names, payload
 * shape and size, headers, timestamp, correlation id, TTL and attempt.
 * Unknown extra fields are ignored. It throws nothing but `MeshError`.
 *
 * @throws `MeshError` `message_invalid` (`data.reason` says why, `data.field`
 *   where) or `message_too_large`.
 */
export function decodeMessage(frame: unknown, options: DecodeMessageOptions = {}): MeshMessage {
  const limits = resolveLimits(options);
  const maxLength =
    options.maxFrameLength ?? 6 * (limits.maxPayloadBytes + limits.maxHeaderBytes) + 65_536;
  if (typeof frame !== 'string') {
    throw messageInvalid('malformed_json', 'A mesh frame must be a JSON text.');
  }
  if (frame.length > maxLength) throw messageTooLarge('frame', frame.length, maxLength);
  let raw: unknown;
  try {
    raw = JSON.parse(frame);
  } catch (error) {
    // Deeply nested input can also overflow the stack here; both are malformed frames.
    throw messageInvalid('malformed_json', 'The mesh frame is not valid JSON.', undefined, error);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw messageInvalid('malformed_json', 'A mesh frame must be a JSON object.');
  }
  const wire = raw as Record<string, unknown>;
  if (wire.v !== MESH_WIRE_VERSION) {
    throw messageInvalid(
      'unknown_version',
      `The mesh frame has version ${JSON.stringify(wire.v) ?? 'none'}; this node reads version ${MESH_WIRE_VERSION}. Upgrade the nodes to one version.`,
      'v',
    );
  }
  const id = checkId(required(wire, 'id'), 'id');
  const kind = required(wire, 'kind');
  if (typeof kind !== 'string' || !KINDS.has(kind)) {
    throw messageInvalid('invalid_field', 'The mesh frame has an unknown kind.', 'kind');
  }
  const payload = decodePayload(required(wire, 'payload'));
  checkPayload(payload, limits);
  const message: Record<string, unknown> = {
    id,
    kind,
    payload,
    // The parsed object is this message's own: no copy.
    headers: checkHeaders(wire.metadata, 'metadata', limits, false),
    timestamp: decodeTimestamp(required(wire, 'timestamp')),
    attempt: wire.attempt === undefined ? 1 : checkPositiveInteger(wire.attempt, 'attempt'),
  };
  decodeRoute(required(wire, 'route'), kind as MessageKind, message);
  if (wire.correlation_id !== undefined && wire.correlation_id !== null) {
    message.correlationId = checkCorrelationId(wire.correlation_id, 'correlation_id');
  }
  if (wire.ttl_ms !== undefined && wire.ttl_ms !== null) {
    message.ttlMs = checkPositiveInteger(wire.ttl_ms, 'ttl_ms');
  }
  return message as unknown as MeshMessage;
}

/**
 * Like {@link decodeMessage}, but returns a result instead of throwing.
 */
export function safeDecodeMessage(
  frame: unknown,
  options: DecodeMessageOptions = {},
): Result<MeshMessage, MeshError> {
  try {
    return { ok: true, value: decodeMessage(frame, options) };
  } catch (error) {
    // decodeMessage throws only MeshError; anything else is a bug worth a loud failure.
    if (error instanceof MeshError) return { ok: false, error };
    throw error;
  }
}

function required(wire: Record<string, unknown>, field: string): unknown {
  const value = wire[field];
  if (value === undefined || value === null) {
    throw messageInvalid('missing_field', `The mesh frame has no ${field}.`, field);
  }
  return value;
}

function decodePayload(value: unknown): MessagePayload {
  const { type, data } = (typeof value === 'object' ? value : {}) as Record<string, unknown>;
  if (type === 'binary' && typeof data === 'string') {
    const bytes = decodeBase64(data);
    if (bytes !== undefined) return { type: 'binary', data: bytes };
  } else if (
    (type === 'text' && typeof data === 'string') ||
    (type === 'json' && data !== undefined)
  ) {
    return { type, data } as MessagePayload;
  }
  throw messageInvalid(
    'invalid_payload',
    'The mesh frame payload must be {"type":"text"|"json"|"binary","data":…} (binary as padded base64).',
    'payload',
  );
}

function decodeTimestamp(value: unknown): number {
  if (typeof value === 'string' && CANONICAL_TIME.test(value)) {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return ms;
  }
  const match = typeof value === 'string' ? RFC3339.exec(value) : null;
  if (match !== null) {
    // Date.parse reads milliseconds only; finer digits are cut, not rounded.
    const fraction = (match[2] ?? '').padEnd(3, '0').slice(0, 3);
    const ms = Date.parse(`${match[1]}.${fraction}${match[3]}`);
    if (Number.isFinite(ms)) return ms;
  }
  throw messageInvalid(
    'invalid_field',
    'The mesh frame timestamp must be an RFC 3339 date-time such as "2026-01-01T12:00:00.000Z".',
    'timestamp',
  );
}

function routeBody(route: unknown, variant: string): Record<string, unknown> | undefined {
  if (typeof route !== 'object' || route === null || Array.isArray(route)) return undefined;
  const keys = Object.keys(route);
  if (keys.length !== 1 || keys[0] !== variant) return undefined;
  const body = (route as Record<string, unknown>)[variant];
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined;
}

function decodeRoute(route: unknown, kind: MessageKind, message: Record<string, unknown>): void {
  let body: Record<string, unknown> | undefined;
  if (kind === 'topic') {
    body = routeBody(route, 'topic');
    if (body !== undefined) message.topic = checkTopic(body.topic, 'route.topic.topic', true);
  } else if (kind === 'broadcast') {
    body = route === 'anonymous' ? {} : routeBody(route, 'broadcast');
    if (body !== undefined && route !== 'anonymous' && body.from === undefined) body = undefined;
  } else {
    const unicast = routeBody(route, 'unicast');
    body = unicast ?? routeBody(route, 'system');
    if (body !== undefined) {
      message.to = checkAgent(body.to, unicast ? 'route.unicast.to' : 'route.system.to', true);
      if (unicast === undefined && body.from !== undefined) body = undefined;
      else if (unicast !== undefined && body.from === undefined) body = undefined;
    }
  }
  if (body === undefined) {
    throw messageInvalid(
      'invalid_field',
      `The mesh frame route does not fit its kind "${kind}" (see the route table in docs/mesh.md).`,
      'route',
    );
  }
  if (body.from !== undefined) message.from = checkAgent(body.from, 'route.from', true);
}
