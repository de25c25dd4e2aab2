import { ValidationError } from '../../errors/families.js';
import type { AuditEvent } from './events.js';

/**
 * Where audit events go. `write` may be synchronous or return a promise; the
 * audit logger never lets a sink's failure (a throw or a rejection) reach
 * the call being audited.
 */
export interface AuditSink {
  /** Stores or forwards one event (already filtered and redacted). */
  write(event: AuditEvent): void | Promise<void>;
}

/** Options of {@link consoleAuditSink}. */
export interface ConsoleAuditSinkOptions {
  /**
   * Receives each line (one JSON object, no trailing newline).
   * @defaultValue `console.log`
   */
  readonly write?: (line: string) => void;
}

/** Serialises an event, falling back to a minimal line when `detail` holds something JSON cannot encode. */
function toLine(event: AuditEvent): string {
  try {
    return JSON.stringify(event);
  } catch {
    const { detail: _detail, ...rest } = event as AuditEvent & { detail?: unknown };
    return JSON.stringify({ ...rest, detail: '[UNSERIALISABLE]' });
  }
}

/**
 * A sink that writes every event as one JSON line, by default through
 * `console.log` (the core never touches `process.stdout`; pass a writer to
 * send lines elsewhere).
 *
 * @example
 * ```ts
 * const sink = consoleAuditSink({ write: (line) => process.stderr.write(`${line}\n`) });
 * ```
 */
export function consoleAuditSink(options: ConsoleAuditSinkOptions = {}): AuditSink {
  const write = options.write ?? ((line: string) => console.log(line));
  return {
    write(event) {
      write(toLine(event));
    },
  };
}

/** Options of {@link memoryAuditSink}. */
export interface MemoryAuditSinkOptions {
  /**
   * Most events kept; older ones are dropped first.
   * @defaultValue 10000
   */
  readonly maxEvents?: number;
}

/** An in-memory sink: the events it received, oldest first. */
export interface MemoryAuditSink extends AuditSink {
  /** The events kept so far, oldest first (a fresh array on each read). */
  readonly events: readonly AuditEvent[];
  /** Forgets every event. */
  clear(): void;
}

/**
 * A sink that keeps events in an array, for tests and in-process inspection.
 *
 * @throws `ValidationError` with code `invalid_options` when `maxEvents` is not a positive integer.
 * @example
 * ```ts
 * const sink = memoryAuditSink();
 * const guard = createSecurityGuard({ policy, sink });
 * // ... dispatch calls ...
 * expect(sink.events.map((e) => e.type)).toContain('tool.denied');
 * ```
 */
export function memoryAuditSink(options: MemoryAuditSinkOptions = {}): MemoryAuditSink {
  const max = options.maxEvents ?? 10_000;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) {
    throw new ValidationError(
      'invalid_options',
      "The memory audit sink option 'maxEvents' must be a positive integer.",
      { data: { option: 'maxEvents', value: max } },
    );
  }
  // A ring: writing stays O(1) however many events are kept.
  let ring: AuditEvent[] = [];
  let next = 0;
  return {
    get events() {
      return ring.length < max ? ring.slice() : [...ring.slice(next), ...ring.slice(0, next)];
    },
    write(event) {
      if (ring.length < max) ring.push(event);
      else {
        ring[next] = event;
        next = (next + 1) % max;
      }
    },
    clear() {
      ring = [];
      next = 0;
    },
  };
}
