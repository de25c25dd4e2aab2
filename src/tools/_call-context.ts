import type { Logger } from '../observability/logger.js';
import type { Span, Tracer } from '../observability/tracing.js';
import type { Principal } from '../principal.js';
import type { CallLifecycle } from './_call-lifecycle.js';

/**
 * The context a tool receives. `signal` is an accessor that creates the
 * AbortController on first read: creating one costs microseconds, and most
 * synchronous tools never look.
 */
export class CallContext {
  readonly principal: Principal | undefined;
  readonly logger: Logger;
  readonly tracer: Tracer;
  readonly span: Span | undefined;
  readonly #call: CallLifecycle;

  constructor(call: CallLifecycle) {
    const ctx = call.ctx;
    this.#call = call;
    this.principal = ctx?.principal;
    this.logger = ctx?.logger ?? call.state.logger;
    this.tracer = call.state.tracer;
    this.span = call.span ?? ctx?.span;
  }

  get signal(): AbortSignal {
    return this.#call.toolSignal();
  }
}
