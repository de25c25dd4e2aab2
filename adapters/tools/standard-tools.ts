import type { SecurityPolicy, Tool, ToolRegistry } from 'skreaver';
import { httpTools } from './http/http-tools.js';
import type { HttpToolOptions } from './http/options.js';
import { jsonParseTool } from './json/json-parse.js';
import { jsonTransformTool } from './json/json-transform.js';
import type { JsonToolOptions } from './json/options.js';
import type { StandardToolOptions } from './options.js';
import { textAnalyzeTool } from './text/text-analyze.js';
import { textReverseTool } from './text/text-reverse.js';
import { type TextSearchOptions, textSearchTool } from './text/text-search.js';
import { type TextSplitOptions, textSplitTool } from './text/text-split.js';
import { textUppercaseTool } from './text/text-uppercase.js';
import type { XmlParseOptions } from './xml/options.js';
import { xmlParseTool } from './xml/xml-parse.js';

/**
 * Options of {@link standardTools}. `maxInputBytes` applies to every tool;
 * a tool's own options (which may set `maxInputBytes` too) win over it.
 */
export interface StandardToolsOptions extends StandardToolOptions {
  /** Options of `text_search`. @defaultValue `{}` */
  readonly textSearch?: TextSearchOptions;
  /** Options of `text_split`. @defaultValue `{}` */
  readonly textSplit?: TextSplitOptions;
  /** Options of `json_parse` and `json_transform`. @defaultValue `{}` */
  readonly json?: JsonToolOptions;
  /** Options of `xml_parse`. @defaultValue `{}` */
  readonly xml?: XmlParseOptions;
  /** Options of the HTTP tools (made only when a policy is given). @defaultValue `{}` */
  readonly http?: HttpToolOptions;
}

/** Options of {@link registerStandardTools}. */
export interface RegisterStandardToolsOptions extends StandardToolsOptions {
  /**
   * The security policy the HTTP tools follow; without one they are not
   * registered. The text, JSON and XML tools need none.
   * @defaultValue none: only the local tools
   */
  readonly policy?: SecurityPolicy;
}

/**
 * Makes the standard tools that run anywhere, each a fresh object:
 * `text_uppercase`, `text_reverse`, `text_analyze`, `text_search`,
 * `text_split`, `json_parse`, `json_transform` and `xml_parse`, then, when
 * a policy is given, the HTTP tools over `fetch`: `http_get`, `http_post`,
 * `http_put` and `http_delete` (static URL checks only; see `httpGetTool`).
 *
 * @param policy - The security policy of the HTTP tools; without one they
 *   are left out. With `DEFAULT_POLICY` they are made but refuse every call
 *   (`http.enabled` is false). The text, JSON and XML tools ignore it.
 * @throws `ValidationError` `invalid_options` for a bad option;
 *   `SecurityError` `policy_invalid` when the policy's host rules do not compile.
 * @example
 * ```ts
 * const registry = createToolRegistry();
 * for (const tool of standardTools()) registry.register(tool);
 * const result = await registry.dispatch({ name: 'text_reverse', input: { text: 'abc' } });
 * // { ok: true, output: { original: 'abc', result: 'cba', operation: 'reverse', success: true } }
 * ```
 */
export function standardTools(policy?: SecurityPolicy, options: StandardToolsOptions = {}): Tool[] {
  const shared: StandardToolOptions =
    options.maxInputBytes === undefined ? {} : { maxInputBytes: options.maxInputBytes };
  const local = [
    textUppercaseTool(shared),
    textReverseTool(shared),
    textAnalyzeTool(shared),
    textSearchTool({ ...shared, ...options.textSearch }),
    textSplitTool({ ...shared, ...options.textSplit }),
    jsonParseTool({ ...shared, ...options.json }),
    jsonTransformTool({ ...shared, ...options.json }),
    xmlParseTool({ ...shared, ...options.xml }),
  ] as Tool[];
  if (policy === undefined) return local;
  return [...local, ...httpTools(policy, { ...shared, ...options.http })];
}

/**
 * Registers every tool {@link standardTools} makes in `registry` (the HTTP
 * tools only with `options.policy`) and returns the registry.
 *
 * @throws `ToolError` `tool_duplicate` when one of the names is already
 *   registered (the tools before it stay registered), and `ValidationError`
 *   `invalid_options` for a bad option or `SecurityError` `policy_invalid`
 *   for a policy whose host rules do not compile (then nothing is registered).
 * @example
 * ```ts
 * const registry = registerStandardTools(createToolRegistry(), { maxInputBytes: 65_536 });
 * await registry.dispatch({ name: 'json_transform', input: { input: '{"a":[1,2]}', path: '/a/1' } });
 * ```
 */
export function registerStandardTools(
  registry: ToolRegistry,
  options: RegisterStandardToolsOptions = {},
): ToolRegistry {
  const { policy, ...rest } = options;
  for (const tool of standardTools(policy, rest)) registry.register(tool);
  return registry;
}
