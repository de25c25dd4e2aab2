import type { CallToolResult, Tool as SdkTool } from '@modelcontextprotocol/sdk/types.js';
import {
  compileJsonSchema,
  type JsonSchema,
  type StandardSchemaV1,
  type Tool,
  ToolError,
} from 'skreaver';
import type { McpCallOptions } from './bridge-options.js';
import { reportProgress } from './progress.js';

/** What a bridged tool needs from its bridge. */
export interface BridgeCaller {
  readonly server: string;
  call(
    upstream: string,
    args: Record<string, unknown>,
    options: McpCallOptions,
  ): Promise<CallToolResult>;
  readonly mapResult: (result: CallToolResult) => unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Accepts any object: for a schema the core's checker cannot compile
 * (`$ref`, `allOf`, ...), the server validates instead. With a validator
 * the registry publishes the JSON Schema without compiling it.
 */
const objectsOnly: StandardSchemaV1<unknown, Record<string, unknown>> = {
  '~standard': {
    version: 1,
    vendor: 'skreaver-mcp',
    validate: (value: unknown) =>
      isRecord(value)
        ? { value }
        : { issues: [{ message: 'MCP tool arguments must be an object' }] },
  },
};

/** The default `mapResult`. */
export function defaultMapResult(result: CallToolResult): unknown {
  if (result.structuredContent !== undefined) return result.structuredContent;
  const content = result.content ?? [];
  const [first] = content;
  if (content.length === 1 && first?.type === 'text') return first.text;
  return { content };
}

/** The text of an error result, for the error message. */
function errorText(result: CallToolResult): string {
  const texts = (result.content ?? [])
    .filter((item): item is { type: 'text'; text: string } => item.type === 'text')
    .map((item) => item.text);
  const text = texts.join('\n').trim();
  return text === ''
    ? 'the tool reported an error'
    : text.length > 2000
      ? `${text.slice(0, 1997)}...`
      : text;
}

/** Whether the core's checker can enforce this schema itself. */
function compiles(schema: unknown): boolean {
  try {
    return compileJsonSchema(schema as JsonSchema).problems.length === 0;
  } catch {
    return false;
  }
}

/**
 * A skreaver tool that calls `upstream` on the bridged server. Its input is
 * checked against the server's schema when the core can compile it;
 * progress from the server is passed on with `reportProgress`; an error
 * result (`isError`) becomes `tool_failed` with the server's text.
 */
export function bridgedTool(name: string, upstream: SdkTool, bridge: BridgeCaller): Tool {
  const description =
    typeof upstream.description === 'string' && upstream.description.trim() !== ''
      ? upstream.description
      : `Tool '${upstream.name}' of MCP server '${bridge.server}'.`;
  const inputSchema = (
    isRecord(upstream.inputSchema) ? upstream.inputSchema : { type: 'object' }
  ) as JsonSchema;
  const tool: Tool = {
    name,
    description,
    inputSchema,
    async call(input: unknown, ctx) {
      if (!isRecord(input)) {
        throw new ToolError('tool_invalid_input', `Tool '${name}' takes an object of arguments.`, {
          data: { tool: name, issues: [{ path: '', message: 'must be an object' }] },
        });
      }
      const result = await bridge.call(upstream.name, input, {
        signal: ctx.signal,
        onProgress: (report) => {
          reportProgress(ctx, report.progress, {
            ...(report.total === undefined ? {} : { total: report.total }),
            ...(report.message === undefined ? {} : { message: report.message }),
          });
        },
      });
      if (result.isError === true) {
        throw new ToolError('tool_failed', `Tool '${name}' failed: ${errorText(result)}`, {
          data: {
            tool: name,
            server: bridge.server,
            upstream: upstream.name,
            content: result.content,
          },
        });
      }
      return bridge.mapResult(result);
    },
  };
  return compiles(inputSchema) ? tool : { ...tool, validator: objectsOnly };
}
