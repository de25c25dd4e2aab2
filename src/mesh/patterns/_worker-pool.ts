import type { AgentId } from '../../identifiers/identifiers.js';
import type { AddressedMessage, MessageHeaders, MessagePayload } from '../message.js';
import type { WorkerStats, WorkerStrategy } from './supervisor.js';

/** A task of a supervisor, from `submit` until it is answered or given up. */
export interface Task {
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

/** A worker of a supervisor and its counters. */
export interface Worker {
  readonly id: AgentId;
  active: number;
  completed: number;
  failed: number;
  available: boolean;
  readonly tasks: Set<Task>;
}

/** The workers of a supervisor, in the order they were added, and how the next one is picked. */
export class WorkerPool {
  private readonly workers = new Map<AgentId, Worker>();
  private cursor = 0;

  constructor(
    private readonly strategy: WorkerStrategy,
    private readonly maxTasksPerWorker: number,
  ) {}

  /** Adds a worker; false when it is known already. */
  add(id: AgentId): boolean {
    if (this.workers.has(id)) return false;
    this.workers.set(id, {
      id,
      active: 0,
      completed: 0,
      failed: 0,
      available: true,
      tasks: new Set(),
    });
    return true;
  }

  /** Removes a worker; returns it, or undefined when it was not known. */
  remove(id: AgentId): Worker | undefined {
    const known = this.workers.get(id);
    if (known !== undefined) this.workers.delete(id);
    return known;
  }

  all(): Worker[] {
    return [...this.workers.values()];
  }

  /**
   * The worker for `task`: among the available ones below the task limit,
   * another than the task's last worker when there is one, then by strategy.
   */
  pick(task: Task): Worker | undefined {
    const ready = this.all().filter((w) => w.available && w.active < this.maxTasksPerWorker);
    if (ready.length === 0) return undefined;
    // Prefer a different worker for a retry, when there is one.
    const candidates = ready.length > 1 ? ready.filter((w) => w.id !== task.lastWorker) : ready;
    if (this.strategy === 'round-robin') {
      const all = this.all();
      for (let i = 0; i < all.length; i++) {
        const worker = all[(this.cursor + i) % all.length] as Worker;
        if (candidates.includes(worker)) {
          this.cursor = (this.cursor + i + 1) % all.length;
          return worker;
        }
      }
    }
    return candidates.reduce((best, w) => (w.active < best.active ? w : best));
  }

  stats(): WorkerStats[] {
    return this.all().map(({ id: worker, active, completed, failed, available }) => ({
      worker,
      active,
      completed,
      failed,
      available,
    }));
  }
}
