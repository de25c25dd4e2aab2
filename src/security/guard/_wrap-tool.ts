import type { SecurityErrorCode } from '../../errors/codes.js';
import { SecurityError, ToolError } from '../../errors/families.js';
import { isSkreaverError } from '../../errors/skreaver-error.js';
import type { Tool, ToolContext } from '../../tools/tool.js';
import type { CompiledTool } from './_compiled.js';
import { inspectSecrets } from './_input-secrets.js';
import { jsonByteLength, MAX_SIZE_DEPTH, UNMEASURABLE } from './_json-size.js';
import type { GuardDenialData, GuardInternals } from './security-guard.js';

type Denial = GuardDenialData & { readonly code: SecurityErrorCode };

/**
 * A `tool_denied` ToolError shaped like a hook's denial after dispatch
 * (`data.reason`, `data.detail.code`), with the precise `SecurityError` as
 * its cause. The registry passes a thrown `tool_denied` through unchanged.
 */
function refuse(name: string, message: string, detail: Denial): ToolError {
  const cause = new SecurityError(detail.code, message, { data: detail });
  return new ToolError('tool_denied', `A policy denied the call to tool '${name}': ${message}`, {
    data: { tool: name, reason: message, detail },
    cause,
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Audits an output problem (`policy.violation`), then returns the error to throw, if any. */
function violation(
  guard: GuardInternals,
  tool: CompiledTool,
  message: string,
  detail: Denial,
  refused: boolean,
): ToolError | undefined {
  guard.audit?.record({
    type: 'policy.violation',
    tool: tool.name,
    reason: detail.code,
    message,
    detail,
    ...(refused ? {} : { severity: 'warning' as const }),
  });
  return refused ? refuse(tool.name, message, detail) : undefined;
}

/** Applies the output cap and `secrets.onOutput`; returns the output to hand back. */
function checkOutput(guard: GuardInternals, tool: CompiledTool, output: unknown): unknown {
  const limit = tool.maxOutputBytes;
  const size = jsonByteLength(output, limit);
  if (size > limit) {
    const what =
      size === UNMEASURABLE
        ? `cyclic or nested deeper than ${MAX_SIZE_DEPTH} levels`
        : `at least ${size} bytes of JSON`;
    const message = `the output is ${what}; the limit is ${limit} bytes (resources.maxOutputBytes)`;
    throw violation(
      guard,
      tool,
      message,
      {
        code: 'size_limit_exceeded',
        reason: size === UNMEASURABLE ? 'depth' : 'output_bytes',
        limit,
        ...(size === UNMEASURABLE ? {} : { size }),
      },
      true,
    );
  }
  if (tool.onOutput === 'allow') return output;
  let found: ReturnType<typeof inspectSecrets>;
  try {
    found = inspectSecrets(output, tool.scanner, guard.keys, tool.onOutput === 'redact');
  } catch (error) {
    if (!isSkreaverError(error)) throw error;
    const message = `the output could not be scanned: ${error.message}`;
    throw violation(guard, tool, message, { code: 'size_limit_exceeded', reason: 'depth' }, true);
  }
  if (found === undefined) return output;
  const names = found.detectors.join(', ');
  if (tool.onOutput === 'reject') {
    const message = `the output holds a secret (${names}); secrets.onOutput is 'reject'`;
    throw violation(
      guard,
      tool,
      message,
      { code: 'secret_detected', detectors: found.detectors },
      true,
    );
  }
  violation(
    guard,
    tool,
    `secrets (${names}) were redacted from the output`,
    {
      code: 'secret_detected',
      detectors: found.detectors,
    },
    false,
  );
  return found.value;
}

/** See `SecurityGuard.wrap`. */
export function wrapTool<I, O>(tool: Tool<I, O>, guard: GuardInternals): Tool<I, O> {
  const name = tool.name;
  const enter = (compiled: CompiledTool): void => {
    if (guard.running >= guard.maxConcurrent) {
      const message = `${guard.running} guarded calls are running; the limit is ${guard.maxConcurrent} (resources.maxConcurrent); retry later`;
      throw refuse(name, message, {
        code: 'resource_exhausted',
        reason: 'concurrency',
        limit: guard.maxConcurrent,
      });
    }
    if (compiled.running >= compiled.maxConcurrentPerTool) {
      const message = `${compiled.running} calls of this tool are running; the limit is ${compiled.maxConcurrentPerTool} (resources.maxConcurrentPerTool); retry later`;
      throw refuse(name, message, {
        code: 'resource_exhausted',
        reason: 'concurrency',
        limit: compiled.maxConcurrentPerTool,
      });
    }
    guard.running++;
    compiled.running++;
  };
  const leave = (compiled: CompiledTool): void => {
    guard.running--;
    compiled.running--;
  };
  const wrapped: { -readonly [K in keyof Tool<I, O>]: Tool<I, O>[K] } = {
    name,
    description: tool.description,
    inputSchema: tool.inputSchema,
    call(input: I, ctx: ToolContext): O | Promise<O> {
      const compiled = guard.compiled.tool(name);
      enter(compiled);
      let output: O | Promise<O>;
      try {
        output = tool.call(input, ctx);
      } catch (error) {
        leave(compiled);
        throw error;
      }
      if (!isThenable(output)) {
        leave(compiled);
        return checkOutput(guard, compiled, output) as O;
      }
      return Promise.resolve(output).then(
        (value) => {
          leave(compiled);
          return checkOutput(guard, compiled, value) as O;
        },
        (error: unknown) => {
          leave(compiled);
          throw error;
        },
      );
    },
  };
  if (tool.validator !== undefined) wrapped.validator = tool.validator;
  return wrapped;
}
