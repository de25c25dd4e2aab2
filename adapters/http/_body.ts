import type { CompiledJsonSchema } from 'skreaver';
import type { HttpContext } from './_context.js';
import { requestHeader } from './_headers.js';
import { HttpProblem } from './problem.js';

/** How deeply request JSON may nest; deeper bodies are refused before anything walks them. */
export const MAX_BODY_DEPTH = 128;

const decoder = new TextDecoder();
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

function tooLarge(maxBytes: number): HttpProblem {
  return new HttpProblem(
    'size_limit_exceeded',
    `The request body is larger than ${maxBytes} bytes (limits.maxBodyBytes).`,
    { details: { maxBytes }, headers: { Connection: 'close' } },
  );
}

async function readCapped(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      void reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return all;
}

/** The nesting depth of JSON text, stopping once it passes `limit`. */
function depthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

/**
 * Reads, bounds, decodes and parses a JSON body, then checks it against
 * `schema`. Resolves undefined for an absent body when `optional`.
 *
 * @throws {@link HttpProblem}: `unsupported_media_type` (415),
 *   `size_limit_exceeded` (413), `invalid_input` (400: empty, not JSON,
 *   too deep, or not matching the schema).
 */
export async function readJsonBody(
  c: HttpContext,
  maxBytes: number,
  schema: CompiledJsonSchema | undefined,
  optional = false,
): Promise<unknown> {
  const raw = c.req.raw;
  const length = requestHeader(c, 'content-length');
  // Reading `raw.body` makes @hono/node-server build a full Request; with a
  // Content-Length, arrayBuffer() reads the socket directly instead.
  const stream = length === null ? raw.body : undefined;
  if (length === '0' || stream === null) {
    if (optional) return undefined;
    throw new HttpProblem('invalid_input', 'The request needs a JSON body.', {
      details: { reason: 'missing_body' },
    });
  }
  const type = requestHeader(c, 'content-type');
  if (type === null || !JSON_TYPE.test(type)) {
    throw new HttpProblem(
      'unsupported_media_type',
      `The body must be JSON (Content-Type: application/json), not ${type === null ? 'untyped' : `'${type}'`}.`,
    );
  }
  if (length !== null && !(Number(length) <= maxBytes)) throw tooLarge(maxBytes);
  const scope = c.get('scope');
  scope.readingBody = true;
  let text: string;
  try {
    // As with Request.text(), a byte sequence that is not UTF-8 becomes U+FFFD.
    text =
      stream === undefined ? await raw.text() : decoder.decode(await readCapped(stream, maxBytes));
  } finally {
    scope.readingBody = false;
  }
  if (depthExceeds(text, MAX_BODY_DEPTH)) {
    throw new HttpProblem(
      'invalid_input',
      `The JSON body nests deeper than ${MAX_BODY_DEPTH} levels.`,
      {
        details: { reason: 'too_deep', maxDepth: MAX_BODY_DEPTH },
      },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpProblem(
      'invalid_input',
      `The request body is not valid JSON: ${(error as Error).message}`,
      {
        details: { reason: 'invalid_json' },
      },
    );
  }
  if (schema !== undefined) {
    const issues = schema.check(value);
    if (issues.length > 0) {
      const first = issues[0];
      throw new HttpProblem(
        'invalid_input',
        `The request body is invalid: ${first?.path || '(root)'} ${first?.message}.`,
        {
          details: {
            reason: 'schema',
            issues: issues.map(({ path, message }) => ({ path, message })),
          },
        },
      );
    }
  }
  return value;
}
