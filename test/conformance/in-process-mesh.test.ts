import { describe, it } from 'vitest';
import { inProcessMesh, inProcessNetwork } from '../../src/index.js';
import { runMeshConformance } from './mesh.js';

const runner = { describe, it };

function rawFrames(network: ReturnType<typeof inProcessNetwork>) {
  return {
    mailbox: async (agent: string, frame: string) => network.injectFrame(agent as never, frame),
    topic: async (topic: string, frame: string) =>
      network.publishFrame({ kind: 'topic', topic: topic as never }, frame),
  };
}

const objects = inProcessNetwork();
runMeshConformance('inProcessMesh()', (config) => inProcessMesh({ ...config, network: objects }), {
  runner,
  rawFrames: rawFrames(objects),
  directReplies: true,
});

const wire = inProcessNetwork();
runMeshConformance(
  'inProcessMesh({ serialize: true })',
  (config) => inProcessMesh({ ...config, network: wire, serialize: true }),
  { runner, rawFrames: rawFrames(wire), visibilityTimeoutMs: 200, directReplies: true },
);
