import type { AgentId } from '../identifiers/identifiers.js';
import type { MeshRuntime } from './_runtime.js';
import type { DeliveryContext, ReplyOptions } from './mesh.js';
import type { MeshMessage, MessagePayload } from './message.js';
import { sendReply } from './patterns/_reply-sender.js';

/**
 * The context of one delivery. The AbortController is made only when a
 * handler reads `signal` (most never do), to keep the hot path light.
 */
export class Delivery implements DeliveryContext {
  #controller: AbortController | undefined;
  #reason: unknown;
  #aborted = false;

  constructor(
    private readonly rt: MeshRuntime,
    readonly agent: AgentId | undefined,
    private readonly message: MeshMessage,
    readonly attempt: number,
  ) {}

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Aborts the signal (now, or when it is first read). */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }

  reply(payload: MessagePayload, options?: ReplyOptions): Promise<string> {
    return sendReply(this.rt, this.agent, this.message, payload, options);
  }
}
