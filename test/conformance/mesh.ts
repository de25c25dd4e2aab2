import type { Mesh, MeshOptions } from 'skreaver';
import { defineBackpressureTests } from './_mesh-backpressure.js';
import { defineBadInputTests } from './_mesh-bad-input.js';
import { defineBasicTests } from './_mesh-basics.js';
import {
  type MeshSuiteConfig,
  type MeshSuiteContext,
  makeContext,
  type RawFrames,
} from './_mesh-context.js';
import { defineDeliveryTests } from './_mesh-delivery.js';
import { defineFanoutTests } from './_mesh-fanout.js';
import { defineGatherPipelineTests } from './_mesh-gather-pipeline.js';
import { defineRequestTests } from './_mesh-request.js';
import { defineSupervisorTests } from './_mesh-supervisor.js';
import type { ConformanceRunner } from './memory-suite.js';

export type { MeshSuiteConfig, MeshTestContext, RawFrames } from './_mesh-context.js';

/** Options of {@link runMeshConformance}. */
export interface MeshConformanceOptions {
  /** The runner's `describe` and `it`. */
  readonly runner: ConformanceRunner;
  /**
   * The visibility timeout the suite configures, in milliseconds. A
   * networked transport needs room for a round trip (200 is plenty locally).
   * @defaultValue 100
   */
  readonly visibilityTimeoutMs?: number;
  /**
   * How long a test waits for something that must happen before failing.
   * @defaultValue 3000
   */
  readonly waitMs?: number;
  /**
   * Raw frame injection for the bad-input tests (malformed JSON, unknown
   * versions, missing fields, oversized frames). Absent: those tests only
   * check that the transport's wire decoder is the shared one.
   * @defaultValue none
   */
  readonly rawFrames?: RawFrames;
  /**
   * The transport sends replies straight to the requesting node
   * (`MeshTransport.sendReply` / `listenReplies`): a reply then does not wait
   * behind the requester's own mailbox. Absent: that test is skipped.
   * @defaultValue false
   */
  readonly directReplies?: boolean;
  /**
   * Closes a node after its test.
   * @defaultValue `mesh.close()`
   */
  readonly close?: (mesh: Mesh) => Promise<void>;
}

/**
 * The shared conformance suite of the `Mesh` contract, patterns included.
 * Every transport runs it: `inProcessMesh` here, `skreaver/mesh/redis`, and
 * third-party transports through `skreaver/testing`. It needs no particular
 * test runner.
 *
 * `factory` is called with the options the suite needs (small timeouts, a
 * `maxDeliveries`, backpressure thresholds); it must return a new node of
 * one shared mesh each time (one network, one server), since several tests
 * use two nodes. Agent ids and topics are random per test, so suites may
 * share a server.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { inProcessMesh, inProcessNetwork } from 'skreaver';
 *
 * const network = inProcessNetwork();
 * runMeshConformance('in-process', (config) => inProcessMesh({ ...config, network }), {
 *   runner: { describe, it },
 * });
 * ```
 */
export function runMeshConformance(
  name: string,
  factory: (config: MeshOptions) => Mesh | Promise<Mesh>,
  options: MeshConformanceOptions,
): void {
  const { runner } = options;
  const visibilityTimeoutMs = options.visibilityTimeoutMs ?? 100;
  const waitMs = options.waitMs ?? 3000;
  const close = options.close ?? ((mesh: Mesh) => mesh.close());
  const config: MeshSuiteConfig = {
    visibilityTimeoutMs,
    maxDeliveries: 3,
    requestTimeoutMs: Math.max(1000, visibilityTimeoutMs * 5),
    presenceTtlMs: Math.max(1000, visibilityTimeoutMs * 10),
  };
  const suite: MeshSuiteContext = {
    runner,
    config,
    directReplies: options.directReplies ?? false,
    test(testName, fn, timeoutMs) {
      runner.it(
        testName,
        async () => {
          const opened: Mesh[] = [];
          try {
            await fn(makeContext(factory, config, waitMs, options.rawFrames, opened));
          } finally {
            for (const mesh of opened) await close(mesh);
          }
        },
        timeoutMs ?? waitMs * 4,
      );
    },
  };
  runner.describe(`Mesh conformance: ${name}`, () => {
    defineBasicTests(suite);
    defineRequestTests(suite);
    defineDeliveryTests(suite);
    defineFanoutTests(suite);
    defineBackpressureTests(suite);
    defineBadInputTests(suite);
    defineSupervisorTests(suite);
    defineGatherPipelineTests(suite);
  });
}
