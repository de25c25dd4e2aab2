import { policyForTool, type SecurityPolicy, type Tool } from 'skreaver';
import { createSafeFetch, type SafeFetch } from 'skreaver/security/node';
import {
  type HttpBodyRequestInput,
  type HttpFetch,
  type HttpRequestInput,
  type HttpToolOptions,
  type HttpToolOutput,
  httpDeleteTool,
  httpGetTool,
  httpPostTool,
  httpPutTool,
} from 'skreaver/tools';
import type { NodeHttpToolOptions } from './options.js';

type HttpFactory<I> = (
  policy: SecurityPolicy,
  options: HttpToolOptions,
) => Tool<I | string, HttpToolOutput>;

/** Longest delay `setTimeout` honours; longer ones fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

function lower(option: number | undefined, policy: number): number {
  return option === undefined ? policy : Math.min(option, policy);
}

/**
 * Builds one of the `fetch` tools with the DNS-pinned fetch as its `fetch`.
 * The tool follows redirects itself (`redirect: 'manual'`) and checks each
 * target statically; the pinned fetch resolves each hop's host, checks every
 * address and connects only to those. The response type check stays with
 * the tool (which applies it to the final response only).
 */
function pinned<I>(
  name: string,
  make: HttpFactory<I>,
  policy: SecurityPolicy,
  options: NodeHttpToolOptions,
): Tool<I | string, HttpToolOutput> {
  const { resolver, ...rest } = options;
  let safeFetch: SafeFetch | undefined;
  const fetch: HttpFetch = (url, init) => (safeFetch as SafeFetch)(url, init);
  // Made first: it checks the options the pinned fetch reads below.
  const tool = make(policy, { ...rest, fetch });
  const effective = policyForTool(policy, name);
  const http = Object.freeze({
    ...effective.http,
    timeoutMs: Math.min(lower(rest.timeoutMs, effective.http.timeoutMs), MAX_TIMER_MS),
    maxResponseBytes: lower(rest.maxResponseBytes, effective.http.maxResponseBytes),
    allowContentTypes: Object.freeze([]),
  });
  safeFetch = createSafeFetch(
    { http, network: effective.network },
    {
      ...(resolver === undefined ? {} : { resolver }),
      ...(rest.maxUrlLength === undefined ? {} : { maxUrlLength: rest.maxUrlLength }),
    },
  );
  return tool;
}

/**
 * The `http_get` tool with DNS pinning: the same input, output and errors as
 * `httpGetTool` of `skreaver/tools`, but every hop (the URL and each
 * redirect target) is resolved once, every address it resolves to must pass
 * the policy (a host that resolves to a private or metadata address is
 * refused: `url_denied` in `data.detail`), and the connection goes only to
 * those addresses, so DNS rebinding gets nowhere.
 *
 * @throws `SecurityError` `policy_invalid` when the policy's host rules do
 *   not compile; `ValidationError` `invalid_options` for a bad option.
 * @example
 * ```ts
 * const tool = nodeHttpGetTool(policy);
 * const registry = createToolRegistry().register(tool);
 * await registry.dispatch({ name: 'http_get', input: 'https://api.example.com/items' });
 * ```
 */
export function nodeHttpGetTool(
  policy: SecurityPolicy,
  options: NodeHttpToolOptions = {},
): Tool<HttpRequestInput | string, HttpToolOutput> {
  return pinned('http_get', httpGetTool, policy, options);
}

/**
 * The `http_post` tool with DNS pinning (see `nodeHttpGetTool`).
 *
 * @throws `SecurityError` `policy_invalid`; `ValidationError` `invalid_options`.
 */
export function nodeHttpPostTool(
  policy: SecurityPolicy,
  options: NodeHttpToolOptions = {},
): Tool<HttpBodyRequestInput | string, HttpToolOutput> {
  return pinned('http_post', httpPostTool, policy, options);
}

/**
 * The `http_put` tool with DNS pinning (see `nodeHttpGetTool`).
 *
 * @throws `SecurityError` `policy_invalid`; `ValidationError` `invalid_options`.
 */
export function nodeHttpPutTool(
  policy: SecurityPolicy,
  options: NodeHttpToolOptions = {},
): Tool<HttpBodyRequestInput | string, HttpToolOutput> {
  return pinned('http_put', httpPutTool, policy, options);
}

/**
 * The `http_delete` tool with DNS pinning (see `nodeHttpGetTool`).
 *
 * @throws `SecurityError` `policy_invalid`; `ValidationError` `invalid_options`.
 */
export function nodeHttpDeleteTool(
  policy: SecurityPolicy,
  options: NodeHttpToolOptions = {},
): Tool<HttpRequestInput | string, HttpToolOutput> {
  return pinned('http_delete', httpDeleteTool, policy, options);
}

/**
 * The four DNS-pinned HTTP tools (`http_get`, `http_post`, `http_put`,
 * `http_delete`), fresh objects sharing `options`.
 *
 * @throws `SecurityError` `policy_invalid`; `ValidationError` `invalid_options`.
 */
export function nodeHttpTools(policy: SecurityPolicy, options: NodeHttpToolOptions = {}): Tool[] {
  return [
    nodeHttpGetTool(policy, options),
    nodeHttpPostTool(policy, options),
    nodeHttpPutTool(policy, options),
    nodeHttpDeleteTool(policy, options),
  ] as Tool[];
}
