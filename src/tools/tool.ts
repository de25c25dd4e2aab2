import type { ToolError } from '../errors/families.js';
import type { Logger } from '../observability/logger.js';
import type { Span, Tracer } from '../observability/tracing.js';
import type { Principal } from '../principal.js';
import type { JsonSchema } from './json.js';
import type { StandardSchemaV1 } from './standard-schema.js';

/** What a tool receives besides its input. */
export interface ToolContext {
  /**
   * Aborted when the call times out, the caller gives up or the registry
   * closes; long work should stop. The registry creates it on first read
   * (an accessor), so when deriving a context copy it explicitly:
   * `{ ...ctx, signal: ctx.signal }`.
   */
  readonly signal: AbortSignal;
  /** The caller on whose behalf the tool runs, when known. */
  readonly principal?: Principal;
  /** Where the tool may log. */
  readonly logger: Logger;
  /** Where the tool may open child spans. */
  readonly tracer: Tracer;
  /** The span of this call, as parent for child spans. */
  readonly span?: Span;
}

/**
 * A capability an agent can call. `call` returns the output (or a promise of
 * it) and throws on failure; the registry turns both into a {@link ToolResult}.
 *
 * @example
 * ```ts
 * const upper = defineTool({
 *   name: 'text_uppercase',
 *   description: 'Upper-cases text',
 *   inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
 *   call: ({ text }: { text: string }) => text.toUpperCase(),
 * });
 * ```
 */
export interface Tool<I = unknown, O = unknown> {
  /** The name the tool is registered and called under. */
  readonly name: string;
  /** What the tool does, for humans and models. */
  readonly description: string;
  /** JSON Schema of the input, as published to MCP clients and OpenAPI. */
  readonly inputSchema: JsonSchema;
  /**
   * A Standard Schema validator (Zod, Valibot, ...). When present it replaces
   * the JSON Schema check and its output (coerced, defaulted) becomes the input.
   */
  readonly validator?: StandardSchemaV1<unknown, I>;
  /** Runs the tool. Must be safe to call concurrently. */
  call(input: I, ctx: ToolContext): O | Promise<O>;
}

/** A request to call a tool. */
export interface ToolCall {
  /** The tool to call. */
  readonly name: string;
  /** The input, usually parsed JSON from a model or a client. */
  readonly input: unknown;
  /** Correlation id chosen by the caller (a model's tool-call id), echoed in results and events. */
  readonly id?: string;
}

/** The outcome of a dispatched call: an output, or a typed error. Never a thrown string. */
export type ToolResult<O = unknown> =
  | { readonly ok: true; readonly output: O }
  | { readonly ok: false; readonly error: ToolError };

/**
 * Identity function that fixes a tool's types.
 *
 * @example
 * ```ts
 * const echo = defineTool({
 *   name: 'echo', description: 'Echoes its input',
 *   inputSchema: { type: 'string' },
 *   call: (text: string) => `Echo: ${text}`,
 * });
 * ```
 */
export function defineTool<I, O>(tool: Tool<I, O>): Tool<I, O> {
  return tool;
}
