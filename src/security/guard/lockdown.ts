import { ValidationError } from '../../errors/families.js';
import type { AuditLogger } from '../audit/audit-logger.js';
import { toolGlob } from '../policy/_rules.js';
import { DEFAULT_POLICY, type EmergencyPolicy } from '../policy/policy.js';
import { type ToolSet, toolSet } from './_tool-set.js';

/** Where lockdown stands. */
export interface LockdownState {
  /** Whether any tool is being denied. */
  readonly active: boolean;
  /** `all`: every tool but `tools` is denied; `named`: only `tools` are denied. */
  readonly scope: 'all' | 'named';
  /** Allowed tools (scope `all`) or denied tools (scope `named`): names or `*`/`?` globs. */
  readonly tools: readonly string[];
}

/** Who changed lockdown and why, for the audit event. */
export interface LockdownChange {
  /** The principal who made the change. */
  readonly principalId?: string;
  /** Why, in words. */
  readonly message?: string;
}

/** Options of {@link createLockdown}. */
export interface LockdownOptions {
  /**
   * Receives a `lockdown.changed` event on every `activate` and `lift`.
   * @defaultValue none (changes are not audited)
   */
  readonly audit?: AuditLogger;
}

/** The emergency switch. Changes take effect for the very next call. */
export interface Lockdown {
  /** Whether lockdown is on. */
  readonly isActive: boolean;
  /** The current state (a fresh snapshot on each read). */
  readonly state: LockdownState;
  /**
   * Switches lockdown on (or changes it). With no `tools`, denies every tool
   * except the policy's `emergency.allowedTools`; with `tools` (names or
   * globs), denies just those.
   * @throws `ValidationError` with code `invalid_input` for an empty list or a bad name or glob.
   */
  activate(tools?: readonly string[], change?: LockdownChange): void;
  /** Switches lockdown off; a no-op (not audited) when it is already off. */
  lift(change?: LockdownChange): void;
  /** Whether `toolName` may run now. */
  allows(toolName: string): boolean;
}

function checkTools(tools: readonly string[]): void {
  if (!Array.isArray(tools) || tools.length === 0) {
    throw new ValidationError(
      'invalid_input',
      'lockdown.activate(tools) needs at least one tool name or glob; call activate() with no argument to deny every tool.',
      { data: { tools } },
    );
  }
  tools.forEach((tool, index) => {
    const problem = toolGlob(tool);
    if (problem !== undefined) {
      throw new ValidationError('invalid_input', `lockdown.activate: tools[${index}] ${problem}.`, {
        data: { index, tool },
      });
    }
  });
}

/**
 * Creates an emergency-lockdown switch, on from the start when
 * `emergency.lockdown` is true (that initial state is not audited). Share
 * one switch between guards by passing it as their `lockdown` option.
 *
 * @example
 * ```ts
 * const lockdown = createLockdown(policy.emergency, { audit });
 * lockdown.activate();                       // everything but emergency.allowedTools
 * lockdown.activate(['shell_*', 'file_delete']); // just these
 * lockdown.lift({ principalId: 'oncall', message: 'incident closed' });
 * ```
 */
export function createLockdown(
  emergency: EmergencyPolicy = DEFAULT_POLICY.emergency,
  options: LockdownOptions = {},
): Lockdown {
  const allowed = toolSet(emergency.allowedTools);
  let active = emergency.lockdown;
  let scope: 'all' | 'named' = 'all';
  let set: ToolSet = allowed;

  const audit = (reason: 'activated' | 'lifted', change: LockdownChange | undefined): void => {
    const logger = options.audit;
    if (logger === undefined) return;
    logger.record({
      type: 'lockdown.changed',
      reason,
      active,
      scope,
      tools: set.patterns,
      ...(change?.principalId === undefined ? {} : { principalId: change.principalId }),
      ...(change?.message === undefined ? {} : { message: change.message }),
    });
  };

  return {
    get isActive() {
      return active;
    },
    get state() {
      return Object.freeze({ active, scope, tools: set.patterns });
    },
    activate(tools, change) {
      if (tools === undefined) {
        scope = 'all';
        set = allowed;
      } else {
        checkTools(tools);
        scope = 'named';
        set = toolSet(tools);
      }
      active = true;
      audit('activated', change);
    },
    lift(change) {
      if (!active) return;
      active = false;
      audit('lifted', change);
      scope = 'all';
      set = allowed;
    },
    allows(toolName) {
      if (!active) return true;
      return scope === 'all' ? set.has(toolName) : !set.has(toolName);
    },
  };
}
