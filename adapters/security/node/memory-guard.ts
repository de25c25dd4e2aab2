import {
  SecurityError,
  type SecurityPolicy,
  type ToolPolicyDecision,
  type ToolPolicyHook,
  ValidationError,
} from 'skreaver';

/** Options of {@link createMemoryGuard}. */
export interface MemoryGuardOptions {
  /**
   * Resident set size, in MiB, above which tool calls are refused. Defaults
   * to the policy's `resources.maxMemoryMb`; with neither, the guard never
   * sheds (and samples nothing).
   * @defaultValue `policy.resources.maxMemoryMb`
   */
  readonly maxMemoryMb?: number;
  /** The policy whose `resources.maxMemoryMb` applies. */
  readonly policy?: SecurityPolicy;
  /**
   * How often the process memory is sampled, in milliseconds. Calls read the
   * last sample, so the per-call cost is a comparison.
   * @defaultValue 1000
   */
  readonly intervalMs?: number;
  /**
   * Reads the resident set size in bytes (injectable for tests).
   * @defaultValue `process.memoryUsage.rss`
   */
  readonly rss?: () => number;
}

/** The `data` of the `resource_exhausted` error a memory guard denies with. */
export interface MemoryGuardDenialData {
  /** Always `resource_exhausted`. */
  readonly code: 'resource_exhausted';
  /** Always `memory`. */
  readonly reason: 'memory';
  /** The threshold in MiB. */
  readonly limit: number;
  /** The last sampled resident set size in MiB. */
  readonly size: number;
}

/** A load shedder on process memory; see {@link createMemoryGuard}. */
export interface MemoryGuard {
  /** Refuses calls while the last sample is above the threshold; pass it in the registry's `policies`. */
  readonly hook: ToolPolicyHook;
  /** Takes a sample now and returns it, in MiB. */
  sample(): number;
  /** Whether the last sample was above the threshold. */
  readonly shedding: boolean;
  /** Stops sampling. */
  close(): void;
}

const MIB = 1024 * 1024;
const ALLOW: ToolPolicyDecision = Object.freeze({ allow: true });

/**
 * Sheds load when the process uses too much memory: samples the resident set
 * size on a timer (unref'd, so it never keeps the process alive) and, while
 * the last sample is above `maxMemoryMb`, refuses tool calls with a
 * `tool_denied` whose detail code is `resource_exhausted` (retry later).
 * Unlike the Rust original, which compared the whole-process figure with a
 * per-agent limit and never shed anything, this is one process-wide switch.
 *
 * @throws `ValidationError` `invalid_options` for a non-positive threshold or interval.
 * @example
 * ```ts
 * const memory = createMemoryGuard({ policy });
 * const registry = createToolRegistry({ policies: [memory.hook, guard.hook] });
 * // ... on shutdown
 * memory.close();
 * ```
 */
export function createMemoryGuard(options: MemoryGuardOptions = {}): MemoryGuard {
  const maxMemoryMb = options.maxMemoryMb ?? options.policy?.resources.maxMemoryMb;
  const intervalMs = options.intervalMs ?? 1000;
  if (maxMemoryMb !== undefined && !(maxMemoryMb > 0 && Number.isFinite(maxMemoryMb))) {
    throw new ValidationError('invalid_options', 'maxMemoryMb must be a positive number of MiB.', {
      data: { option: 'maxMemoryMb', value: maxMemoryMb },
    });
  }
  if (!(intervalMs > 0 && Number.isFinite(intervalMs))) {
    throw new ValidationError('invalid_options', 'intervalMs must be a positive number.', {
      data: { option: 'intervalMs', value: intervalMs },
    });
  }
  const rss = options.rss ?? (() => process.memoryUsage.rss());
  let lastMb = 0;
  const sample = (): number => {
    lastMb = rss() / MIB;
    return lastMb;
  };
  const over = (): boolean => maxMemoryMb !== undefined && lastMb > maxMemoryMb;
  let timer: ReturnType<typeof setInterval> | undefined;
  if (maxMemoryMb !== undefined) {
    sample();
    timer = setInterval(sample, intervalMs);
    timer.unref();
  }

  const hook: ToolPolicyHook = () => {
    if (!over()) return ALLOW;
    const limit = maxMemoryMb as number;
    const size = Math.round(lastMb);
    const message = `The process uses ${size} MiB, above the ${limit} MiB limit (resources.maxMemoryMb); retry later.`;
    const data: MemoryGuardDenialData = {
      code: 'resource_exhausted',
      reason: 'memory',
      limit,
      size,
    };
    return {
      allow: false,
      reason: message,
      data,
      cause: new SecurityError('resource_exhausted', message, { data }),
    };
  };

  return {
    hook,
    sample,
    get shedding() {
      return over();
    },
    close() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}
