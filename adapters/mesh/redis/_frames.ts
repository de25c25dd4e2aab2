import {
  type AddressedMessage,
  type AgentId,
  type BroadcastMessage,
  decodeMessage,
  type InvalidFrame,
  MeshError,
  type MeshMessage,
  type MessageLimits,
  type TopicMessage,
  type TransportChannel,
} from 'skreaver';

/** Longest raw frame kept on an `InvalidFrame` (the core keeps 64 KiB of it in a dead letter). */
const MAX_RAW = 65_536;

export type Read<M> =
  | { readonly message: M; readonly invalid?: undefined }
  | { readonly message?: undefined; readonly invalid: InvalidFrame };

function refuse(raw: string, error: MeshError): { invalid: InvalidFrame } {
  return { invalid: { raw: raw.slice(0, MAX_RAW), error } };
}

function misplaced(raw: string, field: string, what: string): { invalid: InvalidFrame } {
  return refuse(
    raw,
    new MeshError('message_invalid', what, { data: { reason: 'invalid_field', field } }),
  );
}

function decode(frame: string, limits: MessageLimits | undefined): Read<MeshMessage> {
  try {
    return { message: decodeMessage(frame, limits) };
  } catch (error) {
    // decodeMessage throws only MeshError (message_invalid or message_too_large).
    return refuse(frame, error as MeshError);
  }
}

/**
 * A mailbox entry's fields as the consumer gets them: the frame in field
 * `m`, decoded, and addressed to this mailbox.
 */
export function readMailboxEntry(
  fields: readonly string[],
  agent: AgentId,
  limits: MessageLimits | undefined,
): Read<AddressedMessage> {
  let frame: string | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'm') frame = fields[i + 1];
  }
  if (frame === undefined) {
    return refuse(
      JSON.stringify(fields),
      new MeshError('message_invalid', 'The mailbox entry has no field m holding a frame.', {
        data: { reason: 'missing_field', field: 'm' },
      }),
    );
  }
  const read = decode(frame, limits);
  if (read.message === undefined) return read;
  const { message } = read;
  if (message.kind === 'topic' || message.kind === 'broadcast' || message.to !== agent) {
    return misplaced(
      frame,
      'route',
      'A mailbox frame must be an addressed message for this mailbox.',
    );
  }
  return { message };
}

/** A channel frame: a topic message for this topic, or a broadcast on the broadcast channel. */
export function readChannelFrame(
  frame: string,
  channel: TransportChannel,
  limits: MessageLimits | undefined,
): Read<TopicMessage | BroadcastMessage> {
  const read = decode(frame, limits);
  if (read.message === undefined) return read;
  const { message } = read;
  if (channel.kind === 'broadcast') {
    if (message.kind === 'broadcast') return { message };
    return misplaced(frame, 'kind', 'The broadcast channel carries broadcast messages only.');
  }
  if (message.kind === 'topic' && message.topic === channel.topic) return { message };
  return misplaced(
    frame,
    message.kind === 'topic' ? 'route' : 'kind',
    'A topic channel carries topic messages for that topic only.',
  );
}

/** A frame sent straight to this node: a reply. */
export function readReplyFrame(
  frame: string,
  limits: MessageLimits | undefined,
): Read<AddressedMessage> {
  const read = decode(frame, limits);
  if (read.message === undefined) return read;
  const { message } = read;
  if (message.kind === 'reply') return { message };
  return misplaced(frame, 'kind', 'Only replies travel straight to a node.');
}
