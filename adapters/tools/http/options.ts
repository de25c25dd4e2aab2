import type { StandardToolOptions } from '../options.js';

/** What the HTTP tools pass to their `fetch` for one hop. */
export interface HttpFetchInit {
  /** The method, upper-case, already checked against `http.allowMethods`. */
  readonly method: string;
  /** The request headers, `User-Agent` included. */
  readonly headers: Headers;
  /** The request body (UTF-8), for `http_post` and `http_put` when one was given. */
  readonly body?: Uint8Array<ArrayBuffer>;
  /** Fires on the tool's timeout and when the call is aborted. */
  readonly signal: AbortSignal;
  /** Always `'manual'`: the tool follows redirects itself, checking each target. */
  readonly redirect: 'manual';
  /** Always `'omit'`: no ambient cookies or credentials (in browsers). */
  readonly credentials: 'omit';
}

/**
 * The `fetch` the HTTP tools call for each hop: the global `fetch`, or any
 * function with its shape that returns redirect responses as they are
 * (status 3xx with a readable `Location`) when asked for `redirect: 'manual'`.
 * The DNS-pinned fetch of `skreaver/security/node` is one.
 */
export type HttpFetch = (url: string, init: HttpFetchInit) => Promise<Response>;

/**
 * Options of the HTTP tools. The limits come from the policy's `http`
 * section (with the tool's override in `policy.tools` merged in); the
 * options here can only lower them.
 */
export interface HttpToolOptions extends StandardToolOptions {
  /**
   * The fetch to use for every hop.
   * @defaultValue the global `fetch`, looked up at each call
   */
  readonly fetch?: HttpFetch;
  /**
   * Most milliseconds a call may take, redirects and body included. The
   * input's `timeout_secs` can lower it further, never raise it.
   * @defaultValue the policy's `http.timeoutMs` (30000)
   */
  readonly timeoutMs?: number;
  /**
   * Largest response body read, in bytes (after decompression); a larger
   * one fails the call with `size_limit_exceeded`.
   * @defaultValue the policy's `http.maxResponseBytes` (32 MiB)
   */
  readonly maxResponseBytes?: number;
  /**
   * Most redirects followed, each target checked like the first URL; 0
   * follows none.
   * @defaultValue the policy's `http.maxRedirects` (3)
   */
  readonly maxRedirects?: number;
  /**
   * Response content types accepted (`type/subtype` or `type/*`), on top of
   * the policy's `http.allowContentTypes`: a response must pass both.
   * @defaultValue no further restriction
   */
  readonly allowContentTypes?: readonly string[];
  /**
   * Longest URL accepted, for the request and every redirect.
   * @defaultValue 8192
   */
  readonly maxUrlLength?: number;
}

/** Input of `http_get` and `http_delete`: `{ url, headers?, timeout_secs? }`, or the URL itself. */
export interface HttpRequestInput {
  /** The absolute `http:` or `https:` URL. */
  readonly url: string;
  /** Request headers, by name. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Seconds the call may take; lowers the tool's timeout, never raises it. */
  readonly timeout_secs?: number;
}

/** Input of `http_post` and `http_put` (the string form must be this object as JSON text). */
export interface HttpBodyRequestInput extends HttpRequestInput {
  /** The request body, sent as UTF-8 without an added `Content-Type`. */
  readonly body?: string;
}

/**
 * Output of the HTTP tools. Any HTTP status is an output, not a tool
 * failure (as in the original): a 404 is `{ status: 404, success: false, ... }`.
 */
export interface HttpToolOutput {
  /** The final response's status (after redirects). */
  readonly status: number;
  /** The body as text, decoded by the `charset` of its type (UTF-8 by default). */
  readonly body: string;
  /** Whether the status is 200-299. */
  readonly success: boolean;
  /** The URL that answered (the last redirect target, if any). */
  readonly url: string;
}
