import { encodeBase64 } from './_base64.js';
import type { MeshMessage } from './message.js';

/*
 * The wire encoder, written out by hand: every networked message is encoded
 * once on its way out, and building a wire object for JSON.stringify (and a
 * Date for its ISO text) costs about a third more than writing the known
 * layout directly. The text is byte for byte what
 * `JSON.stringify(wireObject)` gives (a property test compares them);
 * anything outside the shapes a valid message has goes through the
 * object.
 */

/** Strings JSON.stringify writes as they are, between quotes. */
const PLAIN = /^[A-Za-z0-9_.:-]*$/;

function quoted(value: string): string {
  return PLAIN.test(value) ? `"${value}"` : JSON.stringify(value);
}

/** The last millisecond `toISOString` writes with a four-digit year (9999-12-31T23:59:59.999Z). */
const LAST_FOUR_DIGIT_YEAR_MS = 253_402_300_799_999;
const DAY_MS = 86_400_000;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

function pad3(n: number): string {
  return n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`;
}

/**
 * `new Date(ms).toISOString()`, without the Date, for whole milliseconds
 * from 1970 to 9999 (days to civil date: H. Hinnant's algorithm); other
 * values go through Date.
 */
export function isoTimestamp(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms > LAST_FOUR_DIGIT_YEAR_MS) {
    return new Date(ms).toISOString();
  }
  const inDay = ms % DAY_MS;
  const z = (ms - inDay) / DAY_MS + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const seconds = Math.floor(inDay / 1000);
  return `${year}-${pad2(month)}-${pad2(day)}T${pad2(Math.floor(seconds / 3600))}:${pad2(
    Math.floor(seconds / 60) % 60,
  )}:${pad2(seconds % 60)}.${pad3(inDay % 1000)}Z`;
}

function route(message: MeshMessage): string | undefined {
  const { from } = message;
  if (from !== undefined && typeof from !== 'string') return undefined;
  switch (message.kind) {
    case 'topic': {
      const { topic } = message;
      if (typeof topic !== 'string') return undefined;
      return from === undefined
        ? `{"topic":{"topic":${quoted(topic)}}}`
        : `{"topic":{"from":${quoted(from)},"topic":${quoted(topic)}}}`;
    }
    case 'broadcast':
      return from === undefined ? '"anonymous"' : `{"broadcast":{"from":${quoted(from)}}}`;
    case 'direct':
    case 'request':
    case 'reply': {
      const { to } = message;
      if (typeof to !== 'string') return undefined;
      return from === undefined
        ? `{"system":{"to":${quoted(to)}}}`
        : `{"unicast":{"from":${quoted(from)},"to":${quoted(to)}}}`;
    }
    default:
      return undefined;
  }
}

/**
 * The wire text of a well-formed message, or undefined when a field is
 * not of the shape this writer knows (the caller then uses JSON.stringify).
 */
export function encodeWireText(message: MeshMessage, version: number): string | undefined {
  const { id, kind, payload, headers, timestamp, attempt } = message;
  const correlationId = message.correlationId ?? null;
  const ttlMs = message.ttlMs ?? null;
  if (
    typeof id !== 'string' ||
    typeof headers !== 'object' ||
    headers === null ||
    typeof payload !== 'object' ||
    payload === null ||
    typeof timestamp !== 'number' ||
    !Number.isFinite(attempt) ||
    (correlationId !== null && typeof correlationId !== 'string') ||
    (ttlMs !== null && !Number.isFinite(ttlMs))
  ) {
    return undefined;
  }
  const where = route(message);
  if (where === undefined) return undefined;
  const body =
    payload.type === 'binary'
      ? `{"type":"binary","data":"${encodeBase64(payload.data)}"}`
      : JSON.stringify(payload);
  const metadata = JSON.stringify(headers);
  if (body === undefined || metadata === undefined) return undefined;
  return `{"v":${version},"id":${quoted(id)},"kind":"${kind}","route":${where},"payload":${body},"metadata":${metadata},"timestamp":"${isoTimestamp(timestamp)}","correlation_id":${
    correlationId === null ? 'null' : quoted(correlationId)
  },"ttl_ms":${ttlMs === null ? 'null' : ttlMs},"attempt":${attempt}}`;
}
