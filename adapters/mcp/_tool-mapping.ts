import {
  isJsonSerialisable,
  isSkreaverError,
  type JsonSchema,
  type SkreaverError,
  type Tool,
} from 'skreaver';

/** A tool as `tools/list` publishes it. */
export interface McpToolDefinition {
  /** The registered name. */
  readonly name: string;
  /** The tool's description. */
  readonly description: string;
  /** An object schema (MCP arguments are always an object); see `createMcpServer` for wrapping. */
  readonly inputSchema: { readonly type: 'object' } & Readonly<Record<string, unknown>>;
}

/** The `_meta` key under which a failed call's skreaver error travels. */
export const ERROR_META_KEY = 'skreaver/error';

/** The `_meta[ERROR_META_KEY]` of a failed call: the error, and its skreaver cause when it has one. */
export interface McpErrorPayload {
  /** The stable skreaver code (`tool_denied`, `tool_timeout`, ...). */
  readonly code: string;
  /** What went wrong. */
  readonly message: string;
  /** The error's `data`, when it is JSON. */
  readonly data?: unknown;
  /** The underlying skreaver error (say `mcp_unavailable` behind a bridged tool's `tool_failed`). */
  readonly cause?: { readonly code: string; readonly message: string; readonly data?: unknown };
}

/** What a `tools/call` handler returns. */
export interface McpCallResult {
  /** Other result fields the protocol allows. */
  [key: string]: unknown;
  /** The tool's output (or error) as text. */
  content: { type: 'text'; text: string }[];
  /** The output as JSON, for object outputs. */
  structuredContent?: Record<string, unknown>;
  /** True when the call failed. */
  isError?: boolean;
  /** Metadata; `skreaver/error` holds the error's code, message and data. */
  _meta?: Record<string, unknown>;
}

/** The property a non-object input travels under. */
export const WRAPPED_INPUT = 'input';

/**
 * Whether the tool's input is published wrapped as `{ input: <schema> }`:
 * MCP arguments are always an object, so any schema other than one with
 * `type: 'object'` (a string, an `anyOf`, a schema with no type) is wrapped.
 */
export function wrapsInput(tool: Tool): boolean {
  const schema = tool.inputSchema as JsonSchema | null | undefined;
  return schema?.type !== 'object';
}

/**
 * The MCP definition of a tool, cached per tool object in `cache` (a tool's
 * schema is not expected to change in place).
 */
export function definitionOf(
  tool: Tool,
  cache: WeakMap<Tool, McpToolDefinition>,
): McpToolDefinition {
  const cached = cache.get(tool);
  if (cached !== undefined) return cached;
  const schema = tool.inputSchema as Record<string, unknown>;
  const inputSchema = wrapsInput(tool)
    ? {
        type: 'object' as const,
        properties: { [WRAPPED_INPUT]: schema },
        required: [WRAPPED_INPUT],
        additionalProperties: false,
      }
    : (schema as McpToolDefinition['inputSchema']);
  const definition: McpToolDefinition = {
    name: tool.name,
    description: tool.description,
    inputSchema,
  };
  cache.set(tool, definition);
  return definition;
}

/** The tool input for MCP `arguments`: the object itself, or its `input` for a wrapped tool. */
export function inputOf(
  tool: Tool | undefined,
  args: Record<string, unknown> | undefined,
): unknown {
  if (tool !== undefined && wrapsInput(tool)) return args?.[WRAPPED_INPUT];
  return args ?? {};
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A successful call as MCP content: a string as is, anything else as JSON
 * text, and a plain object also as `structuredContent` (clients that read
 * structured results get it without parsing).
 */
export function successResult(output: unknown): McpCallResult {
  if (typeof output === 'string') return { content: [{ type: 'text', text: output }] };
  if (output === undefined) return { content: [] };
  const text = JSON.stringify(output);
  const result: McpCallResult = { content: [{ type: 'text', text }] };
  if (isPlainObject(output)) result.structuredContent = output;
  return result;
}

function jsonData(data: unknown): unknown {
  if (data === undefined) return undefined;
  try {
    return isJsonSerialisable(data) ? data : undefined;
  } catch {
    return undefined;
  }
}

/** The payload of `_meta[ERROR_META_KEY]` for an error. */
export function errorPayload(error: SkreaverError): McpErrorPayload {
  const payload: { -readonly [K in keyof McpErrorPayload]: McpErrorPayload[K] } = {
    code: error.code,
    message: error.message,
  };
  const data = jsonData(error.data);
  if (data !== undefined) payload.data = data;
  const cause: unknown = error.cause;
  if (isSkreaverError(cause)) {
    const causeData = jsonData(cause.data);
    payload.cause =
      causeData === undefined
        ? { code: cause.code, message: cause.message }
        : { code: cause.code, message: cause.message, data: causeData };
  }
  return payload;
}

/**
 * A failed call as an MCP tool error (`isError: true`): the text says
 * `[code] message` so a model reads why, and `_meta['skreaver/error']`
 * holds the code, message and data for programs.
 */
export function errorResult(error: SkreaverError): McpCallResult {
  const payload = errorPayload(error);
  const why = payload.cause === undefined ? '' : ` (${payload.cause.code})`;
  return {
    content: [{ type: 'text', text: `[${payload.code}]${why} ${payload.message}` }],
    isError: true,
    _meta: { [ERROR_META_KEY]: payload },
  };
}
