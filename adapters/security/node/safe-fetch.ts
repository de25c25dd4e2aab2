import { promises as dns } from 'node:dns';
import type { IncomingMessage } from 'node:http';
import {
  type CheckedUrl,
  compileUrlRules,
  isSkreaverError,
  type UrlDeniedData,
  type UrlPolicy,
  type UrlRules,
  ValidationError,
} from 'skreaver';
import { cut, failure, fetchDenied, networkFailure } from './_fetch-errors.js';
import { readBody, sendHop } from './_hop.js';
import type {
  HostResolver,
  ResolvedAddress,
  SafeFetch,
  SafeFetchInit,
  SafeFetchOptions,
} from './safe-fetch-options.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'] as const;

const systemResolver: HostResolver = async (hostname) => {
  const answers = await dns.lookup(hostname, { all: true, verbatim: true });
  return answers.map((answer) => ({
    address: answer.address,
    family: answer.family === 6 ? 6 : 4,
  }));
};

type AbortKind = 'timeout' | 'aborted';

/** Rejects when `signal` fires, so a resolver that hangs cannot outlive the timeout. */
function untilAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function contentTypeMatcher(allowed: readonly string[]): ((type: string) => boolean) | undefined {
  if (allowed.length === 0) return undefined;
  const exact = new Set<string>();
  const families = new Set<string>();
  for (const entry of allowed) {
    const type = entry.trim().toLowerCase();
    if (type === '*/*') return undefined;
    if (type.endsWith('/*')) families.add(type.slice(0, -2));
    else exact.add(type);
  }
  return (type) => exact.has(type) || families.has(type.slice(0, type.indexOf('/')));
}

function headerRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => {
    record[name] = value;
  });
  return record;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new ValidationError(
      'invalid_options',
      `${name} must be a positive integer, got ${String(value)}.`,
      {
        data: { option: name, value },
      },
    );
  }
  return value;
}

function toResponse(
  response: IncomingMessage,
  body: Buffer,
  method: string,
  url: string,
  redirected: boolean,
): Response {
  const status = response.statusCode ?? 0;
  if (status < 200 || status > 599)
    throw failure('protocol', `The server at ${cut(url)} answered with status ${status}.`, url);
  const nullBody = method === 'HEAD' || status === 204 || status === 205 || status === 304;
  let result: Response;
  try {
    const headers = new Headers();
    const raw = response.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2)
      headers.append(raw[i] as string, raw[i + 1] as string);
    // Buffer.concat allocates a plain (not shared) ArrayBuffer.
    const bytes = new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength);
    result = new Response(nullBody ? null : bytes, {
      status,
      statusText: response.statusMessage ?? '',
      headers,
    });
  } catch (error) {
    throw failure(
      'protocol',
      `The response from ${cut(url)} cannot be represented: ${String(error)}`,
      url,
      error,
    );
  }
  Object.defineProperty(result, 'url', { value: url });
  Object.defineProperty(result, 'redirected', { value: redirected });
  return result;
}

/**
 * Creates a `fetch`-like function that enforces the policy's HTTP rules on
 * every hop and defeats DNS rebinding. For each request and each redirect:
 * the static `checkUrl` (scheme, userinfo, port, host lists, IP literals),
 * the method, then one DNS resolution whose every address must pass
 * `checkAddress`, then a connection pinned to those checked addresses (a
 * custom `lookup`, so no second resolution; TLS SNI and `Host` stay the host
 * name). Redirects are followed by hand up to `http.maxRedirects`;
 * `Authorization`, `Cookie` and `Proxy-Authorization` are dropped when a hop
 * changes origin. `http.timeoutMs` bounds the whole call, redirects and body
 * included; the body is read up to `http.maxResponseBytes`; the final
 * response's type must be in `http.allowContentTypes` when that is set.
 *
 * Rejections: `SecurityError` `url_denied` (with `data.reason`, including
 * `too_many_redirects`, `redirect`, `content_type`), `size_limit_exceeded`;
 * `ToolError` `tool_failed` (`data.reason` `dns`, `network`, `protocol`),
 * `tool_timeout`, `tool_aborted`; `ValidationError` `invalid_input` for bad
 * headers.
 *
 * @throws `SecurityError` `policy_invalid` when the policy's host rules do
 * not compile; `ValidationError` `invalid_options` for bad options.
 *
 * @example
 * ```ts
 * const safeFetch = createSafeFetch(policy);
 * const response = await safeFetch('https://api.example.com/v1/items');
 * console.log(response.status, await response.json());
 * ```
 */
