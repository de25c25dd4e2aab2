import { MeshError } from '../errors/families.js';
import type { AgentId } from '../identifiers/identifiers.js';
import type { MeshEvents } from './_events.js';
import type { ResolvedMeshOptions } from './_resolve-options.js';
import type { TimerSet } from './_timers.js';
import {
  type BackpressureErrorData,
  type BackpressureLevel,
  backpressureLevel,
} from './backpressure.js';
import type { AddressedMessage } from './message.js';
import type { EnqueueResult, MeshTransport } from './transport.js';

/** Mailbox sends with backpressure, and the levels this node has seen. */
export interface Sender {
  enqueue(message: AddressedMessage, bypass: boolean): Promise<void>;
  observe(agent: AgentId, depth: number): BackpressureLevel;
}

export function createSender(
  transport: MeshTransport,
  options: ResolvedMeshOptions,
  events: MeshEvents,
  timers: TimerSet,
  assertOpen: () => void,
): Sender {
  // Only mailboxes above normal are kept, so the map stays small.
  const levels = new Map<AgentId, BackpressureLevel>();

  function observe(agent: AgentId, depth: number): BackpressureLevel {
    const level = backpressureLevel(depth, options);
    options.metrics.meshQueueDepth?.call(options.metrics, { agent, depth, level });
    const previous = levels.get(agent) ?? 'normal';
    if (level === previous) return level;
    if (level === 'normal') levels.delete(agent);
    else levels.set(agent, level);
    events.emit({ type: 'backpressure', agent, level, previous, depth });
    return level;
  }

  function refuse(
    agent: AgentId,
    depth: number,
    waitedMs: number,
  ): MeshError<BackpressureErrorData> {
    return new MeshError(
      'backpressure',
      `The mailbox of ${agent} holds ${depth} messages (critical depth ${options.criticalDepth}); retry later or slow down.`,
      { data: { agent, depth, limit: options.criticalDepth, waitedMs } },
    );
  }

  function sent(message: AddressedMessage): void {
    options.metrics.meshMessageSent?.call(options.metrics, { kind: message.kind });
  }

  /** The mailbox was full: refuse, or wait for room (`mode: 'wait'`). */
  async function retry(message: AddressedMessage, max: number, depth: number): Promise<void> {
    if (options.backpressureMode === 'reject') throw refuse(message.to, depth, 0);
    const started = options.clock.now();
    let last = depth;
    for (;;) {
      const waited = options.clock.now() - started;
      if (waited >= options.maxWaitMs) throw refuse(message.to, last, waited);
      await timers.sleep(Math.min(options.pollIntervalMs, options.maxWaitMs - waited));
      assertOpen();
      const result = await transport.enqueue(message, max);
      observe(message.to, result.depth);
      last = result.depth;
      if (result.accepted) break;
    }
    sent(message);
  }

  return {
    observe,
    // Not async: an accepted send (nearly every one) resolves with no extra promise turns.
    enqueue(message, bypass) {
      const max = bypass ? Number.POSITIVE_INFINITY : options.criticalDepth;
      let accepted: Promise<EnqueueResult>;
      try {
        accepted = transport.enqueue(message, max);
      } catch (error) {
        // A transport should reject, not throw; either way the caller gets a rejection.
        return Promise.reject(error);
      }
      return accepted.then((result) => {
        observe(message.to, result.depth);
        if (!result.accepted) return retry(message, max, result.depth);
        sent(message);
      });
    },
  };
}
