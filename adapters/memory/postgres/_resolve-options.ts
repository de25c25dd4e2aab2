import type { Pool } from 'pg';
import { ValidationError, validateMemoryKey } from 'skreaver';
import type { PostgresMemoryOptions } from './postgres-memory-options.js';

/** The options with defaults applied and every value checked. */
export interface ResolvedOptions {
  readonly pool: Pool | undefined;
  readonly connectionString: string | undefined;
  readonly max: number;
  readonly idleTimeoutMillis: number;
  readonly connectionTimeoutMillis: number;
  readonly applicationName: string;
  readonly namespace: string;
  readonly table: string;
  readonly schema: string;
  readonly migrate: boolean;
  readonly retryOnConflict: number;
  readonly maxValueBytes: number;
  readonly maxSnapshotBytes: number;
  readonly sweepIntervalMs: number;
  readonly healthTimeoutMillis: number;
}

export const DEFAULTS = {
  max: 10,
  idleTimeoutMillis: 10_000,
  connectionTimeoutMillis: 10_000,
  applicationName: 'skreaver-memory',
  namespace: 'default',
  table: 'skreaver_memory',
  schema: 'public',
  retryOnConflict: 0,
  maxValueBytes: 64 * 1024 * 1024,
  maxSnapshotBytes: 64 * 1024 * 1024,
  sweepIntervalMs: 60_000,
  healthTimeoutMillis: 5_000,
} as const;

// Lowercase only, so the quoted name we use and the unquoted name a person
// types in psql are the same table. 48 leaves room for index-name suffixes
// within PostgreSQL's 63-byte identifiers.
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,47}$/;

function invalid(option: string, message: string, value: unknown): ValidationError {
  return new ValidationError('invalid_options', `postgresMemory: ${option} ${message}`, {
    data: { option, value },
  });
}

function integer(options: PostgresMemoryOptions, name: keyof typeof DEFAULTS, min: number): number {
  const value = (options as Record<string, unknown>)[name] ?? DEFAULTS[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw invalid(name, `must be an integer >= ${min}, got ${String(value)}.`, value);
  }
  return value;
}

function byteLimit(options: PostgresMemoryOptions, name: 'maxValueBytes' | 'maxSnapshotBytes') {
  const value = options[name] ?? DEFAULTS[name];
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
    throw invalid(name, `must be a positive number of bytes, got ${String(value)}.`, value);
  }
  return value;
}

function identifier(options: PostgresMemoryOptions, name: 'table' | 'schema'): string {
  const value = options[name] ?? DEFAULTS[name];
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) {
    throw invalid(
      name,
      `must be 1 to 48 lowercase letters, digits or '_', not starting with a digit; got ${JSON.stringify(value)}.`,
      value,
    );
  }
  return value;
}

function text(options: PostgresMemoryOptions, name: 'connectionString' | 'applicationName') {
  const value = options[name];
  if (value !== undefined && typeof value !== 'string') {
    throw invalid(name, `must be a string, got ${typeof value}.`, value);
  }
  return value;
}

/**
 * Applies defaults and checks every option.
 *
 * @throws `ValidationError` `invalid_options`.
 */
export function resolveOptions(options: PostgresMemoryOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw invalid('options', 'must be an object.', options);
  }
  const pool = options.pool;
  if (pool !== undefined && (typeof pool !== 'object' || typeof pool?.query !== 'function')) {
    throw invalid('pool', 'must be a pg Pool.', pool);
  }
  let namespace: string;
  try {
    namespace = validateMemoryKey(options.namespace ?? DEFAULTS.namespace);
  } catch (error) {
    throw new ValidationError(
      'invalid_options',
      `postgresMemory: namespace must follow the memory-key rules (${(error as Error).message}).`,
      { data: { option: 'namespace', value: options.namespace }, cause: error },
    );
  }
  const migrate = options.migrate ?? true;
  if (typeof migrate !== 'boolean') throw invalid('migrate', 'must be a boolean.', migrate);
  return {
    pool,
    connectionString: text(options, 'connectionString'),
    max: integer(options, 'max', 1),
    idleTimeoutMillis: integer(options, 'idleTimeoutMillis', 0),
    connectionTimeoutMillis: integer(options, 'connectionTimeoutMillis', 0),
    applicationName: text(options, 'applicationName') ?? DEFAULTS.applicationName,
    namespace,
    table: identifier(options, 'table'),
    schema: identifier(options, 'schema'),
    migrate,
    retryOnConflict: integer(options, 'retryOnConflict', 0),
    maxValueBytes: byteLimit(options, 'maxValueBytes'),
    maxSnapshotBytes: byteLimit(options, 'maxSnapshotBytes'),
    sweepIntervalMs: integer(options, 'sweepIntervalMs', 0),
    healthTimeoutMillis: integer(options, 'healthTimeoutMillis', 1),
  };
}
