import { MeshError } from '../errors/families.js';

/** Why a message was refused as `message_invalid`. */
export type MessageInvalidReason =
  /** The frame is not JSON, or not a JSON object. */
  | 'malformed_json'
  /** The frame's `v` is missing or not a version this code reads. */
  | 'unknown_version'
  /** A required field is absent. */
  | 'missing_field'
  /** A field has the wrong type or an invalid value (`field` says which). */
  | 'invalid_field'
  /** The payload is not a text, a JSON value or bytes, or its JSON does not round-trip. */
  | 'invalid_payload'
  /** A request's sender is not joined on this mesh, so its reply could not come back. */
  | 'requester_not_joined'
  /** `reply` was called for a message that is not a request. */
  | 'not_a_request'
  /** A dead letter holds no decodable message, so it cannot be redriven. */
  | 'not_redrivable';

/** The `data` of a `message_invalid` error. */
export interface MessageInvalidData {
  /** Why it was refused. */
  readonly reason: MessageInvalidReason;
  /** The offending field, in wire (snake_case) or API (camelCase) spelling. */
  readonly field?: string;
}

/** The `data` of a `message_too_large` error. */
export interface MessageTooLargeData {
  /** What was measured. */
  readonly what: 'payload' | 'headers' | 'frame';
  /** Its size in bytes (for a frame, at least this many). */
  readonly bytes: number;
  /** The limit in bytes. */
  readonly limit: number;
}

/** A `message_invalid` error. */
export function messageInvalid(
  reason: MessageInvalidReason,
  message: string,
  field?: string,
  cause?: unknown,
): MeshError<MessageInvalidData> {
  const data: MessageInvalidData = field === undefined ? { reason } : { reason, field };
  return new MeshError(
    'message_invalid',
    message,
    cause === undefined ? { data } : { data, cause },
  );
}

/** A `message_too_large` error. */
export function messageTooLarge(
  what: MessageTooLargeData['what'],
  bytes: number,
  limit: number,
): MeshError<MessageTooLargeData> {
  return new MeshError(
    'message_too_large',
    `The message ${what} is ${bytes} bytes; the limit is ${limit} bytes. Send less, or raise the limit on every node.`,
    { data: { what, bytes, limit } },
  );
}

/** A `mesh_closed` error. */
export function meshClosed(): MeshError {
  return new MeshError('mesh_closed', 'This mesh is closed; create a new one to keep working.');
}
