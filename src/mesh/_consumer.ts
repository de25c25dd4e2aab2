import { isThenable } from '../agent/_async.js';
import type { AgentId } from '../identifiers/identifiers.js';
import { Delivery } from './_delivery-context.js';
import { handlerTimeout, type MeshRuntime, toFailure } from './_runtime.js';
import type { TimerHandle } from './_timers.js';
import type { DeadLetter, DeadLetterReason, DeliveryFailure } from './dead-letter.js';
import type { MessageHandler } from './mesh.js';
import type { AddressedMessage } from './message.js';
import { newMessageId } from './message.js';
import type { RequestTracker } from './patterns/_request-tracker.js';
import type { TransportConsumer, TransportDelivery } from './transport.js';

/** A joined agent's mailbox consumer. */
export interface MailboxConsumer {
  readonly agent: AgentId;
  readonly handler: MessageHandler;
  /** Stops consuming; deliveries in progress are abandoned (their messages come back). */
  close(reason: unknown): Promise<void>;
}

const MAX_RAW_KEPT = 65_536;

/**
 * Consumes one agent's mailbox: decides, for each delivery, between
 * dead-lettering (invalid frame, expired, too many attempts), handing a
 * reply to its request, and running the handler with the visibility
 * timeout, then acks, nacks or dead-letters.
 */
