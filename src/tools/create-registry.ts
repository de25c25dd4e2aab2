import { type KnownOptions, rejectUnknownOptions } from '../_known-options.js';
import { ToolError, ValidationError } from '../errors/families.js';
import { safeParseToolName } from '../identifiers/identifiers.js';
import { noopLogger } from '../observability/logger.js';
import { noopMetrics } from '../observability/metrics.js';
import { noopTracer } from '../observability/tracing.js';
import { createDeadlines } from '../timing/deadlines.js';
import { DispatchCall } from './_dispatch-call.js';
import { nodeFor } from './_json-schema-compile.js';
import type { RegistryState, ToolEntry } from './_registry-state.js';
import { compileJsonSchema, DEFAULT_MAX_JSON_DEPTH } from './json-schema-check.js';
import type { DispatchContext, ToolRegistry, ToolRegistryOptions } from './registry.js';
import type { Tool, ToolCall, ToolResult } from './tool.js';

/** The options createToolRegistry takes, checked against ToolRegistryOptions. */
const TOOL_REGISTRY_OPTIONS = {
  timeoutMs: true,
  maxConcurrentPerTool: true,
  maxQueuedPerTool: true,
  policies: true,
  checkOutput: true,
  maxJsonDepth: true,
  metrics: true,
  tracer: true,
  logger: true,
} satisfies KnownOptions<ToolRegistryOptions>;

/** Defaults of {@link ToolRegistryOptions}. */
export const TOOL_REGISTRY_DEFAULTS = Object.freeze({
  timeoutMs: 30_000,
  maxConcurrentPerTool: 16,
  maxQueuedPerTool: 1024,
  checkOutput: true,
  maxJsonDepth: DEFAULT_MAX_JSON_DEPTH,
});

function invalidOption(option: string, value: unknown, rule: string): ValidationError {
  return new ValidationError(
    'invalid_options',
    `The registry option '${option}' must be ${rule}.`,
    {
      data: { option, value },
    },
  );
}

function count(
  option: string,
  value: number | undefined,
  fallback: number,
  min: number,
  unbounded = true,
): number {
  if (value === undefined) return fallback;
  if (value === Number.POSITIVE_INFINITY && unbounded) return value;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw invalidOption(option, value, `an integer of at least ${min}`);
  }
  return value;
}

function hasMethods(value: unknown, names: readonly string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return names.every((name) => typeof record[name] === 'function');
}

function resolveState(options: ToolRegistryOptions): RegistryState {
  const timeoutMs = options.timeoutMs ?? TOOL_REGISTRY_DEFAULTS.timeoutMs;
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs <= 0) {
    throw invalidOption('timeoutMs', timeoutMs, 'a positive number of milliseconds (or Infinity)');
  }
  const policies = options.policies ?? [];
  if (!Array.isArray(policies) || !policies.every((hook) => typeof hook === 'function')) {
    throw invalidOption('policies', policies, 'an array of functions');
  }
  const metrics = options.metrics ?? noopMetrics;
  if (!hasMethods(metrics, ['toolCall']))
    throw invalidOption('metrics', metrics, 'a MetricsRecorder');
  const tracer = options.tracer ?? noopTracer;
  if (!hasMethods(tracer, ['startSpan'])) throw invalidOption('tracer', tracer, 'a Tracer');
  const logger = options.logger ?? noopLogger;
  if (!hasMethods(logger, ['debug', 'info', 'warn', 'error']))
    throw invalidOption('logger', logger, 'a Logger');
  const checkOutput = options.checkOutput ?? TOOL_REGISTRY_DEFAULTS.checkOutput;
  if (typeof checkOutput !== 'boolean')
    throw invalidOption('checkOutput', checkOutput, 'a boolean');
  const maxJsonDepth = count(
    'maxJsonDepth',
    options.maxJsonDepth,
    DEFAULT_MAX_JSON_DEPTH,
    0,
    false,
  );
  return {
    tools: new Map(),
    timeoutMs,
    maxConcurrent: count(
      'maxConcurrentPerTool',
      options.maxConcurrentPerTool,
      TOOL_REGISTRY_DEFAULTS.maxConcurrentPerTool,
      1,
    ),
    maxQueued: count(
      'maxQueuedPerTool',
      options.maxQueuedPerTool,
      TOOL_REGISTRY_DEFAULTS.maxQueuedPerTool,
      0,
    ),
    policies: [...policies],
    checkOutput,
    maxJsonDepth,
    outputLimits: { maxDepth: maxJsonDepth },
    // The no-op defaults are skipped outright: no clock reads, metric objects or spans per call.
    metrics: metrics === noopMetrics ? undefined : metrics,
    tracer,
    tracing: tracer !== noopTracer,
    logger,
    closed: false,
    live: new Set(),
    drained: undefined,
    deadlines: createDeadlines(),
  };
}

function badTool(message: string, data: Record<string, unknown>): ValidationError {
  return new ValidationError('invalid_input', message, { data });
}

