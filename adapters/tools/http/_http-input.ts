import type { ObjectSchema } from '../_define.js';
import { refuse } from '../_errors.js';
import { shortenMessage } from '../_text.js';

/**
 * Headers the HTTP layer sets itself; a caller's value would at best be
 * ignored and at worst smuggle a second request.
 */
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'proxy-connection',
]);

/** What tells the four HTTP tools apart. */
export interface HttpToolKind {
  readonly name: 'http_get' | 'http_post' | 'http_put' | 'http_delete';
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly description: string;
  /** Whether the input has a `body` (and so needs a JSON config as its string form). */
  readonly withBody: boolean;
}

const COMMON_FIELDS = {
  url: { type: 'string', description: 'The absolute http: or https: URL.' },
  headers: {
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Request headers, by name.',
  },
  timeout_secs: {
    type: 'number',
    exclusiveMinimum: 0,
    description: "Seconds the request may take; lowers the tool's timeout, never raises it.",
  },
} as const;

/** The input schema: `url`, `headers`, `timeout_secs`, and `body` for POST and PUT. */
export function schemaOf(withBody: boolean): ObjectSchema {
  return withBody
    ? {
        type: 'object',
        properties: {
          ...COMMON_FIELDS,
          body: { type: 'string', description: 'The request body, sent as UTF-8 text.' },
        },
        required: ['url'],
        description: 'An object with the URL and the request, or its JSON text.',
      }
    : {
        type: 'object',
        properties: COMMON_FIELDS,
        required: ['url'],
        description: 'An object with the URL and the request, or the URL itself as a string.',
      };
}

/**
 * The request headers from the input's, refusing invalid ones and those the
 * HTTP layer owns, with the policy's `User-Agent` unless one is given.
 */
export function buildHeaders(
  given: Readonly<Record<string, string>> | undefined,
  agent: string,
): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(given ?? {})) {
    if (RESERVED_HEADERS.has(name.toLowerCase())) {
      refuse(['headers', name], 'is set by the HTTP layer and may not be given');
    }
    try {
      headers.append(name, value);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      refuse(['headers', name], `is not a valid header: ${shortenMessage(reason)}`);
    }
  }
  if (!headers.has('user-agent')) headers.set('user-agent', agent);
  return headers;
}
