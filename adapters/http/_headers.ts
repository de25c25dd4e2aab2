import type { HttpContext } from './_context.js';

type NodeHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * One request header (`name` in lower case), or null. On @hono/node-server
 * it reads Node's already-parsed header object (the `incoming` binding), so
 * the runtime never makes the fetch `Headers` copy a plain request does not
 * need; elsewhere it reads the `Request`'s headers.
 */
export function requestHeader(c: HttpContext, name: string): string | null {
  const incoming = (c.env as { incoming?: { headers?: NodeHeaders } } | undefined)?.incoming;
  const headers = incoming?.headers;
  if (headers === undefined) return c.req.raw.headers.get(name);
  const value = headers[name];
  if (value === undefined) return null;
  return typeof value === 'string' ? value : value.join(', ');
}