export function createSafeFetch(policy: UrlPolicy, options: SafeFetchOptions = {}): SafeFetch {
  const rules: UrlRules = compileUrlRules(policy);
  const httpPolicy = policy.http;
  const resolver = options.resolver ?? systemResolver;
  const maxUrlLength = positiveInteger('maxUrlLength', options.maxUrlLength, 8192);
  const typeAllowed = contentTypeMatcher(httpPolicy.allowContentTypes ?? []);

  async function addressesOf(
    target: CheckedUrl,
    signal: AbortSignal,
  ): Promise<readonly ResolvedAddress[]> {
    if (target.address !== undefined)
      return [{ address: target.hostname, family: target.address.version }];
    const answers = await untilAbort(resolver(target.hostname), signal);
    const url = target.url.href;
    if (!Array.isArray(answers) || answers.length === 0) {
      throw failure('dns', `Host '${target.hostname}' resolved to no address.`, url);
    }
    const checked: ResolvedAddress[] = [];
    for (const answer of answers) {
      const verdict = rules.checkAddress(String(answer?.address));
      if (!verdict.ok) {
        const data = verdict.error.data as UrlDeniedData;
        throw fetchDenied(
          `Host '${target.hostname}' resolves to a refused address: ${verdict.error.message}`,
          {
            ...data,
            url: cut(url),
            host: target.hostname,
            port: target.port,
          },
        );
      }
      checked.push({
        address: String(answer.address),
        family: String(answer.address).includes(':') ? 6 : 4,
      });
    }
    return checked;
  }

  async function run(
    input: string | URL,
    init: SafeFetchInit,
    signal: AbortSignal,
  ): Promise<Response> {
    const mode = init.redirect ?? 'follow';
    let headers: Headers;
    try {
      headers = new Headers(init.headers);
    } catch (error) {
      throw new ValidationError('invalid_input', `Invalid request headers: ${String(error)}`, {
        cause: error,
      });
    }
    headers.delete('host');
    if (!headers.has('user-agent')) headers.set('user-agent', httpPolicy.userAgent);
    let method = init.method ?? 'GET';
    let body = init.body ?? null;
    let next: string | URL = input;
    for (let redirects = 0; ; redirects++) {
      const methodCheck = rules.checkMethod(method);
      if (!methodCheck.ok) throw methodCheck.error;
      method = methodCheck.value;
      const checked = rules.check(next, { maxUrlLength });
      if (!checked.ok) throw checked.error;
      const target = checked.value;
      const url = target.url.href;
      const addresses = await addressesOf(target, signal);
      const response = await sendHop({
        target,
        addresses,
        method,
        headers: headerRecord(headers),
        body,
        signal,
      });
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (REDIRECTS.has(status) && location !== undefined && mode !== 'manual') {
        response.destroy();
        if (mode === 'error') {
          throw fetchDenied(
            `${cut(url)} redirected, and the request asked for redirect: 'error'.`,
            { reason: 'redirect', url: cut(url) },
          );
        }
        if (redirects >= httpPolicy.maxRedirects) {
          throw fetchDenied(
            `More than ${httpPolicy.maxRedirects} redirects (http.maxRedirects), last from ${cut(url)}.`,
            {
              reason: 'too_many_redirects',
              url: cut(url),
              limit: httpPolicy.maxRedirects,
            },
          );
        }
        let following: URL;
        try {
          following = new URL(location, url);
        } catch {
          throw fetchDenied(`${cut(url)} redirected to an invalid location.`, {
            reason: 'invalid_url',
            url: cut(location),
          });
        }
        if (following.origin !== target.url.origin)
          for (const name of CREDENTIAL_HEADERS) headers.delete(name);
        if (
          (status === 303 && method !== 'HEAD') ||
          ((status === 301 || status === 302) && method === 'POST')
        ) {
          method = 'GET';
          body = null;
          headers.delete('content-type');
        }
        next = following;
        continue;
      }
      const nullBody = method === 'HEAD' || status === 204 || status === 205 || status === 304;
      if (typeAllowed !== undefined && !nullBody) {
        const type =
          String(response.headers['content-type'] ?? '')
            .split(';')[0]
            ?.trim()
            .toLowerCase() ?? '';
        if (!typeAllowed(type)) {
          response.destroy();
          throw fetchDenied(
            `The response type '${cut(type)}' from ${cut(url)} is not in http.allowContentTypes.`,
            {
              reason: 'content_type',
              url: cut(url),
              contentType: cut(type),
            },
          );
        }
      }
      const bytes = await readBody(response, httpPolicy.maxResponseBytes, url);
      return toResponse(response, bytes, method, url, redirects > 0);
    }
  }

  return async function safeFetch(
    input: string | URL,
    init: SafeFetchInit = {},
  ): Promise<Response> {
    const controller = new AbortController();
    let aborted: AbortKind | undefined;
    const outer = init.signal;
    const onAbort = () => {
      aborted ??= 'aborted';
      controller.abort(outer?.reason);
    };
    const where = typeof input === 'string' ? input : String(input);
    if (outer?.aborted) throw networkFailure(outer.reason, where, 'aborted', httpPolicy.timeoutMs);
    outer?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      aborted ??= 'timeout';
      controller.abort(new Error('timeout'));
    }, httpPolicy.timeoutMs);
    try {
      return await run(input, init, controller.signal);
    } catch (error) {
      if (isSkreaverError(error)) throw error;
      throw networkFailure(error, where, aborted, httpPolicy.timeoutMs);
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    }
  };
}
