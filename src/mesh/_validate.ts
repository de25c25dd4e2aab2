import type { AgentId, TopicName } from '../identifiers/identifiers.js';
import { safeParseAgentId, safeParseTopicName } from '../identifiers/identifiers.js';
import { utf8ByteLength } from '../memory/_utf8.js';
import { messageInvalid, messageTooLarge } from './errors.js';
import type { ResolvedMessageLimits } from './limits.js';
import type { MessageHeaders } from './message.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Longest correlation id accepted, in UTF-16 code units. */
export const MAX_CORRELATION_ID_LENGTH = 256;

/** Whether `value` is a UUID in any letter case. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && value.length === 36 && UUID.test(value);
}

/**
 * An agent id or topic from a caller or a frame. `exact` (for frames) also
 * refuses surrounding whitespace, which the identifier parsers would trim.
 */
export function checkAgent(value: unknown, field: string, exact = false): AgentId {
  const parsed = safeParseAgentId(value);
  if (!parsed.ok || (exact && parsed.value !== value)) {
    throw messageInvalid(
      'invalid_field',
      `The message ${field} must be a valid agent id (ASCII letters, digits, '_' and '-').`,
      field,
      parsed.ok ? undefined : parsed.error,
    );
  }
  return parsed.value;
}

/** A topic name; see {@link checkAgent}. */
export function checkTopic(value: unknown, field: string, exact = false): TopicName {
  const parsed = safeParseTopicName(value);
  if (!parsed.ok || (exact && parsed.value !== value)) {
    throw messageInvalid(
      'invalid_field',
      `The message ${field} must be a valid topic name (ASCII letters, digits, '_', '-' and '.'; no ':' or '/').`,
      field,
      parsed.ok ? undefined : parsed.error,
    );
  }
  return parsed.value;
}

/** A message id. */
export function checkId(value: unknown, field: string): string {
  if (!isUuid(value)) {
    throw messageInvalid('invalid_field', `The message ${field} must be a UUID.`, field);
  }
  return value;
}

/** A correlation id: a non-empty string of at most 256 code units. */
export function checkCorrelationId(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_CORRELATION_ID_LENGTH) {
    throw messageInvalid(
      'invalid_field',
      `The message ${field} must be a non-empty string of at most ${MAX_CORRELATION_ID_LENGTH} characters.`,
      field,
    );
  }
  return value;
}

/** A TTL or timestamp-like count of milliseconds: a positive safe integer. */
export function checkPositiveInteger(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw messageInvalid(
      'invalid_field',
      `The message ${field} must be a positive integer.`,
      field,
    );
  }
  return value;
}

const EMPTY_HEADERS: MessageHeaders = Object.freeze({});

/** Headers: a plain object of non-empty names to string values, within the size limit. */
export function checkHeaders(
  value: unknown,
  field: string,
  limits: ResolvedMessageLimits,
): MessageHeaders {
  if (value === undefined || value === null) return EMPTY_HEADERS;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw messageInvalid(
      'invalid_field',
      `The message ${field} must be an object of strings.`,
      field,
    );
  }
  let bytes = 0;
  let count = 0;
  for (const name in value) {
    if (!Object.hasOwn(value, name)) continue;
    const item = (value as Record<string, unknown>)[name];
    if (name.length === 0 || typeof item !== 'string') {
      throw messageInvalid(
        'invalid_field',
        `The message ${field} must map non-empty names to strings; "${name}" does not.`,
        field,
      );
    }
    bytes += utf8ByteLength(name) + utf8ByteLength(item);
    count++;
  }
  if (bytes > limits.maxHeaderBytes) throw messageTooLarge('headers', bytes, limits.maxHeaderBytes);
  // A copy, so a caller changing its object after sending changes nothing in flight.
  return count === 0 ? EMPTY_HEADERS : { ...(value as MessageHeaders) };
}
