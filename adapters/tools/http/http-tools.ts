import {
  compileUrlRules,
  policyForTool,
  SecurityError,
  type SecurityPolicy,
  type Tool,
  ValidationError,
} from 'skreaver';
import { defineAsyncStandardTool } from '../_define.js';
import { securityDenial } from '../_errors.js';
import { inputLimit, nonNegativeInteger, positiveInteger, stringList } from '../_option-checks.js';
import { buildHeaders, type HttpToolKind, schemaOf } from './_http-input.js';
import { type HttpRequestPlan, sendRequest } from './_http-request.js';
import { contentTypeMatcher } from './_read-body.js';
import type {
  HttpBodyRequestInput,
  HttpFetch,
  HttpRequestInput,
  HttpToolOptions,
  HttpToolOutput,
} from './options.js';

/** Longest URL the HTTP tools accept by default (the core's `DEFAULT_MAX_URL_LENGTH`). */
const DEFAULT_MAX_URL_LENGTH = 8192;
/** Longest delay `setTimeout` honours; longer ones fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

function lower(option: number | undefined, policy: number): number {
  return option === undefined ? policy : Math.min(option, policy);
}

function bothAllowed(
  first: ((type: string) => boolean) | undefined,
  second: ((type: string) => boolean) | undefined,
): ((type: string) => boolean) | undefined {
  if (first === undefined) return second;
  if (second === undefined) return first;
  return (type) => first(type) && second(type);
}

function makeHttpTool<I extends HttpRequestInput>(
  kind: HttpToolKind,
  factory: string,
  policy: SecurityPolicy,
  options: HttpToolOptions,
): Tool<I | string, HttpToolOutput> {
  const effective = policyForTool(policy, kind.name);
  const rules = compileUrlRules(effective);
  const http = effective.http;
  const timeoutMs = Math.min(
    lower(positiveInteger(factory, 'timeoutMs', options.timeoutMs, http.timeoutMs), http.timeoutMs),
    MAX_TIMER_MS,
  );
  const maxResponseBytes = lower(
    positiveInteger(factory, 'maxResponseBytes', options.maxResponseBytes, http.maxResponseBytes),
    http.maxResponseBytes,
  );
  const maxRedirects = lower(
    nonNegativeInteger(factory, 'maxRedirects', options.maxRedirects, http.maxRedirects),
    http.maxRedirects,
  );
  const maxUrlLength = positiveInteger(
    factory,
    'maxUrlLength',
    options.maxUrlLength,
    DEFAULT_MAX_URL_LENGTH,
  );
  const extraTypes = stringList(factory, 'allowContentTypes', options.allowContentTypes);
  const typeAllowed = bothAllowed(
    contentTypeMatcher(http.allowContentTypes ?? []),
    extraTypes === undefined ? undefined : contentTypeMatcher(extraTypes),
  );
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new ValidationError('invalid_options', `${factory}: option 'fetch' must be a function.`, {
      data: { option: 'fetch' },
    });
  }
  const disabled =
    effective.enabled === false
      ? new SecurityError(
          'permission_denied',
          `Tool '${kind.name}' is disabled by the security policy (tools.${kind.name}.enabled is false).`,
          { data: { reason: 'tool_disabled' } },
        )
      : undefined;
  const encoder = new TextEncoder();

  return defineAsyncStandardTool<I, HttpToolOutput>({
    name: kind.name,
    description: kind.description,
    schema: schemaOf(kind.withBody),
    primary: 'url',
    fallback: !kind.withBody,
    maxInputBytes: inputLimit(factory, options),
    run: async (config, ctx) => {
      if (disabled !== undefined) throw securityDenial(kind.name, disabled);
      const headers = buildHeaders(config.headers, http.userAgent);
      const text = kind.withBody ? (config as HttpBodyRequestInput).body : undefined;
      const fetcher: HttpFetch = options.fetch ?? globalThis.fetch;
      const plan: HttpRequestPlan = {
        tool: kind.name,
        rules,
        fetch: fetcher,
        method: kind.method,
        url: config.url,
        headers,
        body: text === undefined ? undefined : encoder.encode(text),
        timeoutMs:
          config.timeout_secs === undefined
            ? timeoutMs
            : Math.max(1, Math.min(timeoutMs, Math.ceil(config.timeout_secs * 1000))),
        maxResponseBytes,
        maxRedirects,
        maxUrlLength,
        typeAllowed,
        signal: ctx.signal,
      };
      return sendRequest(plan);
    },
  });
}

const GET: HttpToolKind = {
  name: 'http_get',
  method: 'GET',
  withBody: false,
  description:
    'Sends an HTTP GET request to a URL the security policy allows and returns { status, body, success, url }; any HTTP status is a result (success is true for 2xx).',
};
const POST: HttpToolKind = {
  name: 'http_post',
  method: 'POST',
  withBody: true,
  description:
    'Sends an HTTP POST request with an optional text body to a URL the security policy allows and returns { status, body, success, url }.',
};
const PUT: HttpToolKind = {
  name: 'http_put',
  method: 'PUT',
  withBody: true,
  description:
    'Sends an HTTP PUT request with an optional text body to a URL the security policy allows and returns { status, body, success, url }.',
};
const DELETE: HttpToolKind = {
  name: 'http_delete',
  method: 'DELETE',
  withBody: false,
  description:
    'Sends an HTTP DELETE request to a URL the security policy allows and returns { status, body, success, url }.',
};

/**
 * The `http_get` tool over `fetch`: takes `{ url, headers?, timeout_secs? }`
 * or the URL itself, checks the URL (and every redirect target) against the
 * policy's `http` and `network` sections, and returns the status and the
 * body as text. These are the core's static checks only: host names are not
 * resolved, so a name that resolves to a private address is not caught
 * (use `skreaver/tools/node` for DNS pinning).
 *
 * Refusals fail the call with `tool_denied` (`data.detail.code`
 * `url_denied` or `size_limit_exceeded`, the security error as `cause`);
 * network failures and the timeout with `tool_failed`.
 *
 * @param policy - The security policy; its `http` section (with the
 *   override in `policy.tools.http_get` merged in) sets the rules and limits.
 * @throws `SecurityError` `policy_invalid` when the policy's host rules do
 *   not compile; `ValidationError` `invalid_options` for a bad option.
 * @example
 * ```ts
 * const tool = httpGetTool({ ...DEFAULT_POLICY, http: { ...DEFAULT_POLICY.http, enabled: true, allowDomains: ['api.example.com'] } });
 * await tool.call('https://api.example.com/items', ctx);
 * // { status: 200, body: '[...]', success: true, url: 'https://api.example.com/items' }
 * ```
 */
