import type { AgentId, Mesh, MeshMessage, MeshOptions, MessageHandler, TopicName } from 'skreaver';
import { agentId, topicName } from 'skreaver';
import { fail } from './_assert.js';
import type { ConformanceRunner } from './memory-suite.js';

/** Raw frame injection, for the bad-input tests (a capability: absent, they are skipped). */
export interface RawFrames {
  /** Puts `frame` in `agent`'s mailbox as it is (not encoded). */
  mailbox(agent: AgentId, frame: string): Promise<void>;
  /** Publishes `frame` on `topic` as it is. */
  topic(topic: TopicName, frame: string): Promise<void>;
}

/** What one test gets. */
export interface MeshTestContext {
  /** A node of the mesh under test, made by the factory with the suite's config plus `overrides`; closed after the test. */
  node(overrides?: MeshOptions): Promise<Mesh>;
  /** A random agent id for this test, ending in `name`. */
  id(name: string): AgentId;
  /** A random topic for this test, ending in `name`. */
  topic(name: string): TopicName;
  /** Polls `condition` until it holds, failing after the suite's wait. */
  waitFor(condition: () => boolean | Promise<boolean>, what: string): Promise<void>;
  /** A handler that records what it gets, and its list. */
  recorder<M extends MeshMessage = MeshMessage>(): { handler: MessageHandler<M>; got: M[] };
  /** The suite's config. */
  readonly config: MeshSuiteConfig;
  /** Writes raw frames into the transport, when the suite was given a way to. */
  readonly raw: RawFrames | undefined;
}

/** Timings and limits the suite runs with (the factory must honour them). */
export interface MeshSuiteConfig extends MeshOptions {
  /** How long a delivery may take before it is redelivered, in milliseconds. */
  readonly visibilityTimeoutMs: number;
  /** Deliveries before a message is dead-lettered. */
  readonly maxDeliveries: number;
  /** Timeout of the suite's requests, in milliseconds. */
  readonly requestTimeoutMs: number;
}

export interface MeshSuiteContext {
  readonly runner: ConformanceRunner;
  readonly config: MeshSuiteConfig;
  /** Whether the transport under test sends replies straight to the requesting node. */
  readonly directReplies: boolean;
  test(name: string, fn: (t: MeshTestContext) => Promise<void>, timeoutMs?: number): void;
}

export function randomHex(): string {
  const bytes = new Uint8Array(6);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export function makeContext(
  factory: (config: MeshOptions) => Mesh | Promise<Mesh>,
  config: MeshSuiteConfig,
  waitMs: number,
  raw: RawFrames | undefined,
  opened: Mesh[],
): MeshTestContext {
  const run = `t${randomHex()}`;
  return {
    config,
    raw,
    async node(overrides = {}) {
      const mesh = await factory({ ...config, ...overrides });
      opened.push(mesh);
      return mesh;
    },
    id: (name) => agentId(`${run}-${name}`),
    topic: (name) => topicName(`${run}.${name}`),
    async waitFor(condition, what) {
      const deadline = Date.now() + waitMs;
      for (;;) {
        if (await condition()) return;
        if (Date.now() > deadline) fail(`timed out after ${waitMs} ms waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    recorder<M extends MeshMessage>() {
      const got: M[] = [];
      return {
        got,
        handler: (message: M) => {
          got.push(message);
        },
      };
    },
  };
}

/** Text of a text payload, or fails. */
export function text(message: MeshMessage | undefined): string {
  if (message?.payload.type !== 'text')
    fail(`expected a text payload, got ${JSON.stringify(message?.payload)}`);
  return message.payload.data;
}
