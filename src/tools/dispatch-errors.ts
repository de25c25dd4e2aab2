import type { ToolErrorCode } from '../errors/codes.js';

/**
 * Every code a {@link ToolRegistry.dispatch} result can carry, in the order
 * the registry checks for them.
 */
export const DISPATCH_ERROR_CODES = [
  'registry_closed',
  'tool_not_found',
  'tool_aborted',
  'tool_timeout',
  'tool_invalid_input',
  'tool_denied',
  'tool_overloaded',
  'tool_failed',
  'tool_invalid_output',
] as const satisfies readonly ToolErrorCode[];

/** A code a dispatch result can carry. */
export type DispatchErrorCode = (typeof DISPATCH_ERROR_CODES)[number];

/** One problem with a call's input, from the JSON Schema check or a Standard Schema validator. */
export interface ToolInputIssue {
  /** JSON pointer to the offending value (`""` is the whole input). */
  readonly path: string;
  /** What is wrong, in words. */
  readonly message: string;
}

/**
 * The `data` of every `ToolError` a dispatch returns. `tool` is always set;
 * the other fields belong to particular codes.
 */
export interface ToolErrorData {
  /** The tool's name as called (`''` when the call had no string name). */
  readonly tool: string;
  /** The call's correlation id, when it had one. */
  readonly callId?: string;
  /** `tool_invalid_input`: what is wrong with the input (at most 20 issues). */
  readonly issues?: readonly ToolInputIssue[];
  /** `tool_denied`: the policy's reason; `tool_invalid_output`: what is wrong with the output. */
  readonly reason?: string;
  /** `tool_denied`: the `data` of the policy's decision, when it gave any. */
  readonly detail?: unknown;
  /** `tool_invalid_output`: JSON pointer to the offending part of the output. */
  readonly path?: string;
  /** `tool_timeout`: the timeout that expired, in milliseconds. */
  readonly timeoutMs?: number;
  /** `tool_overloaded`: how many calls may wait for the tool. */
  readonly maxQueued?: number;
}
