import { utf8ByteLength } from '../text/utf8.js';
import { messageInvalid, messageTooLarge } from './errors.js';
import type { ResolvedMessageLimits } from './limits.js';

/*
 * Payload checks run on every send, so they measure without serializing:
 * the JSON size is computed by walking the value, exactly as many UTF-8
 * bytes as `JSON.stringify` would produce, and the walk also proves the
 * value round-trips (no undefined, functions, NaN, class instances, holes,
 * cycles past the depth limit).
 */

enum Cost {
  Quote = 2,
  Escape = 6,
}

/** UTF-8 bytes of `JSON.stringify(text)`. */
export function jsonStringBytes(text: string): number {
  let bytes = 2;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0x20 && unit < 0x80) bytes += unit === 0x22 || unit === 0x5c ? Cost.Quote : 1;
    else if (unit < 0x20) {
      // \b \t \n \f \r get two-character escapes, other controls \u00XX.
      bytes += unit === 8 || unit === 9 || unit === 10 || unit === 12 || unit === 13 ? 2 : 6;
    } else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += Cost.Escape;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) bytes += Cost.Escape;
    else bytes += 3;
  }
  return bytes;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * UTF-8 bytes of `JSON.stringify(value)`, or -1 when `value` is not a JSON
 * value that round-trips. Stops early (returning a size above `budget`) once
 * the budget is exceeded.
 */
export function jsonValueBytes(value: unknown, maxDepth: number, budget: number): number {
  function walk(item: unknown, depth: number, used: number): number {
    if (used > budget) return used;
    switch (typeof item) {
      case 'string':
        return used + jsonStringBytes(item);
      case 'number':
        return Number.isFinite(item) ? used + String(item).length : -1;
      case 'boolean':
        return used + (item ? 4 : 5);
      case 'object': {
        if (item === null) return used + 4;
        if (depth >= maxDepth) return -1;
        if (Array.isArray(item)) {
          let total = used + 2 + Math.max(0, item.length - 1);
          for (let i = 0; i < item.length; i++) {
            if (!(i in item)) return -1;
            total = walk(item[i], depth + 1, total);
            if (total < 0 || total > budget) return total;
          }
          return total;
        }
        if (!isPlainObject(item)) return -1;
        const keys = Object.keys(item);
        let total = used + 2 + Math.max(0, keys.length - 1) + keys.length;
        for (const key of keys) {
          total += jsonStringBytes(key);
          total = walk((item as Record<string, unknown>)[key], depth + 1, total);
          if (total < 0 || total > budget) return total;
        }
        return total;
      }
      default:
        return -1;
    }
  }
  return walk(value, 0, 0);
}

/**
 * Checks a payload's shape and size.
 *
 * @throws `MeshError` `message_invalid` (reason `invalid_payload`) or `message_too_large`.
 */
export function checkPayload(payload: unknown, limits: ResolvedMessageLimits): void {
  if (typeof payload !== 'object' || payload === null) {
    throw messageInvalid(
      'invalid_payload',
      'A message payload must be an object { type, data }; use textPayload, jsonPayload or binaryPayload.',
      'payload',
    );
  }
  const { type, data } = payload as { type?: unknown; data?: unknown };
  const limit = limits.maxPayloadBytes;
  let bytes: number;
  if (type === 'text' && typeof data === 'string') {
    // Each code unit is 1 to 3 bytes: measure only when the length alone cannot tell.
    if (data.length * 3 <= limit) return;
    bytes = data.length > limit ? data.length : utf8ByteLength(data);
  } else if (type === 'binary' && data instanceof Uint8Array) {
    bytes = data.byteLength;
  } else if (type === 'json' && data !== undefined) {
    bytes = jsonValueBytes(data, limits.maxJsonDepth, limit);
    if (bytes < 0) {
      throw messageInvalid(
        'invalid_payload',
        `A JSON payload must be plain JSON (objects, arrays, strings, finite numbers, booleans, null) nested at most ${limits.maxJsonDepth} deep.`,
        'payload.data',
      );
    }
  } else {
    throw messageInvalid(
      'invalid_payload',
      'A message payload must be { type: "text", data: string }, { type: "json", data: JSON } or { type: "binary", data: Uint8Array }.',
      'payload',
    );
  }
  if (bytes > limit) throw messageTooLarge('payload', bytes, limit);
}
