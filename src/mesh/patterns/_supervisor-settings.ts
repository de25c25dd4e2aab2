import { type KnownOptions, rejectUnknownOptions } from '../../_known-options.js';
import { ValidationError } from '../../errors/families.js';
import type { AgentId } from '../../identifiers/identifiers.js';
import { checkAgent } from '../_validate.js';
import type { SupervisorOptions, WorkerStrategy } from './supervisor.js';

/** The options createSupervisor takes, checked against SupervisorOptions. */
const SUPERVISOR_OPTIONS = {
  mesh: true,
  id: true,
  workers: true,
  strategy: true,
  maxTasksPerWorker: true,
  maxRetries: true,
  retryDelayMs: true,
  maxRetryDelayMs: true,
  taskTimeoutMs: true,
  healthCheckIntervalMs: true,
  clock: true,
} satisfies KnownOptions<SupervisorOptions>;

/** {@link SupervisorOptions} checked, with every default filled in. */
export interface SupervisorSettings {
  readonly id: AgentId;
  readonly strategy: WorkerStrategy;
  readonly maxTasksPerWorker: number;
  readonly maxRetries: number;
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs: number;
  readonly taskTimeoutMs: number;
  readonly healthCheckIntervalMs: number;
}

function positiveInteger(
  name: string,
  value: number | undefined,
  fallback: number,
  min = 1,
): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ValidationError(
      'invalid_options',
      `Supervisor option ${name} must be an integer >= ${min}.`,
      {
        data: { option: name, value },
      },
    );
  }
  return value;
}

/**
 * Checks the options of `createSupervisor`.
 *
 * @throws `ValidationError` `invalid_options` for an out-of-range number; `MeshError`
 *   `message_invalid` for an id that is not an agent id.
 */
export function resolveSupervisorSettings(options: SupervisorOptions): SupervisorSettings {
  rejectUnknownOptions('createSupervisor', options, SUPERVISOR_OPTIONS);
  const id = checkAgent(options.id, 'id');
  const strategy = options.strategy ?? 'least-loaded';
  return {
    id,
    strategy,
    maxTasksPerWorker: positiveInteger('maxTasksPerWorker', options.maxTasksPerWorker, 10),
    maxRetries: positiveInteger('maxRetries', options.maxRetries, 3, 0),
    retryDelayMs: positiveInteger('retryDelayMs', options.retryDelayMs, 100, 0),
    maxRetryDelayMs: positiveInteger('maxRetryDelayMs', options.maxRetryDelayMs, 5000, 0),
    taskTimeoutMs: positiveInteger('taskTimeoutMs', options.taskTimeoutMs, 30_000),
    healthCheckIntervalMs: positiveInteger(
      'healthCheckIntervalMs',
      options.healthCheckIntervalMs,
      1000,
    ),
  };
}
