import { ValidationError } from '../errors/families.js';
import type { Logger } from '../observability/logger.js';
import { noopLogger } from '../observability/logger.js';
import type { BackpressureMode } from './backpressure.js';
import { resolveLimits } from './create-message.js';
import type { ResolvedMessageLimits } from './limits.js';
import {
  type MeshClock,
  type MeshMetricsRecorder,
  type MeshOptions,
  systemClock,
} from './options.js';

/** Every mesh option with its default applied. */
export interface ResolvedMeshOptions {
  readonly visibilityTimeoutMs: number;
  readonly maxDeliveries: number;
  readonly requestTimeoutMs: number;
  readonly maxPendingRequests: number;
  readonly presenceTtlMs: number;
  readonly heartbeatIntervalMs: number;
  readonly warningDepth: number;
  readonly criticalDepth: number;
  readonly backpressureMode: BackpressureMode;
  readonly maxWaitMs: number;
  readonly pollIntervalMs: number;
  readonly deadLetterTtlMs: number;
  readonly maxDeadLetters: number;
  readonly limits: ResolvedMessageLimits;
  readonly clock: MeshClock;
  readonly logger: Logger;
  readonly metrics: MeshMetricsRecorder;
}

function positive(
  name: string,
  value: number | undefined,
  fallback: number,
  integer = false,
): number {
  if (value === undefined) return fallback;
  const ok =
    typeof value === 'number' &&
    value > 0 &&
    (integer ? Number.isSafeInteger(value) || value === Infinity : !Number.isNaN(value));
  if (!ok) {
    throw new ValidationError(
      'invalid_options',
      `Mesh option ${name} must be a positive ${integer ? 'integer' : 'number'}, got ${String(value)}.`,
      { data: { option: name, value } },
    );
  }
  return value;
}

function finite(name: string, value: number): number {
  if (!Number.isFinite(value)) {
    throw new ValidationError('invalid_options', `Mesh option ${name} must be finite.`, {
      data: { option: name, value },
    });
  }
  return value;
}

/**
 * Applies defaults and checks ranges.
 * @throws `ValidationError` `invalid_options`.
 */
export function resolveMeshOptions(options: MeshOptions): ResolvedMeshOptions {
  const bp = options.backpressure ?? {};
  const presenceTtlMs = finite(
    'presenceTtlMs',
    positive('presenceTtlMs', options.presenceTtlMs, 30_000),
  );
  const warningDepth = positive('backpressure.warningDepth', bp.warningDepth, 1000, true);
  const criticalDepth = positive('backpressure.criticalDepth', bp.criticalDepth, 5000, true);
  if (warningDepth > criticalDepth) {
    throw new ValidationError(
      'invalid_options',
      'Mesh option backpressure.warningDepth must not exceed backpressure.criticalDepth.',
      { data: { option: 'backpressure.warningDepth', value: warningDepth } },
    );
  }
  const mode = bp.mode ?? 'reject';
  if (mode !== 'reject' && mode !== 'wait') {
    throw new ValidationError(
      'invalid_options',
      "Mesh option backpressure.mode must be 'reject' or 'wait'.",
      {
        data: { option: 'backpressure.mode', value: mode },
      },
    );
  }
  const clock = options.clock ?? systemClock;
  if (typeof clock?.now !== 'function' || typeof clock.setTimeout !== 'function') {
    throw new ValidationError(
      'invalid_options',
      'Mesh option clock must have now, setTimeout and clearTimeout.',
      {
        data: { option: 'clock' },
      },
    );
  }
  return {
    visibilityTimeoutMs: finite(
      'visibilityTimeoutMs',
      positive('visibilityTimeoutMs', options.visibilityTimeoutMs, 30_000),
    ),
    maxDeliveries: finite(
      'maxDeliveries',
      positive('maxDeliveries', options.maxDeliveries, 5, true),
    ),
    requestTimeoutMs: finite(
      'requestTimeoutMs',
      positive('requestTimeoutMs', options.requestTimeoutMs, 30_000),
    ),
    maxPendingRequests: positive('maxPendingRequests', options.maxPendingRequests, 1000, true),
    presenceTtlMs,
    heartbeatIntervalMs: finite(
      'heartbeatIntervalMs',
      positive('heartbeatIntervalMs', options.heartbeatIntervalMs, presenceTtlMs / 3),
    ),
    warningDepth,
    criticalDepth,
    backpressureMode: mode,
    maxWaitMs: finite(
      'backpressure.maxWaitMs',
      positive('backpressure.maxWaitMs', bp.maxWaitMs, 5000),
    ),
    pollIntervalMs: finite(
      'backpressure.pollIntervalMs',
      positive('backpressure.pollIntervalMs', bp.pollIntervalMs, 25),
    ),
    deadLetterTtlMs: positive('deadLetterTtlMs', options.deadLetterTtlMs, 86_400_000),
    maxDeadLetters: positive('maxDeadLetters', options.maxDeadLetters, 10_000, true),
    limits: resolveLimits(options.limits),
    clock,
    logger: options.logger ?? noopLogger,
    metrics: options.metrics ?? {},
  };
}