export function httpGetTool(
  policy: SecurityPolicy,
  options: HttpToolOptions = {},
): Tool<HttpRequestInput | string, HttpToolOutput> {
  return makeHttpTool<HttpRequestInput>(GET, 'httpGetTool', policy, options);
}

/**
 * The `http_post` tool over `fetch`: takes `url`, optional `headers`,
 * `timeout_secs` and `body` (a string must be that object's JSON text), sends `body` as UTF-8
 * without adding a `Content-Type`. Checks and errors as for `httpGetTool`.
 *
 * @throws `SecurityError` `policy_invalid`; `ValidationError` `invalid_options`.
 */
export function httpPostTool(
  policy: SecurityPolicy,
  options: HttpToolOptions = {},
): Tool<HttpBodyRequestInput | string, HttpToolOutput> {
  return makeHttpTool<HttpBodyRequestInput>(POST, 'httpPostTool', policy, options);
}

/**
 * The `http_put` tool over `fetch`; input, checks and errors as for
 * `httpPostTool`.
 *
 * @throws `SecurityError` `policy_invalid`; `ValidationError` `invalid_options`.
 */
export function httpPutTool(
  policy: SecurityPolicy,
  options: HttpToolOptions = {},
): Tool<HttpBodyRequestInput | string, HttpToolOutput> {
  return makeHttpTool<HttpBodyRequestInput>(PUT, 'httpPutTool', policy, options);
}

/**
 * The `http_delete` tool over `fetch`; input, checks and errors as for
 * `httpGetTool` (the URL itself is accepted as a string).
 *
 * @throws `SecurityError` `policy_invalid`; `ValidationError` `invalid_options`.
 */
export function httpDeleteTool(
  policy: SecurityPolicy,
  options: HttpToolOptions = {},
): Tool<HttpRequestInput | string, HttpToolOutput> {
  return makeHttpTool<HttpRequestInput>(DELETE, 'httpDeleteTool', policy, options);
}

/**
 * The four HTTP tools over `fetch` (`http_get`, `http_post`, `http_put`,
 * `http_delete`), fresh objects sharing `options`.
 *
 * @throws `SecurityError` `policy_invalid`; `ValidationError` `invalid_options`.
 * @example
 * ```ts
 * for (const tool of httpTools(policy, { timeoutMs: 10_000 })) registry.register(tool);
 * ```
 */
export function httpTools(policy: SecurityPolicy, options: HttpToolOptions = {}): Tool[] {
  return [
    httpGetTool(policy, options),
    httpPostTool(policy, options),
    httpPutTool(policy, options),
    httpDeleteTool(policy, options),
  ] as Tool[];
}
