import type { NonEmptyArray } from '../../collections/non-empty-array.js';
import { MeshError, ValidationError } from '../../errors/families.js';
import type { AgentId } from '../../identifiers/identifiers.js';
import { toFailure } from '../_runtime.js';
import { createTimerSet } from '../_timers.js';
import { checkAgent } from '../_validate.js';
import type { DeliveryFailure } from '../dead-letter.js';
import { meshClosed } from '../errors.js';
import type { Mesh } from '../mesh.js';
import type { AddressedMessage, MessageHeaders, MessagePayload } from '../message.js';
import { type MeshClock, systemClock } from '../options.js';

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

interface Task {
  readonly payload: MessagePayload;
  readonly headers: MessageHeaders | undefined;
  readonly resolve: (reply: AddressedMessage) => void;
  readonly reject: (error: unknown) => void;
  attempts: number;
  retries: number;
  lastWorker: AgentId | undefined;
  abort: AbortController | undefined;
  /** Set when the worker was lost: the abort that follows re-queues without counting a retry. */
  lost: boolean;
}

interface Worker {
  readonly id: AgentId;
  active: number;
  completed: number;
  failed: number;
  available: boolean;
  readonly tasks: Set<Task>;
}

function positiveInteger(
  name: string,
  value: number | undefined,
  fallback: number,
  min = 1,
): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ValidationError(
      'invalid_options',
      `Supervisor option ${name} must be an integer >= ${min}.`,
      {
        data: { option: name, value },
      },
    );
  }
  return value;
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
  const id = checkAgent(options.id, 'id');
  const strategy = options.strategy ?? 'least-loaded';
  const maxTasks = positiveInteger('maxTasksPerWorker', options.maxTasksPerWorker, 10);
  const maxRetries = positiveInteger('maxRetries', options.maxRetries, 3, 0);
  const retryDelayMs = positiveInteger('retryDelayMs', options.retryDelayMs, 100, 0);
  const maxRetryDelayMs = positiveInteger('maxRetryDelayMs', options.maxRetryDelayMs, 5000, 0);
  const taskTimeoutMs = positiveInteger('taskTimeoutMs', options.taskTimeoutMs, 30_000);
  const healthMs = positiveInteger('healthCheckIntervalMs', options.healthCheckIntervalMs, 1000);
  const timers = createTimerSet(options.clock ?? systemClock);
  const workers = new Map<AgentId, Worker>();
  const queue: Task[] = [];
  const backingOff = new Set<Task>();
  let cursor = 0;
  let closed = false;

  const addWorker = (worker: AgentId): void => {
    const checked = checkAgent(worker, 'worker');
    if (!workers.has(checked)) {
      workers.set(checked, {
        id: checked,
        active: 0,
        completed: 0,
        failed: 0,
        available: true,
        tasks: new Set(),
      });
      pump();
    }
  };

  function pick(task: Task): Worker | undefined {
    const ready = [...workers.values()].filter((w) => w.available && w.active < maxTasks);
    if (ready.length === 0) return undefined;
    // Prefer a different worker for a retry, when there is one.
    const candidates = ready.length > 1 ? ready.filter((w) => w.id !== task.lastWorker) : ready;
    if (strategy === 'round-robin') {
      const all = [...workers.values()];
      for (let i = 0; i < all.length; i++) {
        const worker = all[(cursor + i) % all.length] as Worker;
        if (candidates.includes(worker)) {
          cursor = (cursor + i + 1) % all.length;
          return worker;
        }
      }
    }
    return candidates.reduce((best, w) => (w.active < best.active ? w : best));
  }

  function pump(): void {
    while (!closed && queue.length > 0) {
      const task = queue[0] as Task;
      const worker = pick(task);
      if (worker === undefined) return;
      queue.shift();
      dispatch(task, worker);
    }
  }

  function dispatch(task: Task, worker: Worker): void {
    task.attempts++;
    task.lastWorker = worker.id;
    task.lost = false;
    const abort = new AbortController();
    task.abort = abort;
    worker.active++;
    worker.tasks.add(task);
    const draft =
      task.headers === undefined
        ? { from: id, to: worker.id, payload: task.payload }
        : { from: id, to: worker.id, payload: task.payload, headers: task.headers };
    mesh.request(draft, { timeoutMs: taskTimeoutMs, signal: abort.signal }).then(
      (reply) => {
        finish(task, worker, true);
        task.resolve(reply);
        pump();
      },
      (error: unknown) => {
        finish(task, worker, false);
        retry(task, error);
        pump();
      },
    );
  }

  function finish(task: Task, worker: Worker, ok: boolean): void {
    task.abort = undefined;
    if (!worker.tasks.delete(task)) return;
    worker.active--;
    if (ok) worker.completed++;
    else if (!task.lost) worker.failed++;
  }

  function retry(task: Task, error: unknown): void {
    if (closed) {
      task.reject(meshClosed());
      return;
    }
    if (task.lost) {
      queue.unshift(task);
      return;
    }
    if (task.retries >= maxRetries) {
      const data: TaskFailedData = {
        reason: 'task_failed',
        attempts: task.attempts,
        lastError: toFailure(error),
      };
      task.reject(
        new MeshError(
          'delivery_failed',
          `The task failed after ${task.attempts} attempts: ${data.lastError.message}`,
          {
            data,
            cause: error,
          },
        ),
      );
      return;
    }
    task.retries++;
    const delay = Math.min(maxRetryDelayMs, retryDelayMs * 2 ** (task.retries - 1));
    backingOff.add(task);
    timers.start(() => {
      backingOff.delete(task);
      queue.push(task);
      pump();
    }, delay);
  }

  function lose(worker: Worker): void {
    for (const task of [...worker.tasks]) {
      task.lost = true;
      task.abort?.abort();
    }
  }

  async function check(): Promise<void> {
    await Promise.all(
      [...workers.values()].map(async (worker) => {
        let present: boolean;
        try {
          present = await mesh.isReachable(worker.id);
        } catch {
          return;
        }
        if (!present && worker.available) {
          worker.available = false;
          lose(worker);
        } else if (present && !worker.available) {
          worker.available = true;
          pump();
        }
      }),
    );
  }

  function scheduleCheck(): void {
    timers.start(() => {
      if (closed) return;
      check().finally(scheduleCheck);
    }, healthMs);
  }

  for (const worker of options.workers) addWorker(worker);
  await mesh.join(id, () => {});
  await check();
  scheduleCheck();

  return {
    id,
    submit(payload, submitOptions = {}) {
      if (closed) return Promise.reject(meshClosed());
      return new Promise((resolve, reject) => {
        queue.push({
          payload,
          headers: submitOptions.headers,
          resolve,
          reject,
          attempts: 0,
          retries: 0,
          lastWorker: undefined,
          abort: undefined,
          lost: false,
        });
        pump();
      });
    },
    addWorker,
    removeWorker(worker) {
      const known = workers.get(worker);
      if (known === undefined) return;
      workers.delete(worker);
      lose(known);
    },
    queued: () => queue.length,
    stats: () =>
      [...workers.values()].map(({ id: worker, active, completed, failed, available }) => ({
        worker,
        active,
        completed,
        failed,
        available,
      })),
    async close() {
      if (closed) return;
      closed = true;
      timers.clear(() => meshClosed());
      for (const task of [...queue.splice(0), ...backingOff]) task.reject(meshClosed());
      backingOff.clear();
      for (const worker of workers.values()) {
        for (const task of worker.tasks) task.abort?.abort();
      }
      await mesh.leave(id);
    },
  };
}
