import {
  createToolRegistry,
  SecurityError,
  type Tool,
  type ToolError,
  type ToolResult,
} from 'skreaver';
import { expect } from 'vitest';

/** Dispatches one call through a fresh registry, as an agent's call would run. */
export async function dispatch(tool: Tool, input: unknown): Promise<ToolResult> {
  const registry = createToolRegistry().register(tool);
  try {
    return await registry.dispatch({ name: tool.name, input });
  } finally {
    await registry.close();
  }
}

/** The output of a call that must succeed. */
export async function output(tool: Tool, input: unknown): Promise<unknown> {
  const result = await dispatch(tool, input);
  if (!result.ok)
    throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.output;
}

/** The error of a call that must fail. */
export async function failure(tool: Tool, input: unknown): Promise<ToolError> {
  const result = await dispatch(tool, input);
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.output)}`);
  return result.error;
}

/** The data of a call the security policy must refuse (`tool_denied`, a `SecurityError` as cause). */
export async function denial(
  tool: Tool,
  input: unknown,
): Promise<{ tool: string; reason: string; detail: Record<string, unknown> }> {
  const error = await failure(tool, input);
  expect(error.code, error.message).toBe('tool_denied');
  expect(error.cause).toBeInstanceOf(SecurityError);
  return error.data as { tool: string; reason: string; detail: Record<string, unknown> };
}
