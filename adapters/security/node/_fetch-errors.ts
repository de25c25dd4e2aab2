import { SecurityError, ToolError, type UrlDeniedData } from 'skreaver';
import type { SafeFetchFailureData } from './safe-fetch-options.js';

export function cut(text: string): string {
  return text.length > 256 ? `${text.slice(0, 253)}...` : text;
}

function codeOf(error: unknown): string | undefined {
  const code =
    typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ENODATA']);

/** The error for a failed hop, given why the request's signal fired (if it did). */
export function networkFailure(
  error: unknown,
  url: string,
  aborted: 'timeout' | 'aborted' | undefined,
  timeoutMs: number,
): ToolError<SafeFetchFailureData> {
  if (aborted === 'timeout') {
    return new ToolError<SafeFetchFailureData>(
      'tool_timeout',
      `The request to ${cut(url)} did not finish within ${timeoutMs} ms (http.timeoutMs).`,
      { data: { reason: 'timeout', url: cut(url), timeoutMs }, cause: error },
    );
  }
  if (aborted === 'aborted') {
    return new ToolError<SafeFetchFailureData>(
      'tool_aborted',
      `The request to ${cut(url)} was aborted.`,
      {
        data: { reason: 'aborted', url: cut(url) },
        cause: error,
      },
    );
  }
  const code = codeOf(error);
  const reason = code !== undefined && DNS_CODES.has(code) ? 'dns' : 'network';
  const data: SafeFetchFailureData =
    code === undefined ? { reason, url: cut(url) } : { reason, url: cut(url), code };
  const detail = error instanceof Error ? error.message : String(error);
  return new ToolError<SafeFetchFailureData>(
    'tool_failed',
    `The request to ${cut(url)} failed: ${detail}`,
    {
      data,
      cause: error,
    },
  );
}

/** A `tool_failed` error with a fixed reason. */
export function failure(
  reason: SafeFetchFailureData['reason'],
  message: string,
  url: string,
  cause?: unknown,
): ToolError<SafeFetchFailureData> {
  const data = { reason, url: cut(url) };
  return new ToolError<SafeFetchFailureData>(
    'tool_failed',
    message,
    cause === undefined ? { data } : { data, cause },
  );
}

/** A `url_denied` error raised by the fetch itself (redirects, content types). */
export function fetchDenied(message: string, data: UrlDeniedData): SecurityError<UrlDeniedData> {
  return new SecurityError<UrlDeniedData>('url_denied', message, { data });
}

/** `size_limit_exceeded` for a response body. */
export function tooLarge(url: string, limit: number, received: number): SecurityError {
  return new SecurityError(
    'size_limit_exceeded',
    `The response from ${cut(url)} is larger than ${limit} bytes (http.maxResponseBytes).`,
    {
      data: { what: 'response', limit, received, url: cut(url) },
    },
  );
}
