import { MeshError } from '../../errors/families.js';
import type { AgentId } from '../../identifiers/identifiers.js';
import { toFailure } from '../_runtime.js';
import type { TimerSet } from '../_timers.js';
import { meshClosed } from '../errors.js';
import type { Mesh } from '../mesh.js';
import type { AddressedMessage, MessageHeaders, MessagePayload } from '../message.js';
import type { SupervisorSettings } from './_supervisor-settings.js';
import type { Task, Worker, WorkerPool } from './_worker-pool.js';
import type { TaskFailedData } from './supervisor.js';

/**
 * The tasks of a supervisor: a queue in submission order, each task sent to
 * a worker as a `request`, retried with exponential backoff after a
 * failure, and re-queued (without counting a retry) when its worker is
 * lost.
 */
export class TaskScheduler {
  private readonly queue: Task[] = [];
  /** Tasks waiting out a retry delay. */
  private readonly backingOff = new Set<Task>();
  private closed = false;

  constructor(
    private readonly mesh: Mesh,
    private readonly settings: SupervisorSettings,
    private readonly pool: WorkerPool,
    private readonly timers: TimerSet,
  ) {}

  /** Queues a task; resolves with the worker's reply. */
  submit(payload: MessagePayload, headers: MessageHeaders | undefined): Promise<AddressedMessage> {
    if (this.closed) return Promise.reject(meshClosed());
    return new Promise((resolve, reject) => {
      this.queue.push({
        payload,
        headers,
        resolve,
        reject,
        attempts: 0,
        retries: 0,
        lastWorker: undefined,
        abort: undefined,
        lost: false,
      });
      this.pump();
    });
  }

  queued(): number {
    return this.queue.length;
  }

  /** Sends queued tasks while a worker can take them. */
  pump(): void {
    while (!this.closed && this.queue.length > 0) {
      const task = this.queue[0] as Task;
      const worker = this.pool.pick(task);
      if (worker === undefined) return;
      this.queue.shift();
      this.dispatch(task, worker);
    }
  }

  /** The worker is gone: its tasks in flight are aborted and re-queued without counting a retry. */
  lose(worker: Worker): void {
    for (const task of [...worker.tasks]) {
      task.lost = true;
      task.abort?.abort();
    }
  }

  /** Rejects waiting tasks with `mesh_closed` and aborts those in flight. */
  close(): void {
    this.closed = true;
    for (const task of [...this.queue.splice(0), ...this.backingOff]) task.reject(meshClosed());
    this.backingOff.clear();
    for (const worker of this.pool.all()) {
      for (const task of worker.tasks) task.abort?.abort();
    }
  }

  private dispatch(task: Task, worker: Worker): void {
    const { id, taskTimeoutMs } = this.settings;
    task.attempts++;
    task.lastWorker = worker.id;
    task.lost = false;
    const abort = new AbortController();
    task.abort = abort;
    worker.active++;
    worker.tasks.add(task);
    const to: AgentId = worker.id;
    const draft =
      task.headers === undefined
        ? { from: id, to, payload: task.payload }
        : { from: id, to, payload: task.payload, headers: task.headers };
    this.mesh.request(draft, { timeoutMs: taskTimeoutMs, signal: abort.signal }).then(
      (reply) => {
        this.finish(task, worker, true);
        task.resolve(reply);
        this.pump();
      },
      (error: unknown) => {
        this.finish(task, worker, false);
        this.retry(task, error);
        this.pump();
      },
    );
  }

  private finish(task: Task, worker: Worker, ok: boolean): void {
    task.abort = undefined;
    if (!worker.tasks.delete(task)) return;
    worker.active--;
    if (ok) worker.completed++;
    else if (!task.lost) worker.failed++;
  }

  private retry(task: Task, error: unknown): void {
    if (this.closed) {
      task.reject(meshClosed());
      return;
    }
    if (task.lost) {
      this.queue.unshift(task);
      return;
    }
    const { maxRetries, retryDelayMs, maxRetryDelayMs } = this.settings;
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
    this.backingOff.add(task);
    this.timers.start(() => {
      this.backingOff.delete(task);
      this.queue.push(task);
      this.pump();
    }, delay);
  }
}
