import { isSkreaverError, SkreaverError, utf8ByteLength } from 'skreaver';
import type { HttpContext } from './_context.js';
import { type HttpErrorBody, type HttpErrorCode, httpStatusOf } from './error-status.js';

/** Options of an {@link HttpProblem}. */
export interface HttpProblemOptions {
  /** Goes to `error.details` in the body. */
  readonly details?: unknown;
  /** Extra response headers (`Retry-After`, `Allow`, `WWW-Authenticate`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The failure behind it, for the log. */
  readonly cause?: unknown;
}

/**
 * A failure the runtime answers with an error body: a {@link SkreaverError}
 * with any code (the `http` family's own, or a core code), extra response
 * headers and `details` for the body. Handlers throw it (or return
 * `problemResponse`); the app's error handler turns anything else into one
 * through `toProblem`.
 *
 * @example
 * ```ts
 * app.get('/quota', (c) => {
 *   throw new HttpProblem('rate_limited', 'Quota used up; retry tomorrow.', {
 *     headers: { 'Retry-After': '86400' },
 *   });
 * });
 * ```
 */
export class HttpProblem extends SkreaverError<HttpErrorCode> {
  /** The `instanceof` brand of HTTP problems. */
  static override readonly brand: string = 'HttpProblem';
  /** What goes to `error.details` (also the error's `data`). */
  readonly details: unknown;
  /** Extra response headers. */
  readonly headers: Readonly<Record<string, string>> | undefined;

  /**
   * @param code - the error code; the status follows from `HTTP_ERROR_STATUS`.
   * @param message - what went wrong and what to do, for the client.
   */
  constructor(code: HttpErrorCode, message: string, options: HttpProblemOptions = {}) {
    super(code, message, { cause: options.cause, data: options.details });
    this.details = options.details;
    this.headers = options.headers;
  }

  /** The status `HTTP_ERROR_STATUS` gives this problem's code. */
  get status(): number {
    return httpStatusOf(this.code);
  }
}

/**
 * Turns any thrown value into a problem: skreaver errors keep their code and
 * message; anything else becomes `internal_error` with a message that gives
 * nothing away (the cause is kept for the log).
 */
export function toProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (isSkreaverError(error)) return new HttpProblem(error.code, error.message, { cause: error });
  return new HttpProblem('internal_error', 'The server failed to handle the request.', {
    cause: error,
  });
}

/** Whether the body of a response the runtime built is under `bytes` long; undefined for other responses. */
export function bodyUnder(c: HttpContext, bytes: number): boolean | undefined {
  const text = c.get('bodyText');
  if (text === undefined) return undefined;
  // UTF-8 takes one to three bytes per UTF-16 unit: most bodies are decided without a pass.
  if (text.length >= bytes) return false;
  return text.length * 3 < bytes || utf8ByteLength(text) < bytes;
}

/**
 * A response carrying the request's standard headers (security headers,
 * CORS, `X-Request-Id`). Built as
 * a plain `Response` with plain-object headers, which @hono/node-server
 * writes without converting them. `headers` win over the standard ones.
 */
export function respond(
  c: HttpContext,
  status: number,
  body: string | null,
  headers?: Readonly<Record<string, string>>,
): Response {
  return build(c, status, body, undefined, headers);
}

/** A JSON response (see {@link respond}). */
export function jsonResponse(
  c: HttpContext,
  status: number,
  value: unknown,
  headers?: Readonly<Record<string, string>>,
): Response {
  return build(c, status, JSON.stringify(value), JSON_TYPE, headers);
}

const JSON_TYPE = 'application/json; charset=utf-8';

function build(
  c: HttpContext,
  status: number,
  body: string | null,
  contentType: string | undefined,
  headers: Readonly<Record<string, string>> | undefined,
): Response {
  // No Content-Length: every server sets it for a text body (natively),
  // and measuring UTF-8 here cost a pass over every body; compression and
  // the size metric measure it only when they need it (responseBytes).
  const all: Record<string, string> = { 'X-Request-Id': c.get('requestId') };
  if (body !== null) c.set('bodyText', body);
  if (contentType !== undefined) all['Content-Type'] = contentType;
  if (headers !== undefined) Object.assign(all, headers);
  const shared = c.get('responseHeaders');
  for (const name in shared) {
    if (all[name] === undefined) all[name] = shared[name] as string;
  }
  c.set('stamped', true);
  return new Response(body, { status, headers: all });
}

/** The error body for `problem` on this request. */
export function errorBody(problem: HttpProblem, requestId: string): HttpErrorBody {
  const error: {
    code: HttpErrorCode;
    message: string;
    requestId: string;
    details?: unknown;
  } = { code: problem.code, message: problem.message, requestId };
  if (problem.details !== undefined) error.details = problem.details;
  return { error };
}

/** Answers `problem` in the error format, with its status and headers. */
export function problemResponse(c: HttpContext, problem: HttpProblem): Response {
  return jsonResponse(c, problem.status, errorBody(problem, c.get('requestId')), problem.headers);
}
