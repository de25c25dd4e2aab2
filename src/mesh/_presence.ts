import { ValidationError } from '../errors/families.js';
import type { AgentId } from '../identifiers/identifiers.js';
import type { MeshRuntime } from './_runtime.js';
import type { TimerHandle } from './_timers.js';

/** Presence of one node's agents: claimed on join, refreshed by one heartbeat timer. */
export interface Presence {
  /** Claims `agent` for this node. @throws `ValidationError` `invalid_input` when another node holds it. */
  claim(agent: AgentId): Promise<void>;
  /** Releases `agent`; transport failures are logged, not thrown. */
  release(agent: AgentId): Promise<void>;
  /** Stops the heartbeat. */
  stop(): void;
}

export function createPresence(rt: MeshRuntime, agents: () => Iterable<AgentId>): Presence {
  const { options, transport, nodeId } = rt;
  let timer: TimerHandle | undefined;
  let stopped = false;

  function schedule(): void {
    if (stopped || timer !== undefined) return;
    timer = rt.timers.start(beat, options.heartbeatIntervalMs);
  }

  function beat(): void {
    timer = undefined;
    const list = [...agents()];
    if (list.length === 0 || stopped) return;
    Promise.all(
      list.map(async (agent) => {
        try {
          if (!(await transport.presence.claim(agent, nodeId, options.presenceTtlMs))) {
            options.logger.warn('Another node took over the presence of a joined agent.', {
              agent,
            });
          }
        } catch (error) {
          options.logger.warn('A presence heartbeat failed; it is retried at the next beat.', {
            agent,
            error,
          });
        }
      }),
    ).finally(schedule);
  }

  return {
    async claim(agent) {
      if (!(await transport.presence.claim(agent, nodeId, options.presenceTtlMs))) {
        throw new ValidationError(
          'invalid_input',
          `The agent ${agent} is already present on another node; an agent id joins one node at a time. It becomes free when that node leaves or its presence expires.`,
          { data: { reason: 'agent_present_elsewhere', agent } },
        );
      }
      schedule();
    },
    async release(agent) {
      try {
        await transport.presence.release(agent, nodeId);
      } catch (error) {
        options.logger.warn('Releasing presence failed; it expires by itself.', { agent, error });
      }
    },
    stop() {
      stopped = true;
      timer?.cancel();
      timer = undefined;
    },
  };
}
