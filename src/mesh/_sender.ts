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
import type { MeshTransport } from './transport.js';

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

  return {
    observe,
    async enqueue(message, bypass) {
      const max = bypass ? Number.POSITIVE_INFINITY : options.criticalDepth;
      let result = await transport.enqueue(message, max);
      observe(message.to, result.depth);
      if (!result.accepted) {
        if (options.backpressureMode === 'reject') throw refuse(message.to, result.depth, 0);
        const started = options.clock.now();
        for (;;) {
          const waited = options.clock.now() - started;
          if (waited >= options.maxWaitMs) throw refuse(message.to, result.depth, waited);
          await timers.sleep(Math.min(options.pollIntervalMs, options.maxWaitMs - waited));
          assertOpen();
          result = await transport.enqueue(message, max);
          observe(message.to, result.depth);
          if (result.accepted) break;
        }
      }
      options.metrics.meshMessageSent?.call(options.metrics, { kind: message.kind });
    },
  };
}
