import {
  createToolRegistry,
  noopLogger,
  noopTracer,
  SecurityError,
  type Tool,
  type ToolContext,
  ToolError,
  type ToolResult,
} from 'skreaver';
import { expect } from 'vitest';

/** The context of a direct `call`: no-op logger and tracer, a signal never aborted unless given. */
export function toolContext(signal = new AbortController().signal): ToolContext {
  return { signal, logger: noopLogger, tracer: noopTracer };
}

/** What a direct `call` came to: its output, or the `ToolError` it threw. */
export type Attempt<O> = { ok: true; output: O } | { ok: false; error: ToolError };

function refused(error: unknown): { ok: false; error: ToolError } {
  // Anything but a ToolError is a bug the test must show, not an outcome.
  if (!(error instanceof ToolError)) throw error;
  return { ok: false, error };
}

/** Runs a synchronous `call`: its output, or the `ToolError` it threw (anything else fails the test). */
export function attempt<O>(call: () => O): Attempt<O> {
  try {
    return { ok: true, output: call() };
  } catch (error) {
    return refused(error);
  }
}

/** Runs a `call`: its output, or the `ToolError` it rejected with (anything else fails the test). */
export async function attemptAsync<O>(call: () => O | Promise<O>): Promise<Attempt<O>> {
  try {
    return { ok: true, output: await call() };
  } catch (error) {
    return refused(error);
  }
}

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

/** The first input issue of a call that must fail with `tool_invalid_input`. */
export async function firstIssue(
  tool: Tool,
  input: unknown,
): Promise<{ path: string; message: string } | undefined> {
  const error = await failure(tool, input);
  expect(error.code, error.message).toBe('tool_invalid_input');
  return (error.data as { issues: { path: string; message: string }[] }).issues[0];
}
