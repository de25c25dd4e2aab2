import { Registry } from 'prom-client';
import { type Logger, noopLogger, ValidationError } from 'skreaver';
import {
  type CappedLabel,
  PROMETHEUS_METRICS_DEFAULTS,
  type PrometheusBuckets,
  type PrometheusMetricsOptions,
} from './options.js';

/** Options resolved and checked once, at creation. */
export interface Settings {
  readonly registry: Registry;
  readonly ownsRegistry: boolean;
  readonly prefix: string;
  readonly defaultLabels: Readonly<Record<string, string>>;
  readonly buckets: Required<{ readonly [K in keyof PrometheusBuckets]: number[] }>;
  readonly maxLabelValues: Readonly<Record<CappedLabel, number>>;
  readonly collectDefaultMetrics: boolean;
  readonly logger: Logger;
}

/** Labels the recorder's own metrics use; a default label must not reuse them. */
export const RESERVED_LABELS: ReadonlySet<string> = new Set([
  'tool',
  'code',
  'agent_id',
  'status',
  'kind',
  'error_type',
  'route',
  'method',
  'result',
  'limit_type',
  'op',
  'reason',
  'le',
  'quantile',
]);

const PREFIX = /^(?:[a-zA-Z_:][a-zA-Z0-9_:]*)?$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const CAPPED: readonly CappedLabel[] = ['tool', 'route', 'agent_id', 'reason'];

export function invalidOption(option: string, rule: string, value?: unknown): ValidationError {
  return new ValidationError('invalid_options', `The Prometheus option '${option}' ${rule}.`, {
    data: value === undefined ? { option } : { option, value },
  });
}

function isRegistry(value: unknown): value is Registry {
  if (value instanceof Registry) return true;
  // Another copy of prom-client (a duplicate install) still has the same shape.
  const candidate = value as Partial<Registry> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.registerMetric === 'function' &&
    typeof candidate.metrics === 'function' &&
    typeof candidate.getSingleMetric === 'function'
  );
}

function bucketList(name: keyof PrometheusBuckets, value: unknown): number[] {
  const fallback = PROMETHEUS_METRICS_DEFAULTS.buckets[name];
  if (value === undefined) return [...fallback];
  const rule = 'must be a non-empty array of finite numbers in strictly increasing order';
  if (!Array.isArray(value) || value.length === 0) throw invalidOption(`buckets.${name}`, rule);
  let previous = Number.NEGATIVE_INFINITY;
  for (const bound of value as unknown[]) {
    if (typeof bound !== 'number' || !Number.isFinite(bound) || bound <= previous) {
      throw invalidOption(`buckets.${name}`, rule, bound);
    }
    previous = bound;
  }
  return [...(value as number[])];
}

function cap(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalidOption(name, 'must be a positive integer', value);
  }
  return value;
}

function caps(value: PrometheusMetricsOptions['maxLabelValues']): Record<CappedLabel, number> {
  const result: Record<CappedLabel, number> = { ...PROMETHEUS_METRICS_DEFAULTS.maxLabelValues };
  if (value === undefined) return result;
  if (typeof value === 'number') {
    const n = cap('maxLabelValues', value);
    for (const label of CAPPED) result[label] = n;
    return result;
  }
  if (typeof value !== 'object' || value === null) {
    throw invalidOption('maxLabelValues', 'must be a positive integer or an object of them', value);
  }
  for (const key of Object.keys(value)) {
    if (!(CAPPED as readonly string[]).includes(key)) {
      throw invalidOption(`maxLabelValues.${key}`, `is not a capped label (${CAPPED.join(', ')})`);
    }
    const n = (value as Record<string, unknown>)[key];
    if (n !== undefined) result[key as CappedLabel] = cap(`maxLabelValues.${key}`, n);
  }
  return result;
}

function labels(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidOption('defaultLabels', 'must be an object of string values', value);
  }
  const result: Record<string, string> = {};
  for (const [name, label] of Object.entries(value)) {
    if (!LABEL_NAME.test(name) || name.startsWith('__')) {
      throw invalidOption(
        'defaultLabels',
        `has the label name '${name}', which is not a Prometheus label name`,
      );
    }
    if (RESERVED_LABELS.has(name)) {
      throw invalidOption('defaultLabels', `has the label '${name}', which a metric uses itself`);
    }
    if (typeof label !== 'string') {
      throw invalidOption('defaultLabels', `has a non-string value for '${name}'`, label);
    }
    result[name] = label;
  }
  return result;
}

export function resolveSettings(options: PrometheusMetricsOptions): Settings {
  if (typeof options !== 'object' || options === null) {
    throw invalidOption('options', 'must be an object', options);
  }
  const injected = options.registry;
  if (injected !== undefined && !isRegistry(injected)) {
    throw invalidOption('registry', 'must be a prom-client Registry');
  }
  const prefix = options.prefix ?? PROMETHEUS_METRICS_DEFAULTS.prefix;
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
    throw invalidOption('prefix', 'must match [a-zA-Z_:][a-zA-Z0-9_:]* or be empty', prefix);
  }
  const collect =
    options.collectDefaultMetrics ?? PROMETHEUS_METRICS_DEFAULTS.collectDefaultMetrics;
  if (typeof collect !== 'boolean') {
    throw invalidOption('collectDefaultMetrics', 'must be a boolean', collect);
  }
  const logger = options.logger ?? noopLogger;
  if (typeof logger !== 'object' || logger === null || typeof logger.warn !== 'function') {
    throw invalidOption('logger', 'must be a Logger');
  }
  const buckets = options.buckets ?? {};
  return {
    registry: injected ?? new Registry(),
    ownsRegistry: injected === undefined,
    prefix,
    defaultLabels: labels(options.defaultLabels),
    buckets: {
      latency: bucketList('latency', buckets.latency),
      step: bucketList('step', buckets.step),
      size: bucketList('size', buckets.size),
      rounds: bucketList('rounds', buckets.rounds),
    },
    maxLabelValues: caps(options.maxLabelValues),
    collectDefaultMetrics: collect,
    logger,
  };
}
