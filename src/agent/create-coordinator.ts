import { ValidationError } from '../errors/families.js';
import { safeParseAgentId } from '../identifiers/identifiers.js';
import { inMemoryMemory } from '../memory/in-memory.js';
import type { Memory } from '../memory/memory.js';
import { namespaced } from '../memory/namespaced.js';
import { createDeadlineQueue } from '../timing/deadlines.js';
import {
  agentBusy,
  agentDuplicate,
  agentNotFound,
  coordinatorClosed,
  stepAborted,
} from './_errors.js';
import { createEventHub } from './_event-hub.js';
import { runLifecycle } from './_lifecycle.js';
import { resolveOptions } from './_options.js';
import { type AgentRecord, runStep, type StepRuntime } from './_run-step.js';
import { createSerialQueue, type SerialQueue } from './_serial-queue.js';
import type { Agent } from './agent.js';
import type { Coordinator, CoordinatorOptions } from './coordinator.js';
import type { CoordinatorEvent, CoordinatorListener } from './events.js';

interface Entry<Obs, Act> extends AgentRecord<Obs, Act> {
  /** `initializing` until `initialize` succeeds; `removing` once removal began. */
  state: 'initializing' | 'ready' | 'removing';
  readonly queue: SerialQueue;
  /** Maps the reason of a caller's signal that aborts a waiting step (made once, not per step). */
  readonly abortedWhileWaiting: (reason: unknown) => unknown;
  removal?: Promise<void>;
}

const REQUIRED_METHODS = ['observe', 'callTools', 'handleResult', 'act'] as const;
const OPTIONAL_METHODS = ['initialize', 'cleanup'] as const;
const noop = (): void => {};

function checkAgent(agentId: string, agent: unknown): void {
  const wrong: string[] = [];
  if (typeof agent === 'object' && agent !== null) {
    const methods = agent as Record<string, unknown>;
    for (const name of REQUIRED_METHODS) {
      if (typeof methods[name] !== 'function') wrong.push(name);
    }
    for (const name of OPTIONAL_METHODS) {
      if (methods[name] !== undefined && typeof methods[name] !== 'function') wrong.push(name);
    }
  } else {
    wrong.push(...REQUIRED_METHODS);
  }
  if (wrong.length > 0) {
    throw new ValidationError(
      'invalid_input',
      `The agent for '${agentId}' is not an Agent: ${wrong.join(', ')} must be methods.`,
      { data: { agentId, methods: wrong } },
    );
  }
}

/**
 * Creates a coordinator that runs agents' steps against a tool registry.
 *
 * @throws {@link ValidationError} with code `invalid_options` when an option is out of range.
 * @example
 * ```ts
 * const registry = createToolRegistry().register(
 *   defineTool({
 *     name: 'text_uppercase',
 *     description: 'Upper-cases text',
 *     inputSchema: { type: 'string' },
 *     call: (text: string) => text.toUpperCase(),
 *   }),
 * );
 * const coordinator = createCoordinator({ registry });
 * let text = '';
 * await coordinator.add('echo', {
 *   observe(input) { text = input; },
 *   callTools: () => (text === text.toUpperCase() ? [] : [{ name: 'text_uppercase', input: text }]),
 *   handleResult({ result }) { if (result.ok) text = String(result.output); },
 *   act: () => `Echo: ${text}`,
 * });
 * coordinator.on('tool.called', (event) => console.log('calling', event.call.name));
 * await coordinator.step('echo', 'hello'); // 'Echo: HELLO'
 * await coordinator.close();
 * ```
 */
