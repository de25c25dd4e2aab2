/** One address a host name resolved to. */
export interface ResolvedAddress {
  /** The IP address, as text. */
  readonly address: string;
  /** 4 or 6. */
  readonly family: 4 | 6;
}

/**
 * Resolves a host name to every address it has. The default calls
 * `dns.promises.lookup(host, { all: true, verbatim: true })`, so
 * `/etc/hosts` and the system resolver apply as for any other program.
 */
export type HostResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** Options of `createSafeFetch`. */
export interface SafeFetchOptions {
  /**
   * The resolver. Tests inject one to simulate DNS answers (rebinding
   * included); production code rarely needs to.
   * @defaultValue `dns.promises.lookup` with `all: true`
   */
  readonly resolver?: HostResolver;
  /**
   * Longest URL accepted, for the first request and every redirect.
   * @defaultValue 8192
   */
  readonly maxUrlLength?: number;
}

/** The request options the safe fetch understands (a subset of `RequestInit`). */
export interface SafeFetchInit {
  /**
   * HTTP method; checked against `http.allowMethods` and sent upper-cased.
   * @defaultValue "GET"
   */
  readonly method?: string;
  /** Request headers. `Host` is ignored (it is always the URL's host). */
  readonly headers?: HeadersInit;
  /** Request body; re-sent on 307/308 redirects, dropped when a redirect turns the request into GET. */
  readonly body?: string | Uint8Array | null;
  /** Aborts the whole request (rejects with `tool_aborted`). */
  readonly signal?: AbortSignal;
  /**
   * `follow` re-validates and follows up to `http.maxRedirects` redirects;
   * `manual` returns the redirect response; `error` rejects with
   * `url_denied` (reason `redirect`).
   * @defaultValue "follow"
   */
  readonly redirect?: 'follow' | 'manual' | 'error';
}

/**
 * A `fetch`-like function bound to a policy. Resolves to a Web `Response`
 * whose body is fully read (and so bounded by `http.maxResponseBytes`),
 * with `url` and `redirected` set as `fetch` would.
 */
export type SafeFetch = (url: string | URL, init?: SafeFetchInit) => Promise<Response>;

/** `data` of the `ToolError`s the safe fetch rejects with for network failures. */
export interface SafeFetchFailureData {
  /**
   * `dns`: the name did not resolve (or resolved to nothing); `network`: the
   * connection failed or broke; `protocol`: the server's answer could not be
   * represented (status outside 200-599, bad headers); `timeout`:
   * `http.timeoutMs` passed (code `tool_timeout`); `aborted`: the caller's
   * signal fired (code `tool_aborted`).
   */
  readonly reason: 'dns' | 'network' | 'protocol' | 'timeout' | 'aborted';
  /** The URL of the hop that failed (cut to 256 characters). */
  readonly url: string;
  /** The native error code (`ECONNREFUSED`, `ENOTFOUND`...), when there is one. */
  readonly code?: string;
  /** The timeout, for `timeout`. */
  readonly timeoutMs?: number;
}
