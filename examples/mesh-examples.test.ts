import { describe, expect, it } from 'vitest';
import { main as broadcastGather } from './mesh-broadcast-gather.js';
import { main as pingPong } from './mesh-ping-pong.js';
import { main as taskCoordinator } from './mesh-task-coordinator.js';

// The mesh examples in docs/mesh.md are real code, run here so they cannot rot.
describe('mesh examples', () => {
  it('mesh-ping-pong exchanges correlated pings and pongs across two nodes', async () => {
    expect(await pingPong(3)).toEqual([
      'pong-agent -> ping-agent: pong 1',
      'pong-agent -> ping-agent: pong 2',
      'pong-agent -> ping-agent: pong 3',
      'agents: ping-agent,pong-agent',
    ]);
  });

  it('mesh-broadcast-gather reports a partial result with the slow worker missing', async () => {
    expect(await broadcastGather()).toEqual({
      replies: ['worker-1', 'worker-2'],
      missing: ['worker-3'],
      complete: false,
      heard: ['worker-1', 'worker-2', 'worker-3'],
    });
  });

  it('mesh-task-coordinator finishes every task despite a failure and a dead worker', async () => {
    expect(await taskCoordinator()).toEqual({
      results: [1, 4, 9, 16, 25, 36],
      stats: ['doomed: down', 'flaky: up', 'steady: up'],
    });
  });
});
