import {
  type Span as ApiSpan,
  type Attributes,
  type Context,
  SpanStatusCode,
} from '@opentelemetry/api';
import { SpanHandle } from './_span.js';
import { headersGetter } from './headers.js';
import type { HttpSpan, HttpSpanRequest } from './types.js';

const KNOWN_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'OPTIONS',
  'CONNECT',
  'TRACE',
]);

/** `http.request.method` per the HTTP conventions: known methods, else `_OTHER`. */
export function methodOf(method: unknown): { readonly method: string; readonly original?: string } {
  const text = typeof method === 'string' ? method : '';
  const upper = text.toUpperCase();
  if (KNOWN_METHODS.has(upper))
    return upper === text ? { method: upper } : { method: upper, original: text };
  return { method: '_OTHER', original: text };
}

/** The span name `{method} {route}`, `{method}` without a route, `HTTP` for unknown methods. */
export function httpSpanName(method: string, route: string | undefined): string {
  const prefix = method === '_OTHER' ? 'HTTP' : method;
  return route === undefined ? prefix : `${prefix} ${route}`;
}

function urlAttributes(url: string | URL | undefined, attributes: Attributes): void {
  if (url === undefined) return;
  let parsed: URL | undefined;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    // A relative URL (a path): keep the path only, never the query.
    if (typeof url === 'string') attributes['url.path'] = url.split(/[?#]/, 1)[0] ?? '';
    return;
  }
  attributes['url.path'] = parsed.pathname;
  const scheme = parsed.protocol.replace(/:$/, '');
  attributes['url.scheme'] = scheme;
  if (parsed.hostname !== '') attributes['server.address'] = parsed.hostname;
  const port =
    parsed.port !== ''
      ? Number(parsed.port)
      : scheme === 'https'
        ? 443
        : scheme === 'http'
          ? 80
          : undefined;
  if (port !== undefined) attributes['server.port'] = port;
}

/** The span's starting attributes from the request. */
export function httpAttributes(request: HttpSpanRequest): Attributes {
  const { method, original } = methodOf(request.method);
  const attributes: Attributes = { 'http.request.method': method };
  if (original !== undefined) attributes['http.request.method_original'] = original;
  if (request.route !== undefined) attributes['http.route'] = request.route;
  urlAttributes(request.url, attributes);
  if (request.headers !== undefined) {
    const agent = headersGetter.get(request.headers, 'user-agent');
    if (typeof agent === 'string') attributes['user_agent.original'] = agent;
  }
  if (request.clientAddress !== undefined) attributes['client.address'] = request.clientAddress;
  if (request.attributes !== undefined) Object.assign(attributes, request.attributes);
  return attributes;
}

/** The server span of one request. */
export class HttpSpanHandle extends SpanHandle implements HttpSpan {
  readonly #method: string;

  constructor(span: ApiSpan, parent: Context, recordExceptions: boolean, method: string) {
    super(span, parent, recordExceptions);
    this.#method = methodOf(method).method;
  }

  setRoute(route: string): void {
    if (this.ended || typeof route !== 'string') return;
    this.span.setAttribute('http.route', route);
    this.span.updateName(httpSpanName(this.#method, route));
  }

  setResponseStatus(status: number): void {
    if (this.ended || !Number.isInteger(status)) return;
    this.span.setAttribute('http.response.status_code', status);
    // After recordError the span already has an error status, message and type.
    if (status >= 500 && !this.errorTyped) {
      this.span.setStatus({ code: SpanStatusCode.ERROR });
      this.span.setAttribute('error.type', String(status));
    }
  }
}