export async function startConsumer(
  rt: MeshRuntime,
  requests: RequestTracker,
  agent: AgentId,
  handler: MessageHandler,
  concurrency: number,
): Promise<MailboxConsumer> {
  const { options, events } = rt;
  const { visibilityTimeoutMs } = options;
  /** Deliveries being handled, oldest first. */
  const active = new Set<Running>();
  let closed = false;
  /**
   * One timer for the whole consumer, set for the oldest asynchronous
   * delivery: every delivery has the same visibility timeout, so deadlines
   * come in the order of `active`, and a delivery starts no timer of its own
   * (this runs once per message).
   */
  let deadlineTimer: TimerHandle | undefined;
  /** The delivery the timer was set for: due when it fires, whatever the clock says. */
  let armedFor: Running | undefined;

  class Running {
    settled = false;
    /** Whether the handler returned a promise (only those can time out). */
    timed = false;
    constructor(
      readonly delivery: TransportDelivery,
      readonly message: AddressedMessage,
      readonly ctx: Delivery,
      readonly started: number,
    ) {}

    succeed(): void {
      if (!this.finish(true)) return;
      this.delivery.ack().then(undefined, (error: unknown) => logTransport('ack', error));
    }

    fail(error: unknown): void {
      if (!this.finish(false)) return;
      const failure = toFailure(error);
      const willRetry = this.delivery.attempt < options.maxDeliveries;
      options.logger.warn('A mesh handler failed.', {
        agent,
        messageId: this.message.id,
        attempt: this.delivery.attempt,
        error,
      });
      if (events.wants('delivery_failed')) {
        events.emit({
          type: 'delivery_failed',
          agent,
          message: this.message,
          error: failure,
          willRetry,
        });
      }
      if (willRetry) {
        this.delivery.nack(failure).then(undefined, (e: unknown) => logTransport('nack', e));
      } else deadLetter(this.delivery, 'max_deliveries', failure, this.message);
    }

    private finish(ok: boolean): boolean {
      if (this.settled) return false;
      this.settled = true;
      active.delete(this);
      const handled = options.metrics.meshMessageHandled;
      if (handled !== undefined) {
        handled.call(options.metrics, {
          kind: this.message.kind,
          ok,
          attempt: this.delivery.attempt,
          durationMs: options.clock.now() - this.started,
        });
      }
      return true;
    }
  }

  function armDeadline(): void {
    if (deadlineTimer !== undefined || closed) return;
    for (const running of active) {
      if (!running.timed) continue;
      const wait = running.started + visibilityTimeoutMs - options.clock.now();
      armedFor = running;
      deadlineTimer = rt.timers.start(onDeadline, wait);
      return;
    }
    armedFor = undefined;
  }

  function onDeadline(): void {
    const due = armedFor;
    deadlineTimer = undefined;
    const now = options.clock.now();
    for (const running of [...active]) {
      if (!running.timed) continue;
      if (running !== due && running.started + visibilityTimeoutMs > now) break;
      const error = handlerTimeout(visibilityTimeoutMs);
      running.ctx.abort(error);
      running.fail(error);
    }
    armDeadline();
  }

  function logTransport(what: string, error: unknown): void {
    options.logger.error(`The mesh transport failed to ${what} a delivery.`, { agent, error });
  }

  function deadLetter(
    delivery: TransportDelivery,
    reason: DeadLetterReason,
    error: DeliveryFailure,
    message: AddressedMessage | undefined,
  ): void {
    const now = options.clock.now();
    const base = {
      id: message?.id ?? newMessageId(),
      agent,
      reason,
      error,
      attempts: delivery.attempt,
      deadLetteredAt: now,
      expiresAt: now + options.deadLetterTtlMs,
    };
    const entry: DeadLetter =
      message !== undefined
        ? { ...base, message }
        : { ...base, raw: (delivery.invalid?.raw ?? '').slice(0, MAX_RAW_KEPT) };
    delivery.deadLetter(entry, options.maxDeadLetters).then(
      () => rt.reportDeadLetter(entry),
      (e: unknown) => logTransport('dead-letter', e),
    );
  }

  function deliver(delivery: TransportDelivery): void {
    if (closed) return;
    const { message } = delivery;
    if (message === undefined) {
      const invalid = delivery.invalid;
      const error = invalid?.error;
      if (error !== undefined && events.wants('message_invalid')) {
        events.emit({ type: 'message_invalid', source: 'mailbox', agent, error });
      }
      deadLetter(
        delivery,
        'invalid',
        error === undefined ? { message: 'The delivery had no message.' } : toFailure(error),
        undefined,
      );
      return;
    }
    if (rt.isExpired(message)) {
      deadLetter(
        delivery,
        'expired',
        { message: `The message expired (ttl ${message.ttlMs} ms).` },
        message,
      );
      return;
    }
    if (message.kind === 'reply') {
      requests.accept(message);
      delivery.ack().then(undefined, (error: unknown) => logTransport('ack', error));
      return;
    }
    if (delivery.attempt > options.maxDeliveries) {
      // Redelivered past the limit without a nack: its consumers kept dying or hanging.
      deadLetter(
        delivery,
        'max_deliveries',
        delivery.lastError ?? {
          code: 'mesh_timeout',
          message: 'The visibility timeout passed without an acknowledgement.',
        },
        message,
      );
      return;
    }
    run(delivery, message);
  }

  function run(delivery: TransportDelivery, message: AddressedMessage): void {
    const ctx = new Delivery(rt, agent, message, delivery.attempt);
    const running = new Running(delivery, message, ctx, options.clock.now());
    active.add(running);
    let result: unknown;
    try {
      result = handler(message, ctx);
    } catch (error) {
      running.fail(error);
      return;
    }
    if (!isThenable(result)) {
      running.succeed();
      return;
    }
    running.timed = true;
    armDeadline();
    result.then(
      () => running.succeed(),
      (error: unknown) => running.fail(error),
    );
  }

  const consumer: TransportConsumer = await rt.transport.consume(agent, {
    visibilityTimeoutMs,
    prefetch: concurrency,
    deliver,
  });

  return {
    agent,
    handler,
    async close(reason) {
      if (closed) return;
      closed = true;
      // Abandon running handlers: no ack or nack may follow; the transport
      // makes their messages visible again.
      deadlineTimer?.cancel();
      deadlineTimer = undefined;
      armedFor = undefined;
      for (const running of [...active]) {
        running.settled = true;
        running.ctx.abort(reason);
      }
      active.clear();
      await consumer.close();
    },
  };
}
