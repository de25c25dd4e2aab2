/**
 * `skreaver/tools`: the standard tools that run anywhere: text, JSON and
 * XML, and the HTTP tools over `fetch` with the security policy's static URL
 * checks. Each takes an object input (its JSON Schema is the tool's
 * `inputSchema`) or the Rust original's string forms. `fast-xml-parser` (an
 * optional peer dependency) is loaded by `xml_parse` on its first call. The
 * file tools and the DNS-pinned HTTP tools are in `skreaver/tools/node`.
 *
 * @packageDocumentation
 */
export {
  defineAsyncStandardTool,
  defineStandardTool,
  type ObjectSchema,
  type StandardToolSpec,
} from './_define.js';
export {
  refuseInput,
  type SecurityDenialDetail,
  type SizeLimitData,
  type StandardToolDenialData,
  type StandardToolErrorData,
  type StandardToolFailedData,
  type StandardToolFailedReason,
  type StandardToolFailure,
  securityDenial,
  toolFailure,
} from './_errors.js';
export {
  httpDeleteTool,
  httpGetTool,
  httpPostTool,
  httpPutTool,
  httpTools,
} from './http/http-tools.js';
export type {
  HttpBodyRequestInput,
  HttpFetch,
  HttpFetchInit,
  HttpRequestInput,
  HttpToolOptions,
  HttpToolOutput,
} from './http/options.js';
export {
  type JsonParseInput,
  type JsonParseOutput,
  jsonParseTool,
} from './json/json-parse.js';
export {
  type JsonTransformInput,
  type JsonTransformOutput,
  jsonTransformTool,
} from './json/json-transform.js';
export type { JsonToolOptions } from './json/options.js';
export { STANDARD_TOOL_LIMITS, type StandardToolOptions } from './options.js';
export {
  type RegisterStandardToolsOptions,
  registerStandardTools,
  type StandardToolsOptions,
  standardTools,
} from './standard-tools.js';
export {
  type TextAnalysis,
  type TextAnalyzeOutput,
  textAnalyzeTool,
} from './text/text-analyze.js';
export { textReverseTool } from './text/text-reverse.js';
export {
  type TextSearchInput,
  type TextSearchOptions,
  type TextSearchOutput,
  textSearchTool,
} from './text/text-search.js';
export {
  type TextSplitInput,
  type TextSplitOptions,
  type TextSplitOutput,
  textSplitTool,
} from './text/text-split.js';
export {
  type TextInput,
  type TextTransformOutput,
  textUppercaseTool,
} from './text/text-uppercase.js';
export type { XmlParseOptions } from './xml/options.js';
export {
  type XmlParseInput,
  type XmlParseOutput,
  xmlParseTool,
} from './xml/xml-parse.js';
