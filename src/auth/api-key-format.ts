import { AuthError } from '../errors/families.js';
import { isBase64UrlText } from './_bytes.js';

/** Length of the key id in a key: 12 random bytes as lowercase hex. */
export const API_KEY_ID_LENGTH = 24;

/** The parts of an API key. */
export interface ParsedApiKey {
  /** The key id: public, used to find the key's record. */
  readonly id: string;
  /** The secret part, compared through its salted hash. */
  readonly secret: string;
}

/** Why an API key was refused before any lookup. */
export type ApiKeyFormatProblem = 'missing' | 'not_a_string' | 'malformed';

/** The `data` of an `auth_required` or `auth_invalid` error from API key parsing. */
export interface ApiKeyFormatErrorData {
  /** What was wrong with it. */
  readonly reason: ApiKeyFormatProblem;
}

/** How keys look: `${prefix}${id}_${secret}`. */
export interface ApiKeyFormat {
  /** Text every key starts with (`sk_`). */
  readonly prefix: string;
  /** Length of the secret part in base64url characters. */
  readonly secretLength: number;
}

function isHexId(text: string): boolean {
  if (text.length !== API_KEY_ID_LENGTH) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** Number of base64url characters that encode `bytes` bytes without padding. */
export function base64UrlLength(bytes: number): number {
  return Math.ceil((bytes * 4) / 3);
}

/**
 * Splits an API key of the form `${prefix}${id}_${secret}` (24 lowercase hex
 * characters of id, then `secretLength` base64url characters). The key id is
 * hex so the `_` after it is unambiguous even though base64url secrets may
 * contain `_`. Never throws anything but the errors below, whatever `key` is.
 *
 * @throws `AuthError` `auth_required` when `key` is undefined, null or empty;
 *   `auth_invalid` when it is not a string or not shaped like a key.
 *   `data.reason` is an {@link ApiKeyFormatProblem}.
 */
export function parseApiKey(key: unknown, format: ApiKeyFormat): ParsedApiKey {
  if (key === undefined || key === null || key === '') {
    throw new AuthError<ApiKeyFormatErrorData>('auth_required', 'An API key is required.', {
      data: { reason: 'missing' },
    });
  }
  if (typeof key !== 'string') {
    throw new AuthError<ApiKeyFormatErrorData>('auth_invalid', 'The API key must be a string.', {
      data: { reason: 'not_a_string' },
    });
  }
  const { prefix, secretLength } = format;
  const idStart = prefix.length;
  const secretStart = idStart + API_KEY_ID_LENGTH + 1;
  // Length first: nothing else is looked at in an oversized string.
  const secret = key.length === secretStart + secretLength ? key.slice(secretStart) : '';
  if (
    secret === '' ||
    !key.startsWith(prefix) ||
    key.charCodeAt(secretStart - 1) !== 95 /* _ */ ||
    !isHexId(key.slice(idStart, secretStart - 1)) ||
    !isBase64UrlText(secret)
  ) {
    // The message never echoes the key: it may be a real key with a typo.
    throw new AuthError<ApiKeyFormatErrorData>(
      'auth_invalid',
      `The API key is malformed: expected '${prefix}' followed by a ${API_KEY_ID_LENGTH}-character id, '_' and a ${secretLength}-character secret.`,
      { data: { reason: 'malformed' } },
    );
  }
  return { id: key.slice(idStart, secretStart - 1), secret };
}
