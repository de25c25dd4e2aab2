import type { HttpContext } from './_context.js';
import { requestHeader } from './_headers.js';
import { bodyUnder } from './problem.js';

const COMPRESSIBLE =
  /^\s*(?:application\/(?:json|[\w.-]+\+json|xml|javascript)|text\/(?!event-stream)[\w.+-]+)\s*(?:;|$)/i;

/** The encoding to use for `accept` (an Accept-Encoding value): gzip, else deflate. */
export function chooseEncoding(accept: string | null): 'gzip' | 'deflate' | undefined {
  if (accept === null) return undefined;
  let best: 'gzip' | 'deflate' | undefined;
  let bestQ = 0;
  for (const part of accept.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.reduce((value, param) => {
      const match = /^\s*q=([\d.]+)\s*$/.exec(param);
      return match === null ? value : Number(match[1]);
    }, 1);
    const encoding =
      name === 'gzip' || name === 'x-gzip' ? 'gzip' : name === 'deflate' ? 'deflate' : undefined;
    if (encoding !== undefined && q > bestQ) {
      best = encoding;
      bestQ = q;
    }
  }
  return best;
}

/**
 * Compresses a JSON or text response of at least `threshold` bytes with gzip
 * or deflate (`CompressionStream`, a Web API). The runtime's own responses
 * record their size, so small ones are skipped without touching the
 * response; event streams are never compressed (it would hold events back).
 */
export function compressResponse(c: HttpContext, threshold: number): void {
  if (bodyUnder(c, threshold) === true) return;
  const res = c.res;
  if (res.status === 204 || res.status === 206 || c.req.method === 'HEAD') return;
  const headers = res.headers;
  if (headers.has('content-encoding') || headers.has('transfer-encoding')) return;
  if (!COMPRESSIBLE.test(headers.get('content-type') ?? '')) return;
  const length = headers.get('content-length');
  if (length !== null && Number(length) < threshold) return;
  const vary = headers.get('vary');
  const varyValue = vary === null ? 'Accept-Encoding' : `${vary}, Accept-Encoding`;
  const encoding = chooseEncoding(requestHeader(c, 'accept-encoding'));
  if (encoding === undefined || res.body === null) {
    headers.set('Vary', varyValue);
    return;
  }
  const compressed = new Response(res.body.pipeThrough(new CompressionStream(encoding)), {
    status: res.status,
    headers,
  });
  compressed.headers.delete('Content-Length');
  compressed.headers.set('Content-Encoding', encoding);
  compressed.headers.set('Vary', varyValue);
  // Unset first: Hono's setter would otherwise copy the old headers
  // (Content-Length included) onto the new response.
  c.res = undefined as unknown as Response;
  c.res = compressed;
}
