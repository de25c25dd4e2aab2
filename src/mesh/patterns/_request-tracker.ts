import { MeshError } from '../../errors/families.js';
import { utf8ByteLength } from '../../text/utf8.js';
import type { MeshRuntime } from '../_runtime.js';
import type { TimerHandle } from '../_timers.js';
import type { BackpressureErrorData } from '../backpressure.js';
import { buildMessage } from '../create-message.js';
import { messageInvalid, messageTooLarge } from '../errors.js';
import type { RequestDraft, RequestOptions } from '../mesh.js';
import type { AddressedMessage, MessageHeaders } from '../message.js';
import type { InvalidFrame, TransportSubscription } from '../transport.js';
import { hasDirectReplies } from './_reply-sender.js';
import {
  REPLY_ERROR_HEADER,
  REPLY_TO_HEADER,
  type RemoteErrorData,
  type RequestTimeoutData,
} from './request-reply.js';

/*
 * The requesting side of request/reply: the requests of one node waiting
 * for their replies, their timeouts, and the lane replies come back on.
 */

/** A request waiting for its reply. */
interface Pending {
  readonly message: AddressedMessage;
  readonly timeoutMs: number;
  /** When it times out, on the mesh clock. */
  readonly deadline: number;
  /** The requests with the same timeout, this one among them. */
  readonly group: TimeoutGroup;
  readonly resolve: (reply: AddressedMessage) => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * The waiting requests that share one timeout, oldest first: their
 * deadlines come in that order, so one timer (for the oldest) serves them
 * all, and a request starts no timer of its own.
 */
interface TimeoutGroup {
  readonly timeoutMs: number;
  readonly waiting: Set<Pending>;
  timer: TimerHandle | undefined;
  /** The request the timer was set for: due when it fires, whatever the clock says. */
  armedFor: Pending | undefined;
}

/** Waiting requests of one node. */
export interface RequestTracker {
  request(draft: RequestDraft, options: RequestOptions | undefined): Promise<AddressedMessage>;
  /** Hands a reply to its waiting request, or reports it dropped (`late_reply`) when none waits. */
  accept(reply: AddressedMessage): void;
  /**
   * Starts receiving replies sent straight to this node, once, when the
   * transport can; requests made afterwards ask for them.
   */
  listen(): Promise<void>;
  /** Rejects every waiting request and stops receiving direct replies. */
  close(error: unknown): Promise<void>;
}

/** Bytes the reply-to header adds: its name and a node id (a UUID, ASCII). */
const REPLY_TO_BYTES = REPLY_TO_HEADER.length + 36;

/**
 * The request's headers with this node named as where the reply goes. The
 * draft's headers were checked already; only the total size is checked
 * again, so the recipient does not refuse what the sender accepted.
 */
function withReplyTo(message: AddressedMessage, node: string, maxHeaderBytes: number): void {
  const { headers } = message;
  let bytes = REPLY_TO_BYTES;
  for (const name in headers) {
    if (name !== REPLY_TO_HEADER)
      bytes += utf8ByteLength(name) + utf8ByteLength(headers[name] ?? '');
  }
  if (bytes > maxHeaderBytes) throw messageTooLarge('headers', bytes, maxHeaderBytes);
  // buildMessage made this object for this message alone.
  (message as { headers: MessageHeaders }).headers = { ...headers, [REPLY_TO_HEADER]: node };
}

export function createRequestTracker(rt: MeshRuntime): RequestTracker {
  const pending = new Map<string, Pending>();
  const groups = new Map<number, TimeoutGroup>();
  const { options, events } = rt;
  let listening: Promise<TransportSubscription> | undefined;
  /** Set once replies to this node arrive straight: requests then ask for them. */
  let direct = false;

  function settle(entry: Pending, reply: AddressedMessage | undefined, error: unknown): void {
    const { id } = entry.message;
    if (pending.get(id) !== entry) return;
    pending.delete(id);
    entry.group.waiting.delete(entry);
    if (entry.onAbort !== undefined) entry.signal?.removeEventListener('abort', entry.onAbort);
    if (reply !== undefined) entry.resolve(reply);
    else entry.reject(error);
  }

  function timedOut(entry: Pending, reason: RequestTimeoutData['reason']): MeshError {
    const { message, timeoutMs } = entry;
    const data: RequestTimeoutData = { reason, requestId: message.id, timeoutMs };
    return new MeshError(
      'mesh_timeout',
      reason === 'timeout'
        ? `No reply from ${message.to} within ${timeoutMs} ms.`
        : 'The request was aborted by its signal.',
      { data },
    );
  }

  function arm(group: TimeoutGroup): void {
    for (const oldest of group.waiting) {
      group.armedFor = oldest;
      group.timer = rt.timers.start(() => expire(group), oldest.deadline - options.clock.now());
      return;
    }
    // Nothing waits: the group goes; the next request makes a new one.
    group.armedFor = undefined;
    if (groups.get(group.timeoutMs) === group) groups.delete(group.timeoutMs);
  }

  function expire(group: TimeoutGroup): void {
    const due = group.armedFor;
    group.timer = undefined;
    const now = options.clock.now();
    for (const entry of [...group.waiting]) {
      if (entry !== due && entry.deadline > now) break;
      settle(entry, undefined, timedOut(entry, 'timeout'));
    }
    arm(group);
  }

  function groupOf(timeoutMs: number): TimeoutGroup {
    let group = groups.get(timeoutMs);
    if (group === undefined) {
      group = { timeoutMs, waiting: new Set(), timer: undefined, armedFor: undefined };
      groups.set(timeoutMs, group);
    }
    return group;
  }

  /** Settles the request `reply` answers; false when none waits. */
  function settleReply(reply: AddressedMessage): boolean {
    const entry = reply.correlationId === undefined ? undefined : pending.get(reply.correlationId);
    if (entry === undefined) return false;
    const code = reply.headers[REPLY_ERROR_HEADER];
    if (code === undefined) settle(entry, reply, undefined);
    else {
      const remote = remoteError(reply, code);
      const data: RemoteErrorData = { reason: 'remote_error', agent: reply.from, remote };
      settle(
        entry,
        undefined,
        new MeshError(
          'delivery_failed',
          `${reply.from ?? 'The recipient'} answered with an error: ${remote.message}`,
          { data },
        ),
      );
    }
    return true;
  }

  function accept(reply: AddressedMessage): void {
    if (settleReply(reply)) return;
    options.metrics.meshMessageDropped?.call(options.metrics, { reason: 'late_reply' });
    if (events.wants('message_dropped')) {
      events.emit({ type: 'message_dropped', reason: 'late_reply', message: reply });
    }
  }

  function onDirectReply(message: AddressedMessage | undefined, invalid?: InvalidFrame): void {
    if (rt.isClosed()) return;
    if (message !== undefined && message.kind === 'reply') {
      accept(message);
      return;
    }
    if (!events.wants('message_invalid')) return;
    const error =
      invalid?.error ??
      messageInvalid('invalid_field', 'Only replies travel straight to a node.', 'kind');
    events.emit({ type: 'message_invalid', source: 'reply', error });
  }

  return {
    request(draft, requestOptions) {
      rt.assertOpen();
      const timeoutMs = requestOptions?.timeoutMs ?? options.requestTimeoutMs;
      if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
        throw messageInvalid(
          'invalid_field',
          'A request timeoutMs must be a positive number.',
          'timeoutMs',
        );
      }
      const message = buildMessage(
        { kind: 'request', to: draft?.to },
        draft,
        options.limits,
        options.clock.now(),
      ) as AddressedMessage;
      if (direct) withReplyTo(message, rt.nodeId, options.limits.maxHeaderBytes);
      if (message.from === undefined || !rt.isJoined(message.from)) {
        throw messageInvalid(
          'requester_not_joined',
          'A request needs a `from` agent joined on this mesh, so the reply can come back to it. Join the agent first.',
          'from',
        );
      }
      if (pending.size >= options.maxPendingRequests) {
        const data: BackpressureErrorData = {
          depth: pending.size,
          limit: options.maxPendingRequests,
          waitedMs: 0,
        };
        throw new MeshError(
          'backpressure',
          `This node already waits for ${pending.size} replies (maxPendingRequests); retry later.`,
          { data },
        );
      }
      const signal = requestOptions?.signal;
      return new Promise<AddressedMessage>((resolve, reject) => {
        const group = groupOf(timeoutMs);
        const entry: Pending = {
          message,
          timeoutMs,
          deadline: options.clock.now() + timeoutMs,
          group,
          resolve,
          reject,
          signal,
          onAbort: undefined,
        };
        pending.set(message.id, entry);
        group.waiting.add(entry);
        if (group.timer === undefined) arm(group);
        if (signal !== undefined) {
          const onAbort = () => settle(entry, undefined, timedOut(entry, 'aborted'));
          if (signal.aborted) return onAbort();
          entry.onAbort = onAbort;
          signal.addEventListener('abort', onAbort, { once: true });
        }
        // A failed send settles (and removes) the entry: nothing leaks.
        rt.enqueue(message, false).then(undefined, (error: unknown) =>
          settle(entry, undefined, error),
        );
      });
    },

    accept,

    async listen() {
      const { transport } = rt;
      if (!hasDirectReplies(rt) || transport.listenReplies === undefined) return;
      listening ??= transport.listenReplies(rt.nodeId, onDirectReply);
      try {
        await listening;
      } catch (error) {
        listening = undefined;
        throw error;
      }
      direct = true;
    },

    async close(error) {
      direct = false;
      for (const entry of [...pending.values()]) settle(entry, undefined, error);
      const subscription = listening;
      listening = undefined;
      if (subscription !== undefined) await (await subscription.catch(() => undefined))?.close();
    },
  };
}

function remoteError(reply: AddressedMessage, code: string): RemoteErrorData['remote'] {
  const { payload } = reply;
  if (payload.type === 'json' && typeof payload.data === 'object' && payload.data !== null) {
    const text = (payload.data as Record<string, unknown>).message;
    if (typeof text === 'string') return { code, message: text };
  }
  return { code, message: payload.type === 'text' ? payload.data : code };
}