export function createCoordinator<Obs = string, Act = string>(
  options: CoordinatorOptions,
): Coordinator<Obs, Act> {
  const resolved = resolveOptions(options);
  const { logger } = resolved;
  const events = createEventHub<CoordinatorEvent<Obs, Act>>(logger);
  const runtime: StepRuntime<Obs, Act> = {
    options: resolved,
    events,
    deadlines: createDeadlineQueue(resolved.stepTimeoutMs),
  };
  const entries = new Map<string, Entry<Obs, Act>>();
  const pendingAdds = new Set<Promise<void>>();
  // The default memory is made on first use, so a coordinator that never
  // gets an agent allocates none, and it is ours to close.
  let ownMemory: Memory | undefined;
  let closing: Promise<void> | undefined;

  const baseMemory = (): Memory => {
    if (resolved.memory !== undefined) return resolved.memory;
    if (ownMemory === undefined) ownMemory = inMemoryMemory();
    return ownMemory;
  };

  // Ids are stored trimmed (as agentId() makes them); accept the untrimmed form too.
  const lookup = (id: string): Entry<Obs, Act> | undefined =>
    entries.get(id) ?? (typeof id === 'string' ? entries.get(id.trim()) : undefined);

  const startRemoval = (entry: Entry<Obs, Act>): Promise<void> => {
    if (entry.removal !== undefined) return entry.removal;
    entry.state = 'removing';
    entry.removal = (async () => {
      try {
        await entry.queue.drained();
        await runLifecycle(entry, 'cleanup', resolved.stepTimeoutMs, logger);
      } finally {
        if (entries.get(entry.id) === entry) entries.delete(entry.id);
      }
    })();
    return entry.removal;
  };

  const addAgent = async (id: string, agent: Agent<Obs, Act>): Promise<void> => {
    if (closing !== undefined) throw coordinatorClosed();
    const parsed = safeParseAgentId(id);
    if (!parsed.ok) throw parsed.error;
    const key: string = parsed.value;
    checkAgent(key, agent);
    const existing = entries.get(key);
    if (existing !== undefined) throw agentDuplicate(key, existing.state === 'removing');
    const memory = resolved.namespaceMemory ? namespaced(baseMemory(), key) : baseMemory();
    const entry: Entry<Obs, Act> = {
      id: key,
      agent,
      memory,
      steps: 0,
      state: 'initializing',
      queue: createSerialQueue(),
      abortedWhileWaiting: (reason) => stepAborted(key, reason),
    };
    entries.set(key, entry);
    try {
      await runLifecycle(entry, 'initialize', resolved.stepTimeoutMs, logger);
    } catch (error) {
      entries.delete(key);
      throw error;
    }
    if (closing !== undefined) {
      // close() began while initialize ran: undo the add rather than leak the agent.
      await startRemoval(entry).catch((error: unknown) =>
        logger.error('Agent cleanup failed while the coordinator closed.', { agentId: key, error }),
      );
      throw coordinatorClosed();
    }
    entry.state = 'ready';
  };

  const closeAll = async (): Promise<void> => {
    for (const entry of entries.values()) entry.queue.cancelWaiting(coordinatorClosed);
    await Promise.all(pendingAdds);
    const removals = [...entries.values()].map((entry) =>
      startRemoval(entry).catch((error: unknown) =>
        logger.error('Agent cleanup failed while the coordinator closed.', {
          agentId: entry.id,
          error,
        }),
      ),
    );
    await Promise.all(removals);
    if (ownMemory?.close !== undefined) {
      await ownMemory
        .close()
        .catch((error: unknown) => logger.error('Closing the default memory failed.', { error }));
    }
    events.clear();
  };

  return {
    add(id, agent) {
      const added = addAgent(id, agent);
      const settled = added.then(noop, noop);
      pendingAdds.add(settled);
      void settled.then(() => pendingAdds.delete(settled));
      return added;
    },

    remove(id) {
      const entry = lookup(id);
      if (entry === undefined || entry.state === 'initializing') {
        return Promise.reject(closing !== undefined ? coordinatorClosed() : agentNotFound(id));
      }
      return startRemoval(entry);
    },

    has(id) {
      return lookup(id)?.state === 'ready';
    },

    ids() {
      const ids: string[] = [];
      for (const entry of entries.values()) if (entry.state === 'ready') ids.push(entry.id);
      return ids;
    },

    step(id, observation, stepOptions) {
      if (closing !== undefined) return Promise.reject(coordinatorClosed());
      const entry = lookup(id);
      if (entry === undefined || entry.state !== 'ready') return Promise.reject(agentNotFound(id));
      const signal = stepOptions?.signal;
      if (signal?.aborted) return Promise.reject(stepAborted(entry.id, signal.reason));
      const { queue } = entry;
      if (queue.busy && queue.waiting >= resolved.maxQueuedSteps) {
        return Promise.reject(agentBusy(entry.id, resolved.maxQueuedSteps));
      }
      return queue.run(
        () => runStep(runtime, entry, observation, stepOptions),
        signal,
        entry.abortedWhileWaiting,
      );
    },

    on(type, listener) {
      // A listener for one type only ever receives events of that type.
      return events.on(type, listener as CoordinatorListener<CoordinatorEvent<Obs, Act>>);
    },

    onAny(listener) {
      return events.onAny(listener);
    },

    close() {
      closing ??= closeAll();
      return closing;
    },
  };
}
