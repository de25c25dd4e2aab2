import { type KnownOptions, rejectUnknownOptions } from '../../_known-options.js';
import { ValidationError } from '../../errors/families.js';
import { type AuditPolicy, DEFAULT_POLICY } from '../policy/policy.js';
import { createSecretScanner, type SecretScanner } from '../secrets/scanner.js';
import {
  AUDIT_SEVERITIES,
  type AuditEvent,
  type AuditEventInput,
  type AuditEventType,
  type AuditSeverity,
  defaultSeverity,
} from './events.js';
import type { AuditSink } from './sinks.js';

/** The options createAuditLogger takes, checked against AuditLoggerOptions. */
const AUDIT_LOGGER_OPTIONS = {
  sink: true,
  policy: true,
  scanner: true,
  onError: true,
  now: true,
  newId: true,
} satisfies KnownOptions<AuditLoggerOptions>;

/** Options of {@link createAuditLogger}. */
export interface AuditLoggerOptions {
  /** Where events go. */
  readonly sink: AuditSink;
  /**
   * What to emit: `enabled`, the minimum `level`, `logAllowed` (whether
   * `tool.allowed` events are written) and `redactSecrets`.
   * @defaultValue `DEFAULT_POLICY.audit` (on, level info, allowed calls logged, redacted)
   */
  readonly policy?: AuditPolicy;
  /**
   * Redacts events when `policy.redactSecrets` is on; pass one built with the
   * policy's `secrets.extraPatterns` to redact custom secrets too.
   * @defaultValue `createSecretScanner()` (the built-in detectors)
   */
  readonly scanner?: SecretScanner;
  /**
   * Called when the sink throws or rejects (with the error and the event).
   * It must not throw; the call being audited goes on either way.
   * @defaultValue ignore the failure
   */
  readonly onError?: (error: unknown, event: AuditEvent) => void;
  /** Clock for timestamps, in epoch milliseconds. @defaultValue `Date.now` */
  readonly now?: () => number;
  /** Generates event ids. @defaultValue `crypto.randomUUID` */
  readonly newId?: () => string;
}

/** Turns event inputs into stamped, filtered, redacted events and hands them to a sink. */
export interface AuditLogger {
  /** The audit settings in force. */
  readonly policy: AuditPolicy;
  /**
   * Whether an event of this type and severity would be written; emitters
   * check it before building an event they would otherwise throw away.
   */
  accepts(type: AuditEventType, severity: AuditSeverity): boolean;
  /**
   * Stamps (id, timestamp, default severity), filters by policy, redacts
   * every string when `redactSecrets` is on, and writes. Returns the event
   * as written, or undefined when it was filtered out. Never throws.
   */
  record(input: AuditEventInput): AuditEvent | undefined;
}

const rank = (severity: AuditSeverity): number => AUDIT_SEVERITIES.indexOf(severity);

function ignore(): void {
  // The default: a broken sink costs the event, not the call.
}

/**
 * Creates an audit logger over a sink. Filtering: nothing when
 * `policy.enabled` is false; `tool.allowed` only when `logAllowed`; only
 * events at or above `policy.level`. With `redactSecrets` (the default),
 * every string in the event, nested `detail` included, goes through the
 * secret scanner and values under secret-named keys are replaced, so a
 * secret that reached a reason or a message never reaches the sink.
 *
 * @throws `ValidationError` with code `invalid_options` when `sink` has no `write` method.
 * @example
 * ```ts
 * const audit = createAuditLogger({ sink: consoleAuditSink(), policy: policy.audit });
 * audit.record({ type: 'auth.failed', method: 'api_key', reason: 'auth_invalid' });
 * ```
 */
export function createAuditLogger(options: AuditLoggerOptions): AuditLogger {
  rejectUnknownOptions('createAuditLogger', options, AUDIT_LOGGER_OPTIONS);
  const sink = options?.sink;
  if (typeof sink?.write !== 'function') {
    throw new ValidationError(
      'invalid_options',
      "The audit logger option 'sink' must be an object with a write(event) method.",
      { data: { option: 'sink' } },
    );
  }
  const policy = options.policy ?? DEFAULT_POLICY.audit;
  const minimum = rank(policy.level);
  const scanner = policy.redactSecrets ? (options.scanner ?? createSecretScanner()) : undefined;
  const onError = options.onError ?? ignore;
  const now = options.now ?? Date.now;
  const newId = options.newId ?? (() => crypto.randomUUID());

  const accepts = (type: AuditEventType, severity: AuditSeverity): boolean =>
    policy.enabled && (type !== 'tool.allowed' || policy.logAllowed) && rank(severity) >= minimum;

  const report = (error: unknown, event: AuditEvent): void => {
    try {
      onError(error, event);
    } catch {
      // onError must not throw; if it does, the call still goes on.
    }
  };

  // Timestamps repeat within a millisecond under load; formatting one is not free.
  let lastMs = Number.NaN;
  let lastIso = '';
  const timestamp = (): string => {
    const ms = now();
    if (ms !== lastMs) {
      lastMs = ms;
      lastIso = new Date(ms).toISOString();
    }
    return lastIso;
  };

  return {
    policy,
    accepts,
    record(input) {
      let event: AuditEvent | undefined;
      try {
        const severity = input.severity ?? defaultSeverity(input);
        if (!accepts(input.type, severity)) return undefined;
        // Only the emitter's fields can hold a secret; the stamp is added after redaction.
        const body = scanner === undefined ? input : scanner.redactValue(input);
        // Object.assign, not spread: V8 spreads followed by more properties slowly.
        const stamped = Object.assign({ id: newId(), timestamp: timestamp(), severity }, body);
        stamped.severity = severity;
        event = stamped as AuditEvent;
        const written = sink.write(event);
        if (written !== undefined && typeof (written as Promise<void>).then === 'function') {
          (written as Promise<void>).then(undefined, (error: unknown) =>
            report(error, stamped as AuditEvent),
          );
        }
        return event;
      } catch (error) {
        if (event !== undefined) report(error, event);
        return event;
      }
    },
  };
}
