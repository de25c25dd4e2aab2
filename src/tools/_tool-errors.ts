import type { ToolErrorCode } from '../errors/codes.js';
import { ToolError } from '../errors/families.js';
import type { ToolErrorData, ToolInputIssue } from './dispatch-errors.js';

/** Who a dispatch error is about. */
export interface CallLabel {
  readonly name: string;
  readonly callId: string | undefined;
}

type Extra = Omit<ToolErrorData, 'tool' | 'callId'>;

function make(
  code: ToolErrorCode,
  label: CallLabel,
  message: string,
  extra?: Extra,
  cause?: unknown,
): ToolError<ToolErrorData> {
  const data: { -readonly [K in keyof ToolErrorData]: ToolErrorData[K] } = {
    tool: label.name,
    ...extra,
  };
  if (label.callId !== undefined) data.callId = label.callId;
  return new ToolError<ToolErrorData>(
    code,
    message,
    cause === undefined ? { data } : { data, cause },
  );
}

/** A readable one-line account of any thrown value. */
export function messageOf(value: unknown): string {
  try {
    if (typeof value === 'string') return value;
    if (value instanceof Error) return String(value.message);
    return String(value);
  } catch {
    // A proxy, a throwing getter or toString: say something rather than throw.
    return 'a value that cannot be shown';
  }
}

/** Shows an untrusted name in a message without letting it run on. */
function quote(name: string): string {
  const text = name.length > 80 ? `${name.slice(0, 77)}...` : name;
  return `'${text}'`;
}

export function registryClosed(label: CallLabel): ToolError<ToolErrorData> {
  return make(
    'registry_closed',
    label,
    `The tool registry is closed, so the call to ${quote(label.name)} was not run; create a new registry to make more calls.`,
  );
}

export function toolNotFound(label: CallLabel, cause?: unknown): ToolError<ToolErrorData> {
  const message =
    cause === undefined
      ? `No tool is registered under the name ${quote(label.name)}; register it first or check the spelling.`
      : `${quote(label.name)} is not a valid tool name (${messageOf(cause)}), so no tool has it.`;
  return make('tool_not_found', label, message, undefined, cause);
}

export function toolAborted(label: CallLabel, cause: unknown): ToolError<ToolErrorData> {
  return make(
    'tool_aborted',
    label,
    `The call to tool ${quote(label.name)} was aborted by the caller.`,
    undefined,
    cause,
  );
}

export function toolTimeout(label: CallLabel, timeoutMs: number): ToolError<ToolErrorData> {
  return make(
    'tool_timeout',
    label,
    `Tool ${quote(label.name)} did not finish within ${timeoutMs} ms; its result, if any, will be dropped.`,
    { timeoutMs },
  );
}

export function toolInvalidInput(
  label: CallLabel,
  issues: readonly ToolInputIssue[],
  cause?: unknown,
): ToolError<ToolErrorData> {
  const first = issues[0];
  const where = first === undefined || first.path === '' ? 'input' : `input at ${first.path}`;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  const what = first === undefined ? 'is invalid' : first.message;
  return make(
    'tool_invalid_input',
    label,
    `Invalid input for tool ${quote(label.name)}: ${where} ${what}${more}.`,
    { issues },
    cause,
  );
}

export function toolDenied(
  label: CallLabel,
  reason: string,
  detail?: unknown,
  cause?: unknown,
): ToolError<ToolErrorData> {
  const extra: { reason: string; detail?: unknown } = { reason };
  if (detail !== undefined) extra.detail = detail;
  return make(
    'tool_denied',
    label,
    `A policy denied the call to tool ${quote(label.name)}: ${reason}`,
    extra,
    cause,
  );
}

export function toolOverloaded(label: CallLabel, maxQueued: number): ToolError<ToolErrorData> {
  return make(
    'tool_overloaded',
    label,
    `Tool ${quote(label.name)} already has ${maxQueued} calls waiting; retry later or raise maxQueuedPerTool.`,
    { maxQueued },
  );
}

export function toolFailed(label: CallLabel, cause: unknown): ToolError<ToolErrorData> {
  return make(
    'tool_failed',
    label,
    `Tool ${quote(label.name)} failed: ${messageOf(cause)}`,
    undefined,
    cause,
  );
}

export function toolInvalidOutput(
  label: CallLabel,
  path: string,
  reason: string,
): ToolError<ToolErrorData> {
  const where = path === '' ? 'its output' : `its output at ${path}`;
  return make(
    'tool_invalid_output',
    label,
    `Tool ${quote(label.name)} returned something that is not JSON: ${where}: ${reason}.`,
    { path, reason },
  );
}

/** Codes a tool may throw itself and keep: they describe the tool's own outcome. */
const KEPT_CODES: ReadonlySet<string> = new Set([
  'tool_failed',
  'tool_invalid_input',
  'tool_denied',
]);

/**
 * The error for a tool that threw or rejected. A `ToolError` with code
 * `tool_failed`, `tool_invalid_input` or `tool_denied` is returned as is, so
 * a tool can reject input its schema cannot express or refuse on its own
 * authority. Any other thrown value, including a `ToolError` with another
 * code (say `tool_timeout` from a nested dispatch, which would misdescribe
 * this call), becomes `tool_failed` with the value as `cause`.
 */
export function fromThrown(label: CallLabel, thrown: unknown): ToolError {
  try {
    if (thrown instanceof ToolError && KEPT_CODES.has(thrown.code)) return thrown;
  } catch {
    // A proxy that throws on inspection is simply a failure.
  }
  return toolFailed(label, thrown);
}
