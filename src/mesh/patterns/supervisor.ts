import type { NonEmptyArray } from '../../collections/non-empty-array.js';
import type { AgentId } from '../../identifiers/identifiers.js';
import { createTimerSet } from '../_timers.js';
import { checkAgent } from '../_validate.js';
import type { DeliveryFailure } from '../dead-letter.js';
import { meshClosed } from '../errors.js';
import type { Mesh } from '../mesh.js';
import type { AddressedMessage, MessageHeaders, MessagePayload } from '../message.js';
import { type MeshClock, systemClock } from '../options.js';
import { resolveSupervisorSettings } from './_supervisor-settings.js';
import { TaskScheduler } from './_task-scheduler.js';
import { WorkerPool } from './_worker-pool.js';

/** How a supervisor picks a worker. */
export type WorkerStrategy = 'least-loaded' | 'round-robin';

/** Options of {@link createSupervisor}. */
export interface SupervisorOptions {
  /** The mesh. */
  readonly mesh: Mesh;
  /** The supervisor's own agent id; `createSupervisor` joins it on `mesh`. */
  readonly id: AgentId;
  /** The workers: agents that answer task requests (see `replyHandler`). */
  readonly workers: NonEmptyArray<AgentId>;
  /**
   * `least-loaded`: the available worker with the fewest tasks in flight
   * (ties: the first listed). `round-robin`: the next available worker in turn.
   * @defaultValue 'least-loaded'
   */
  readonly strategy?: WorkerStrategy;
  /** Tasks in flight per worker. @defaultValue 10 */
  readonly maxTasksPerWorker?: number;
  /** Retries of a failed task (an error reply, a timeout, a refused send). @defaultValue 3 */
  readonly maxRetries?: number;
  /** Delay before the first retry; it doubles on each further retry. @defaultValue 100 */
  readonly retryDelayMs?: number;
  /** Longest delay between retries. @defaultValue 5000 */
  readonly maxRetryDelayMs?: number;
  /** How long one attempt of a task may take, in milliseconds. @defaultValue 30000 */
  readonly taskTimeoutMs?: number;
  /**
   * How often worker presence is checked. A worker that is no longer
   * present is marked unavailable and its tasks are re-queued (without
   * counting a retry); it becomes available again when present.
   * @defaultValue 1000
   */
  readonly healthCheckIntervalMs?: number;
  /** Time and timers. @defaultValue `systemClock` */
  readonly clock?: MeshClock;
}

/** One worker's counters. */
export interface WorkerStats {
  /** The worker's agent id. */
  readonly worker: AgentId;
  /** Tasks in flight. */
  readonly active: number;
  /** Tasks it finished. */
  readonly completed: number;
  /** Task attempts that failed on it. */
  readonly failed: number;
  /** False while the worker is not present. */
  readonly available: boolean;
}

/** The `data` of the `delivery_failed` a task rejects with after its retries. */
export interface TaskFailedData {
  /** Always `task_failed`. */
  readonly reason: 'task_failed';
  /** Attempts made. */
  readonly attempts: number;
  /** The last failure. */
  readonly lastError: DeliveryFailure;
}

/** A supervisor; see {@link createSupervisor}. */
export interface Supervisor {
  /** The supervisor's agent id. */
  readonly id: AgentId;
  /**
   * Queues a task; resolves with the worker's reply.
   * @throws `MeshError` `delivery_failed` after `maxRetries` retries
   *   (`data` is a {@link TaskFailedData}); `mesh_closed` when closed first.
   */
  submit(
    payload: MessagePayload,
    options?: { readonly headers?: MessageHeaders },
  ): Promise<AddressedMessage>;
  /** Adds a worker (no-op if known). */
  addWorker(worker: AgentId): void;
  /** Removes a worker; its tasks in flight are re-queued. */
  removeWorker(worker: AgentId): void;
  /** Tasks waiting for a worker. */
  queued(): number;
  /** Per-worker counters, in the order workers were added. */
  stats(): WorkerStats[];
  /** Rejects waiting tasks with `mesh_closed`, stops the health check and leaves the mesh. */
  close(): Promise<void>;
}

/**
 * Distributes tasks over workers with retries and backoff, and re-queues
 * the tasks of workers whose presence disappears. Written on the `Mesh`
 * contract only, so it runs on every transport. Each task is a `request`
 * to a worker; the worker answers with `ctx.reply` (or `replyError`).
 *
 * @throws `ValidationError` `invalid_options` for bad options; join errors from the mesh.
 * @example
 * ```ts
 * const supervisor = await createSupervisor({
 *   mesh,
 *   id: agentId('boss'),
 *   workers: nonEmptyArray([agentId('w1'), agentId('w2')]),
 * });
 * const reply = await supervisor.submit(jsonPayload({ job: 42 }));
 * await supervisor.close();
 * ```
 */
export async function createSupervisor(options: SupervisorOptions): Promise<Supervisor> {
  const { mesh } = options;
  const settings = resolveSupervisorSettings(options);
  const { id } = settings;
  const timers = createTimerSet(options.clock ?? systemClock);
  const pool = new WorkerPool(settings.strategy, settings.maxTasksPerWorker);
  const tasks = new TaskScheduler(mesh, settings, pool, timers);
  let closed = false;

  const addWorker = (worker: AgentId): void => {
    if (pool.add(checkAgent(worker, 'worker'))) tasks.pump();
  };

  /** Marks workers that vanished unavailable (their tasks re-queued), and those back available. */
  async function check(): Promise<void> {
    await Promise.all(
      pool.all().map(async (worker) => {
        let present: boolean;
        try {
          present = await mesh.isReachable(worker.id);
        } catch {
          return;
        }
        if (!present && worker.available) {
          worker.available = false;
          tasks.lose(worker);
        } else if (present && !worker.available) {
          worker.available = true;
          tasks.pump();
        }
      }),
    );
  }

  function scheduleCheck(): void {
    timers.start(() => {
      if (closed) return;
      check().finally(scheduleCheck);
    }, settings.healthCheckIntervalMs);
  }

  for (const worker of options.workers) addWorker(worker);
  await mesh.join(id, () => {});
  await check();
  scheduleCheck();

  return {
    id,
    submit: (payload, submitOptions = {}) => tasks.submit(payload, submitOptions.headers),
    addWorker,
    removeWorker(worker) {
      const known = pool.remove(worker);
      if (known !== undefined) tasks.lose(known);
    },
    queued: () => tasks.queued(),
    stats: () => pool.stats(),
    async close() {
      if (closed) return;
      closed = true;
      timers.clear(() => meshClosed());
      tasks.close();
      await mesh.leave(id);
    },
  };
}
