import type { AgentId, TopicName } from '../identifiers/identifiers.js';
import { safeParseAgentId, safeParseTopicName } from '../identifiers/identifiers.js';
import { IDENTIFIER_RULES } from '../identifiers/rules.js';
import { utf8ByteLength } from '../text/utf8.js';
import { messageInvalid, messageTooLarge } from './errors.js';
import type { ResolvedMessageLimits } from './limits.js';
import type { MessageHeaders } from './message.js';

/*
 * Every message checks a few ids and agent names, sent and received, so the
 * common valid case takes a short path: a UUID checked by character codes
 * (a case-insensitive regex costs several times that), and agent ids and
 * topics that are plainly valid (the characters and byte limit of
 * IDENTIFIER_RULES, no surrounding whitespace) accepted without the
 * identifier parser's trim and result object.
 */
const PLAIN_AGENT_ID = /^[A-Za-z0-9_-]+$/;
const PLAIN_TOPIC = /^[A-Za-z0-9_.-]+$/;

function isHex(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x61 && code <= 0x66) ||
    (code >= 0x41 && code <= 0x46)
  );
}

/** Longest correlation id accepted, in UTF-16 code units. */
export const MAX_CORRELATION_ID_LENGTH = 256;

/** Whether `value` is a UUID in any letter case. */
export function isUuid(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const code = value.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (code !== 0x2d) return false;
    } else if (!isHex(code)) return false;
  }
  return true;
}

/**
 * An agent id or topic from a caller or a frame. `exact` (for frames) also
 * refuses surrounding whitespace, which the identifier parsers would trim.
 */
export function checkAgent(value: unknown, field: string, exact = false): AgentId {
  if (
    typeof value === 'string' &&
    value.length <= IDENTIFIER_RULES.agentId.maxBytes &&
    PLAIN_AGENT_ID.test(value)
  ) {
    return value as AgentId;
  }
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
  if (
    typeof value === 'string' &&
    value.length <= IDENTIFIER_RULES.topicName.maxBytes &&
    PLAIN_TOPIC.test(value)
  ) {
    return value as TopicName;
  }
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

/**
 * Headers: a plain object of non-empty names to string values, within the
 * size limit. A copy unless `copy` is false (a freshly decoded object,
 * which nobody else holds).
 */
export function checkHeaders(
  value: unknown,
  field: string,
  limits: ResolvedMessageLimits,
  copy = true,
): MessageHeaders {
  if (value === undefined || value === null) return EMPTY_HEADERS;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw messageInvalid(
      'invalid_field',
      `The message ${field} must be an object of strings.`,
      field,
    );
  }
  let units = 0;
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
    units += name.length + item.length;
    count++;
  }
  // Each UTF-16 code unit is 1 to 3 UTF-8 bytes: measure only when the
  // length alone cannot tell (this runs on every send and receive).
  const limit = limits.maxHeaderBytes;
  if (units * 3 > limit) {
    let bytes = 0;
    for (const name in value) {
      if (!Object.hasOwn(value, name)) continue;
      bytes += utf8ByteLength(name) + utf8ByteLength((value as Record<string, string>)[name] ?? '');
    }
    if (bytes > limit) throw messageTooLarge('headers', bytes, limit);
  }
  if (count === 0) return EMPTY_HEADERS;
  // A copy, so a caller changing its object after sending changes nothing in flight.
  return copy ? { ...(value as MessageHeaders) } : (value as MessageHeaders);
}
