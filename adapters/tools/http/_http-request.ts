import {
  isSkreaverError,
  SecurityError,
  ToolError,
  type UrlDeniedData,
  type UrlRules,
} from 'skreaver';
import { securityDenial, toolFailure } from '../_errors.js';
import { decodeBody, discard, mediaType, readCapped } from './_read-body.js';
import { shorten } from './_urls.js';
import type { HttpFetch, HttpFetchInit, HttpToolOutput } from './options.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NULL_BODY = new Set([204, 205, 304]);
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'] as const;
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ENODATA']);

/** Everything one call needs, prepared by the tool. */
export interface HttpRequestPlan {
  readonly tool: string;
  readonly rules: UrlRules;
  readonly fetch: HttpFetch;
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  readonly body: Uint8Array<ArrayBuffer> | undefined;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly maxRedirects: number;
  readonly maxUrlLength: number;
  /** `undefined` when every content type is allowed. */
  readonly typeAllowed: ((type: string) => boolean) | undefined;
  /** The call's signal (caller abort, registry timeout, close). */
  readonly signal: AbortSignal;
}

function urlDenied(message: string, data: UrlDeniedData): SecurityError<UrlDeniedData> {
  return new SecurityError<UrlDeniedData>('url_denied', message, { data });
}

/** The same refusal, saying it came from following a redirect. */
function onRedirect(error: SecurityError, from: string): SecurityError {
  return new SecurityError(
    error.code,
    `${shorten(from)} redirected to a refused URL: ${error.message}`,
    { data: error.data, cause: error },
  );
}

