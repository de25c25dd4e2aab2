import { type KnownOptions, rejectUnknownOptions } from '../_known-options.js';
import { ValidationError } from '../errors/families.js';
import type { Memory } from '../memory/memory.js';
import type { Logger } from '../observability/logger.js';
import { noopLogger } from '../observability/logger.js';
import type { MetricsRecorder } from '../observability/metrics.js';
import { noopMetrics } from '../observability/metrics.js';
import type { Tracer } from '../observability/tracing.js';
import { noopTracer } from '../observability/tracing.js';
import type { ToolRegistry } from '../tools/registry.js';
import type { CoordinatorOptions } from './coordinator.js';

/** The options createCoordinator takes, checked against CoordinatorOptions. */
const COORDINATOR_OPTIONS = {
  registry: true,
  memory: true,
  namespaceMemory: true,
  maxRounds: true,
  stepTimeoutMs: true,
  toolTimeoutMs: true,
  maxConcurrentToolCalls: true,
  maxCallsPerRound: true,
  maxQueuedSteps: true,
  metrics: true,
  tracer: true,
  logger: true,
} satisfies KnownOptions<CoordinatorOptions>;

/** The largest delay `setTimeout` honours (2^31 - 1 ms); longer ones fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

/** {@link CoordinatorOptions} with every default applied (memory is resolved by the factory). */
export interface ResolvedCoordinatorOptions {
  readonly registry: ToolRegistry;
  readonly memory: Memory | undefined;
  readonly namespaceMemory: boolean;
  readonly maxRounds: number;
  readonly stepTimeoutMs: number;
  readonly toolTimeoutMs: number | undefined;
  readonly maxConcurrentToolCalls: number;
  readonly maxCallsPerRound: number;
  readonly maxQueuedSteps: number;
  readonly metrics: MetricsRecorder;
  readonly tracer: Tracer;
  readonly logger: Logger;
}

function invalid(option: string, value: unknown, expected: string): ValidationError {
  return new ValidationError(
    'invalid_options',
    `createCoordinator: option '${option}' must be ${expected}, got ${String(value)}.`,
    { data: { option, value, expected } },
  );
}

function integer(
  options: CoordinatorOptions,
  option: keyof CoordinatorOptions,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const value: unknown = options[option];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(option, value, `an integer from ${min} to ${max}`);
  }
  return value;
}

/**
 * Applies defaults and checks ranges.
 *
 * @throws {@link ValidationError} with code `invalid_options`.
 */
export function resolveOptions(options: CoordinatorOptions): ResolvedCoordinatorOptions {
  rejectUnknownOptions('createCoordinator', options, COORDINATOR_OPTIONS);
  if (typeof options !== 'object' || options === null) {
    throw invalid('options', options, 'an object');
  }
  const { registry } = options;
  if (
    typeof registry !== 'object' ||
    registry === null ||
    typeof registry.dispatch !== 'function'
  ) {
    throw invalid('registry', registry, 'a ToolRegistry');
  }
  if (options.namespaceMemory !== undefined && typeof options.namespaceMemory !== 'boolean') {
    throw invalid('namespaceMemory', options.namespaceMemory, 'a boolean');
  }
  return {
    registry,
    memory: options.memory,
    namespaceMemory: options.namespaceMemory ?? true,
    maxRounds: integer(options, 'maxRounds', 8, 0),
    stepTimeoutMs: integer(options, 'stepTimeoutMs', 60_000, 1, MAX_TIMER_MS),
    toolTimeoutMs:
      options.toolTimeoutMs === undefined
        ? undefined
        : integer(options, 'toolTimeoutMs', 0, 1, MAX_TIMER_MS),
    maxConcurrentToolCalls: integer(options, 'maxConcurrentToolCalls', 4, 1),
    maxCallsPerRound: integer(options, 'maxCallsPerRound', 64, 1),
    maxQueuedSteps: integer(options, 'maxQueuedSteps', 100, 0),
    metrics: options.metrics ?? noopMetrics,
    tracer: options.tracer ?? noopTracer,
    logger: options.logger ?? noopLogger,
  };
}
