import type { Memory } from '../memory/memory.js';
import type { Logger } from '../observability/logger.js';
import type { Span } from '../observability/tracing.js';
import type { Principal } from '../principal.js';
import { ABORT_SOURCE, type AbortSource } from '../tools/_abort-source.js';
import type { DispatchContext } from '../tools/registry.js';
import type { AbortScope } from './_abort-scope.js';
import type { AgentContext } from './agent.js';

/*
 * Both contexts make the step's AbortSignal only when `signal` is read (see
 * AbortScope). `signal` is an own enumerable accessor, defined with one
 * shared descriptor so every context keeps the same hidden class: spreading
 * a context (`{ ...ctx, round: 2 }`) or listing its keys still sees it.
 */

/** The context an agent method gets. */
export class StepContext implements AgentContext {
  static readonly #signal: PropertyDescriptor = {
    get(this: StepContext): AbortSignal {
      return this.#scope.signal;
    },
    enumerable: true,
  };

  readonly #scope: AbortScope;
  // Declared only, and set in the constructor in the order a literal would
  // list them (signal included); principal is absent when there is none.
  declare readonly agentId: string;
  declare readonly memory: Memory;
  declare readonly signal: AbortSignal;
  declare readonly logger: Logger;
  declare readonly step: number;
  declare readonly round: number;
  declare readonly principal?: Principal;

  constructor(
    scope: AbortScope,
    agentId: string,
    memory: Memory,
    logger: Logger,
    principal: Principal | undefined,
    step: number,
    round: number,
  ) {
    this.#scope = scope;
    this.agentId = agentId;
    this.memory = memory;
    Object.defineProperty(this, 'signal', StepContext.#signal);
    this.logger = logger;
    this.step = step;
    this.round = round;
    if (principal !== undefined) (this as { principal?: Principal }).principal = principal;
  }
}

/**
 * The context a step passes to every dispatch. The registry reads the abort
 * state from {@link ABORT_SOURCE} (an inherited accessor, so a spread copy
 * does not carry it) and never needs the signal; a foreign registry that
 * reads `signal` gets it made on the spot.
 */
export class StepDispatchContext implements DispatchContext {
  static readonly #signal: PropertyDescriptor = {
    get(this: StepDispatchContext): AbortSignal {
      return this.#scope.signal;
    },
    enumerable: true,
  };

  readonly #scope: AbortScope;
  declare readonly signal: AbortSignal;
  declare readonly span: Span;
  declare readonly principal?: Principal;
  declare readonly timeoutMs?: number;

  constructor(
    scope: AbortScope,
    span: Span,
    principal: Principal | undefined,
    timeoutMs: number | undefined,
  ) {
    this.#scope = scope;
    Object.defineProperty(this, 'signal', StepDispatchContext.#signal);
    this.span = span;
    if (principal !== undefined) (this as { principal?: Principal }).principal = principal;
    if (timeoutMs !== undefined) (this as { timeoutMs?: number }).timeoutMs = timeoutMs;
  }

  get [ABORT_SOURCE](): AbortSource {
    return this.#scope;
  }
}
