import { ValidationError } from 'skreaver';

/** The fields of a W3C `traceparent` header that matter for continuing a trace. */
export interface Traceparent {
  /** The header's version, two lower-case hex digits (never `ff`). */
  readonly version: string;
  /** 32 lower-case hex digits, not all zero. */
  readonly traceId: string;
  /** The caller's span: 16 lower-case hex digits, not all zero. */
  readonly spanId: string;
  /** The trace flags byte; bit 0 is "sampled". */
  readonly traceFlags: number;
}

function invalidContext(rule: string, value: unknown): ValidationError {
  return new ValidationError('invalid_input', `formatTraceparent: the ${rule}.`, {
    data: { value },
  });
}

/** Length of a version-00 header: `00-` + 32 + `-` + 16 + `-` + 2. */
const V00_LENGTH = 55;

function isLowerHex(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    // 0-9 or a-f; upper case is invalid in traceparent.
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

function isAllZero(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) !== 0x30) return false;
  return true;
}

/** Optional whitespace around a header value (RFC 9110: spaces and tabs only). */
function trimOws(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text[start] === ' ' || text[start] === '\t')) start++;
  while (end > start && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/**
 * Parses a W3C Trace Context `traceparent` value
 * (`version-traceid-parentid-flags`), strictly: lower-case hex only, ids not
 * all zero, version `ff` refused, a version-00 value exactly 55 characters.
 * A later version may carry more fields after a `-`, which are ignored, as
 * the spec asks. Surrounding spaces and tabs are allowed; nothing else is.
 * Returns `undefined` for anything invalid (a caller then starts a new
 * trace); never throws.
 *
 * @example
 * ```ts
 * parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
 * // { version: '00', traceId: '4bf9...4736', spanId: '00f0...02b7', traceFlags: 1 }
 * ```
 */
export function parseTraceparent(value: unknown): Traceparent | undefined {
  if (typeof value !== 'string') return undefined;
  const text = trimOws(value);
  if (text.length < V00_LENGTH) return undefined;
  if (text[2] !== '-' || text[35] !== '-' || text[52] !== '-') return undefined;
  if (!isLowerHex(text, 0, 2) || !isLowerHex(text, 3, 35)) return undefined;
  if (!isLowerHex(text, 36, 52) || !isLowerHex(text, 53, 55)) return undefined;
  const version = text.slice(0, 2);
  if (version === 'ff') return undefined;
  if (text.length > V00_LENGTH) {
    // Version 00 has exactly four fields; a later version may append `-...`.
    if (version === '00' || text[V00_LENGTH] !== '-') return undefined;
    for (let i = V00_LENGTH + 1; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x21 || c > 0x7e) return undefined;
    }
  }
  if (isAllZero(text, 3, 35) || isAllZero(text, 36, 52)) return undefined;
  return {
    version,
    traceId: text.slice(3, 35),
    spanId: text.slice(36, 52),
    traceFlags: Number.parseInt(text.slice(53, 55), 16),
  };
}

/**
 * Formats a version-00 `traceparent` value. Only the "sampled" bit of
 * `traceFlags` is kept, as version 00 defines no other flag.
 *
 * @throws `ValidationError` with code `invalid_input` when `traceId` or `spanId` is not valid lower-case hex
 * of the right length, or is all zero.
 */
export function formatTraceparent(context: {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
}): string {
  const { traceId, spanId } = context;
  if (
    typeof traceId !== 'string' ||
    traceId.length !== 32 ||
    !isLowerHex(traceId, 0, 32) ||
    isAllZero(traceId, 0, 32)
  ) {
    throw invalidContext('traceId must be 32 lower-case hex digits, not all zero', traceId);
  }
  if (
    typeof spanId !== 'string' ||
    spanId.length !== 16 ||
    !isLowerHex(spanId, 0, 16) ||
    isAllZero(spanId, 0, 16)
  ) {
    throw invalidContext('spanId must be 16 lower-case hex digits, not all zero', spanId);
  }
  const sampled = (context.traceFlags & 1) === 1;
  return `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`;
}