/** Checks a tool's shape and prepares its entry; throws what `register` documents. */
function entryFor(tool: Tool): ToolEntry {
  if (typeof tool !== 'object' || tool === null) {
    throw badTool('A tool must be an object with name, description, inputSchema and call.', {
      field: 'tool',
    });
  }
  const parsed = safeParseToolName(tool.name);
  if (!parsed.ok) throw parsed.error;
  const name = parsed.value;
  if (typeof tool.description !== 'string' || tool.description.trim() === '') {
    throw badTool(`Tool '${name}' needs a description: models choose tools by it.`, {
      tool: name,
      field: 'description',
    });
  }
  if (typeof tool.call !== 'function') {
    throw badTool(`Tool '${name}' needs a call function.`, { tool: name, field: 'call' });
  }
  const schema: unknown = tool.inputSchema;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw badTool(`Tool '${name}' needs an inputSchema object (a JSON Schema).`, {
      tool: name,
      field: 'inputSchema',
    });
  }
  const entry: ToolEntry = {
    tool,
    name,
    schema: null,
    validator: null,
    active: 0,
    waiting: 0,
    head: null,
    tail: null,
  };
  if (tool.validator !== undefined) {
    const props: unknown = (tool.validator as { '~standard'?: unknown } | null)?.['~standard'];
    if (!hasMethods(props, ['validate'])) {
      throw badTool(
        `The validator of tool '${name}' is not a Standard Schema (no ~standard.validate).`,
        {
          tool: name,
          field: 'validator',
        },
      );
    }
    // With a validator the JSON Schema is only published, so it is not compiled.
    return { ...entry, validator: props as NonNullable<ToolEntry['validator']> };
  }
  const problems = compileJsonSchema(tool.inputSchema).problems;
  const first = problems[0];
  if (first !== undefined) {
    throw badTool(
      `The inputSchema of tool '${name}' is invalid at '${first.path}': ${first.message}.`,
      { tool: name, field: 'inputSchema', issues: problems },
    );
  }
  return { ...entry, schema: nodeFor(tool.inputSchema) };
}

/**
 * Creates a tool registry. `dispatch` runs, in order: the closed check, the
 * name lookup (names are validated and trimmed as at registration), input
 * validation (the tool's Standard Schema validator when it has one, whose
 * output becomes the input, else the JSON Schema check of
 * {@link compileJsonSchema}), the policy hooks, the per-tool concurrency
 * gate, the tool itself under a timeout, and the output check; then it
 * reports a `tool.call` span and a metric and resolves the result.
 *
 * Timing: the timeout clock starts when the call first has to wait (for an
 * async validator or hook, a slot, or the tool's promise); synchronous work
 * cannot be interrupted, so a call that never waits needs no timer at all.
 * A tool that ignores its aborted signal is abandoned: its late result or
 * rejection is dropped silently, but it keeps its concurrency slot until it
 * really settles, so stuck tools can never exceed `maxConcurrentPerTool`.
 *
 * A tool may throw a `ToolError` with code `tool_failed`, `tool_invalid_input`
 * or `tool_denied` and the caller gets it unchanged; anything else thrown or
 * rejected becomes `tool_failed` with the thrown value as `cause`.
 *
 * @throws {@link ValidationError} with code `invalid_options` when an option is out of range.
 * @example
 * ```ts
 * const registry = createToolRegistry({ timeoutMs: 5_000 }).register(upper);
 * const result = await registry.dispatch({ name: 'text_uppercase', input: { text: 'hi' } });
 * if (result.ok) console.log(result.output); // 'HI'
 * else console.error(result.error.code, result.error.message);
 * await registry.close();
 * ```
 */
export function createToolRegistry(options: ToolRegistryOptions = {}): ToolRegistry {
  rejectUnknownOptions('createToolRegistry', options, TOOL_REGISTRY_OPTIONS);
  const state = resolveState(options);
  const tools = state.tools;
  let closing: Promise<void> | undefined;

  const find = (name: string): ToolEntry | undefined => {
    const hit = tools.get(name);
    if (hit !== undefined || typeof name !== 'string') return hit;
    return tools.get(name.trim());
  };

  const registry: ToolRegistry = {
    register(tool: Tool) {
      const entry = entryFor(tool);
      if (tools.has(entry.name)) {
        throw new ToolError(
          'tool_duplicate',
          `A tool named '${entry.name}' is already registered; unregister it first or choose another name.`,
          { data: { tool: entry.name } },
        );
      }
      tools.set(entry.name, entry);
      return this;
    },
    unregister(name: string): boolean {
      const entry = find(name);
      // Calls already dispatched keep their entry and finish normally.
      return entry !== undefined && tools.delete(entry.name);
    },
    has(name: string): boolean {
      return find(name) !== undefined;
    },
    get(name: string): Tool | undefined {
      return find(name)?.tool;
    },
    list(): Tool[] {
      return Array.from(tools.values(), (entry) => entry.tool);
    },
    dispatch(call: ToolCall, ctx?: DispatchContext): Promise<ToolResult> {
      return new DispatchCall(state, call, ctx).start();
    },
    close(): Promise<void> {
      if (closing !== undefined) return closing;
      state.closed = true;
      closing = new Promise<void>((resolve) => {
        state.drained = resolve;
      });
      // Copy first: calls leave `live` as they settle.
      for (const call of [...state.live]) call.shutdown();
      if (state.live.size === 0) state.drained?.();
      return closing;
    },
  };
  return registry;
}
