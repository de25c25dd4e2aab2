import type { Logger } from '../observability/logger.js';
import type { MetricsRecorder } from '../observability/metrics.js';
import type { Span, Tracer } from '../observability/tracing.js';
import type { Principal } from '../principal.js';
import type { Tool, ToolCall, ToolResult } from './tool.js';

/** What a policy hook is asked about. */
export interface ToolPolicyRequest {
  /** The registered tool about to run. */
  readonly tool: Tool;
  /** The call as made. */
  readonly call: ToolCall;
  /** The validated input the tool would receive. */
  readonly input: unknown;
  /** The caller, when known. */
  readonly principal?: Principal;
}

/**
 * A policy hook's verdict. `allow: true` may replace the input (to redact a
 * secret, say) with any `input` other than `undefined`; the replacement is
 * not validated again. `allow: false` stops the call with code
 * `tool_denied`, whose `data.detail` is the decision's `data` and whose
 * `cause` is the decision's `cause` (the precise `SecurityError`, say).
 * Anything else a hook returns denies the call.
 */
export type ToolPolicyDecision =
  | { readonly allow: true; readonly input?: unknown }
  | {
      readonly allow: false;
      readonly reason: string;
      readonly data?: unknown;
      readonly cause?: unknown;
    };

/**
 * Decides whether a call may run. Security policy and RBAC plug in here; hooks
 * run in order after input validation and before the tool, and the first
 * denial wins. A hook that throws denies the call.
 */
export type ToolPolicyHook = (
  request: ToolPolicyRequest,
) => ToolPolicyDecision | Promise<ToolPolicyDecision>;

/** Per-call context for {@link ToolRegistry.dispatch}. */
export interface DispatchContext {
  /** Aborts the call when the caller gives up. */
  readonly signal?: AbortSignal;
  /** The caller, passed to policy hooks and the tool. */
  readonly principal?: Principal;
  /** Overrides the registry's logger for this call. */
  readonly logger?: Logger;
  /** Parent span for the call's span. */
  readonly span?: Span;
  /**
   * Overrides the per-call timeout for this call, in milliseconds. Zero or
   * less fails the call with `tool_timeout` without running it (a caller's
   * deadline has passed); `Infinity` means no timeout; `NaN` is ignored.
   */
  readonly timeoutMs?: number;
}

/** Options of {@link createToolRegistry}. */
export interface ToolRegistryOptions {
  /**
   * Per-call timeout in milliseconds (positive, or `Infinity` for none); the
   * tool's signal aborts then and its late result is dropped. The clock
   * starts when the call first has to wait (for an async validator or hook,
   * a concurrency slot or the tool's promise): synchronous work cannot be
   * interrupted, so a call that never waits needs no timer.
   * @defaultValue 30000
   */
  readonly timeoutMs?: number;
  /**
   * How many calls of one tool may run at once (a positive integer or
   * `Infinity`); later calls wait in line, first come first served. A tool
   * abandoned after a timeout keeps its slot until it really settles.
   * @defaultValue 16
   */
  readonly maxConcurrentPerTool?: number;
  /**
   * How many calls of one tool may wait for a slot before new calls fail
   * with `tool_overloaded` (0 means none may wait). A waiting call whose
   * signal aborts or whose timeout expires leaves the line.
   * @defaultValue 1024
   */
  readonly maxQueuedPerTool?: number;
  /**
   * Policy hooks run before every call (security, RBAC).
   * @defaultValue []
   */
  readonly policies?: readonly ToolPolicyHook[];
  /**
   * Check that outputs are JSON-serialisable (no functions, symbols, bigints,
   * cycles); a failing output becomes `tool_invalid_output`.
   * @defaultValue true
   */
  readonly checkOutput?: boolean;
  /**
   * How deeply input validation and the output check descend into nested
   * values (the value itself is level 0); anything deeper fails with
   * `tool_invalid_input` or `tool_invalid_output` instead of exhausting the
   * stack.
   * @defaultValue 256
   */
  readonly maxJsonDepth?: number;
  /** Metrics recorder. @defaultValue a no-op recorder */
  readonly metrics?: MetricsRecorder;
  /** Tracer for call spans. @defaultValue a no-op tracer */
  readonly tracer?: Tracer;
  /** Logger handed to tools. @defaultValue a no-op logger */
  readonly logger?: Logger;
}

/**
 * Holds tools by name and dispatches calls to them with validation, policy,
 * timeouts, concurrency limits, metrics and tracing.
 */
export interface ToolRegistry {
  /**
   * Adds a tool under its validated (trimmed) name. Throws a `ToolError`
   * `tool_duplicate` for a name already taken, a `ValidationError`
   * `invalid_identifier` for a bad name, and a `ValidationError`
   * `invalid_input` for a missing description, call function or input
   * schema, a JSON Schema with problems (see `compileJsonSchema`), or a
   * validator that is not a Standard Schema.
   */
  register(tool: Tool): this;
  /** Removes a tool; returns whether it was registered. */
  unregister(name: string): boolean;
  /** Whether a tool is registered under `name`. */
  has(name: string): boolean;
  /** The tool registered under `name`. */
  get(name: string): Tool | undefined;
  /** Every registered tool, in registration order. */
  list(): Tool[];
  /**
   * Runs a call and resolves its result; never rejects. Failures come back as
   * `{ ok: false, error }` with codes `tool_not_found` (also for a name that is not a valid tool name),
   * `tool_invalid_input`,
   * `tool_denied`, `tool_timeout`, `tool_aborted`, `tool_overloaded`,
   * `tool_failed`, `tool_invalid_output` or `registry_closed`.
   */
  dispatch(call: ToolCall, ctx?: DispatchContext): Promise<ToolResult>;
  /**
   * Refuses new calls (`registry_closed`) and resolves those waiting or in
   * flight with `registry_closed`, aborting their tools' signals. Resolves
   * once every running tool has settled or been abandoned (its timeout
   * passed). Calling it again returns the same promise.
   */
  close(): Promise<void>;
}
