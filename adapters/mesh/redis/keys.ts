import type { AgentId, TopicName } from 'skreaver';

/**
 * The Redis names one mesh uses, all under its prefix (`base` is the
 * prefix, or `{prefix}` with `hashTag`). Useful for operations work:
 * inspecting a mailbox with `XINFO`, or watching a topic with `SUBSCRIBE`.
 */
export interface RedisMeshKeys {
  /** The prefix as it starts every name: `prefix`, or `{prefix}` with a hash tag. */
  readonly base: string;
  /** An agent's mailbox: a Stream with one consumer group, `${base}agent:${agent}:mailbox`. */
  mailbox(agent: AgentId): string;
  /** The last nack error of each pending mailbox entry: a hash, `${base}agent:${agent}:failures`. */
  failures(agent: AgentId): string;
  /** A topic's pub/sub channel, `${base}topic:${topic}`. */
  topic(topic: TopicName): string;
  /** The broadcast pub/sub channel, `${base}broadcast`. */
  readonly broadcast: string;
  /** The pub/sub channel of replies sent straight to a mesh node (its `nodeId`), `${base}node:${node}:replies`. */
  replies(node: string): string;
  /** An agent's presence: a string holding the owner node, with an expiry, `${base}presence:${agent}`. */
  presence(agent: AgentId): string;
  /** The agent registry: a set of agent ids, `${base}agents`. */
  readonly agents: string;
  /** The dead-letter queue: a Stream, oldest first, `${base}dlq`. */
  readonly deadLetters: string;
  /** Dead-letter id to its stream entry id: a hash, `${base}dlq:index`. */
  readonly deadLetterIndex: string;
  /** Dead-letter id scored by its expiry (epoch ms): a sorted set, `${base}dlq:expiry`. */
  readonly deadLetterExpiry: string;
}

/** The consumer group every mailbox stream has. */
export const CONSUMER_GROUP = 'skreaver';

/**
 * The names of the mesh with this prefix. The prefix is taken as given;
 * `redisMesh` validates it.
 *
 * @example
 * ```ts
 * redisMeshKeys('skreaver:').mailbox(agentId('pong')); // 'skreaver:agent:pong:mailbox'
 * redisMeshKeys('app:', true).agents; // '{app:}agents'
 * ```
 */
export function redisMeshKeys(prefix = 'skreaver:', hashTag = false): RedisMeshKeys {
  const base = hashTag ? `{${prefix}}` : prefix;
  return Object.freeze({
    base,
    mailbox: (agent: AgentId) => `${base}agent:${agent}:mailbox`,
    failures: (agent: AgentId) => `${base}agent:${agent}:failures`,
    topic: (topic: TopicName) => `${base}topic:${topic}`,
    broadcast: `${base}broadcast`,
    replies: (node: string) => `${base}node:${node}:replies`,
    presence: (agent: AgentId) => `${base}presence:${agent}`,
    agents: `${base}agents`,
    deadLetters: `${base}dlq`,
    deadLetterIndex: `${base}dlq:index`,
    deadLetterExpiry: `${base}dlq:expiry`,
  });
}