function codeOf(error: unknown): string | undefined {
  for (let current = error, depth = 0; depth < 3; depth++) {
    if (typeof current !== 'object' || current === null) return undefined;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error ? error.cause : undefined;
  // fetch says only 'fetch failed'; the reason is on its cause.
  return cause instanceof Error && cause.message !== '' ? `${message}: ${cause.message}` : message;
}

type Stop = 'timeout' | 'aborted' | undefined;

/** Turns whatever a hop threw into the tool's error. */
function translate(tool: string, error: unknown, url: string, stop: Stop, timeoutMs: number) {
  if (error instanceof SecurityError) return securityDenial(tool, error);
  const own = error instanceof ToolError ? error : undefined;
  if (stop === 'timeout' || own?.code === 'tool_timeout') {
    return toolFailure(
      tool,
      `HTTP request failed: no complete response from ${shorten(url)} within ${timeoutMs} ms (timeout).`,
      { reason: 'timeout', url: shorten(url), timeoutMs },
      error,
    );
  }
  if (stop === 'aborted' || own?.code === 'tool_aborted') {
    return new ToolError('tool_aborted', `The request to ${shorten(url)} was aborted.`, {
      data: { tool, url: shorten(url) },
      cause: error,
    });
  }
  if (own !== undefined && (own.data as { tool?: unknown } | undefined)?.tool === tool) return own;
  if (own !== undefined && own.code === 'tool_failed') {
    // The DNS-pinned fetch's network failures: keep their reason and native code.
    const data = (own.data ?? {}) as { reason?: string; code?: string };
    const reason = data.reason === 'dns' || data.reason === 'protocol' ? data.reason : 'network';
    return toolFailure(
      tool,
      `HTTP request failed: ${own.message}`,
      data.code === undefined
        ? { reason, url: shorten(url) }
        : { reason, url: shorten(url), code: data.code },
      own,
    );
  }
  if (isSkreaverError(error)) return error;
  const code = codeOf(error);
  const reason = code !== undefined && DNS_CODES.has(code) ? 'dns' : 'network';
  return toolFailure(
    tool,
    `HTTP request failed: ${describe(error)}`,
    code === undefined ? { reason, url: shorten(url) } : { reason, url: shorten(url), code },
    error,
  );
}

async function follow(
  plan: HttpRequestPlan,
  signal: AbortSignal,
  at: { url: string },
): Promise<HttpToolOutput> {
  const headers = new Headers(plan.headers);
  let method = plan.method;
  let body = plan.body;
  let next = plan.url;
  let previous: string | undefined;
  // Called detached: the global fetch refuses to run with another object as `this`.
  const send = plan.fetch;
  for (let redirects = 0; ; redirects++) {
    const checked = plan.rules.check(next, { maxUrlLength: plan.maxUrlLength });
    if (!checked.ok) {
      const error = checked.error as SecurityError;
      throw previous === undefined ? error : onRedirect(error, previous);
    }
    const methodChecked = plan.rules.checkMethod(method);
    if (!methodChecked.ok) throw methodChecked.error;
    method = methodChecked.value;
    const target = checked.value.url;
    const url = target.href;
    at.url = url;
    const init: HttpFetchInit =
      body === undefined
        ? { method, headers, signal, redirect: 'manual', credentials: 'omit' }
        : { method, headers, body, signal, redirect: 'manual', credentials: 'omit' };
    const response = await send(url, init);
    if (response.type === 'opaqueredirect') {
      throw toolFailure(
        plan.tool,
        `HTTP request failed: ${shorten(url)} redirected, and this runtime hides redirect targets, so the target cannot be checked.`,
        { reason: 'protocol', url: shorten(url) },
      );
    }
    const status = response.status;
    const location = response.headers.get('location');
    if (REDIRECTS.has(status) && location !== null) {
      await discard(response);
      if (redirects >= plan.maxRedirects) {
        throw urlDenied(
          `More than ${plan.maxRedirects} redirects (http.maxRedirects), last from ${shorten(url)}.`,
          { reason: 'too_many_redirects', url: shorten(url), limit: plan.maxRedirects },
        );
      }
      let following: URL;
      try {
        following = new URL(location, url);
      } catch {
        throw urlDenied(`${shorten(url)} redirected to an invalid location.`, {
          reason: 'invalid_url',
          url: shorten(location),
        });
      }
      if (following.origin !== target.origin) {
        for (const name of CREDENTIAL_HEADERS) headers.delete(name);
      }
      // What fetch does: 303 (and 301/302 after a POST) turn into a GET without body.
      if (
        (status === 303 && method !== 'HEAD') ||
        ((status === 301 || status === 302) && method === 'POST')
      ) {
        method = 'GET';
        body = undefined;
        headers.delete('content-type');
      }
      previous = url;
      next = following.href;
      continue;
    }
    const contentType = response.headers.get('content-type');
    if (plan.typeAllowed !== undefined && !NULL_BODY.has(status) && method !== 'HEAD') {
      const type = mediaType(contentType);
      if (!plan.typeAllowed(type)) {
        await discard(response);
        throw urlDenied(
          `The response type '${shorten(type)}' from ${shorten(url)} is not allowed (http.allowContentTypes).`,
          { reason: 'content_type', url: shorten(url), contentType: shorten(type) },
        );
      }
    }
    const bytes = await readCapped(response, plan.maxResponseBytes, url);
    return {
      status,
      body: decodeBody(bytes, contentType),
      success: status >= 200 && status <= 299,
      url,
    };
  }
}

/**
 * Sends the request, following redirects by hand: every hop's URL goes
 * through the policy's static check and method check, credentials are
 * dropped when a hop changes origin, the final type must be allowed and the
 * body is read up to the cap. One timer bounds the whole call.
 *
 * @throws `ToolError` `tool_denied` (a security refusal, code in
 * `data.detail.code`), `tool_failed` (network, timeout), `tool_aborted`.
 */
export async function sendRequest(plan: HttpRequestPlan): Promise<HttpToolOutput> {
  const at = { url: plan.url };
  const outer = plan.signal;
  let stop: Stop;
  if (outer.aborted) throw translate(plan.tool, outer.reason, at.url, 'aborted', plan.timeoutMs);
  const controller = new AbortController();
  const onAbort = () => {
    stop ??= 'aborted';
    controller.abort(outer.reason);
  };
  outer.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => {
    stop ??= 'timeout';
    controller.abort(new Error('timeout'));
  }, plan.timeoutMs);
  try {
    return await follow(plan, controller.signal, at);
  } catch (error) {
    throw translate(plan.tool, error, at.url, stop, plan.timeoutMs);
  } finally {
    clearTimeout(timer);
    outer.removeEventListener('abort', onAbort);
  }
}
