import { type KnownOptions, rejectUnknownOptions } from '../../_known-options.js';
import type { NonEmptyArray } from '../../collections/non-empty-array.js';
import { MeshError, ValidationError } from '../../errors/families.js';
import { isSkreaverError } from '../../errors/skreaver-error.js';
import type { AgentId } from '../../identifiers/identifiers.js';
import { toFailure } from '../_runtime.js';
import type { DeliveryFailure } from '../dead-letter.js';
import type { Mesh } from '../mesh.js';
import type { AddressedMessage, MessageHeaders, MessagePayload } from '../message.js';

/** The options broadcastGather takes, checked against GatherOptions. */
const GATHER_OPTIONS = {
  from: true,
  targets: true,
  payload: true,
  headers: true,
  quorum: true,
  timeoutMs: true,
  settleOnQuorum: true,
} satisfies KnownOptions<GatherOptions>;

/** Options of {@link broadcastGather}. */
export interface GatherOptions {
  /** The gathering agent, joined on `mesh` (replies come back to it). */
  readonly from: AgentId;
  /** Who to ask; duplicates are asked once. */
  readonly targets: NonEmptyArray<AgentId>;
  /** What to ask. */
  readonly payload: MessagePayload;
  /** Headers of every request. @defaultValue `{}` */
  readonly headers?: MessageHeaders;
  /**
   * Replies needed for success; fewer reject with `quorum_not_reached`.
   * @defaultValue 1
   */
  readonly quorum?: number;
  /**
   * How long to wait for replies, in milliseconds.
   * @defaultValue 10000
   */
  readonly timeoutMs?: number;
  /**
   * Resolve as soon as `quorum` replies are in (the others are reported
   * missing) instead of waiting for every target or the timeout.
   * @defaultValue false
   */
  readonly settleOnQuorum?: boolean;
}

/** What a gather collected; partial when `complete` is false. */
export interface GatherResult {
  /** Replies, in arrival order. */
  readonly replies: readonly { readonly agent: AgentId; readonly message: AddressedMessage }[];
  /** Targets whose request failed (an error reply, a refused send). */
  readonly failed: readonly { readonly agent: AgentId; readonly error: DeliveryFailure }[];
  /** Targets that did not answer in time. */
  readonly missing: readonly AgentId[];
  /** True when every target replied. */
  readonly complete: boolean;
  /** The quorum that applied. */
  readonly quorum: number;
}

/**
 * Sends one request to each target and gathers the replies until all have
 * answered, the timeout passes, or (with `settleOnQuorum`) the quorum is
 * reached. Partial results are reported as such: `complete` is false and
 * `failed` / `missing` say who did not reply.
 *
 * @throws `MeshError` `quorum_not_reached` (its `data` is the partial
 *   {@link GatherResult}); `ValidationError` `invalid_input` for a quorum
 *   outside 1..targets.
 * @example
 * ```ts
 * const result = await broadcastGather(mesh, {
 *   from: coordinator,
 *   targets: nonEmptyArray([a, b, c]),
 *   payload: jsonPayload({ question: 'status' }),
 *   quorum: 2,
 *   timeoutMs: 1_000,
 * });
 * if (!result.complete) console.warn('missing', result.missing);
 * ```
 */
export async function broadcastGather(mesh: Mesh, options: GatherOptions): Promise<GatherResult> {
  rejectUnknownOptions('broadcastGather', options, GATHER_OPTIONS);
  const targets = [...new Set(options.targets)];
  const quorum = options.quorum ?? 1;
  if (
    targets.length === 0 ||
    !Number.isSafeInteger(quorum) ||
    quorum < 1 ||
    quorum > targets.length
  ) {
    throw new ValidationError(
      'invalid_input',
      `broadcastGather needs at least one target and a quorum between 1 and the number of distinct targets (${targets.length}).`,
      { data: { reason: 'invalid_quorum', quorum, targets: targets.length } },
    );
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const stop = new AbortController();
  const replies: { agent: AgentId; message: AddressedMessage }[] = [];
  const failed: { agent: AgentId; error: DeliveryFailure }[] = [];
  const missing: AgentId[] = [];

  await Promise.all(
    targets.map(async (agent) => {
      try {
        const message = await mesh.request(
          options.headers === undefined
            ? { from: options.from, to: agent, payload: options.payload }
            : { from: options.from, to: agent, payload: options.payload, headers: options.headers },
          { timeoutMs, signal: stop.signal },
        );
        replies.push({ agent, message });
        if (options.settleOnQuorum === true && replies.length >= quorum) stop.abort();
      } catch (error) {
        if (isSkreaverError(error, 'mesh_timeout')) missing.push(agent);
        else if (isSkreaverError(error, 'mesh_closed')) throw error;
        else failed.push({ agent, error: toFailure(error) });
      }
    }),
  );
  const result: GatherResult = {
    replies,
    failed,
    missing: targets.filter((agent) => missing.includes(agent)),
    complete: replies.length === targets.length,
    quorum,
  };
  if (replies.length < quorum) {
    throw new MeshError(
      'quorum_not_reached',
      `${replies.length} of ${targets.length} targets replied; the quorum is ${quorum}.`,
      { data: result },
    );
  }
  return result;
}
