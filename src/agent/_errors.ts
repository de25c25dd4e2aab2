import { AgentError, CoordinatorError } from '../errors/families.js';
import type { AgentFailureData, AgentMethod } from './events.js';

function describe(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  try {
    return String(cause);
  } catch {
    return 'an unprintable value';
  }
}

/** `agent_failed`: one of the agent's own methods threw or rejected. */
export function agentFailed(
  agentId: string,
  method: AgentMethod,
  cause: unknown,
  step?: number,
): AgentError<AgentFailureData> {
  const during = step === undefined ? '' : ` during step ${step}`;
  const data: AgentFailureData =
    step === undefined ? { agentId, method } : { agentId, method, step };
  return new AgentError(
    'agent_failed',
    `Agent '${agentId}' failed in ${method}${during}: ${describe(cause)}`,
    {
      data,
      cause,
    },
  );
}

/** `step_timeout`: a step (or `initialize` / `cleanup`) overran its deadline. */
export function stepTimeout(
  agentId: string,
  timeoutMs: number,
  what: { step: number } | { method: AgentMethod },
): CoordinatorError {
  const subject =
    'step' in what
      ? `Step ${what.step} of agent '${agentId}'`
      : `Agent '${agentId}' ${what.method}`;
  return new CoordinatorError(
    'step_timeout',
    `${subject} did not finish within ${timeoutMs} ms; raise stepTimeoutMs or make the agent and its tools faster.`,
    { data: { agentId, timeoutMs, ...what } },
  );
}

/** `step_aborted`: the caller aborted the step through its signal. */
export function stepAborted(agentId: string, reason: unknown, step?: number): CoordinatorError {
  const subject =
    step === undefined ? `A step of agent '${agentId}'` : `Step ${step} of agent '${agentId}'`;
  return new CoordinatorError('step_aborted', `${subject} was aborted by the caller.`, {
    data: step === undefined ? { agentId } : { agentId, step },
    cause: reason,
  });
}

/** `max_rounds_exceeded`: the agent still asked for tools after `maxRounds` rounds. */
export function maxRoundsExceeded(
  agentId: string,
  step: number,
  maxRounds: number,
): CoordinatorError {
  return new CoordinatorError(
    'max_rounds_exceeded',
    `Agent '${agentId}' still asked for tools after ${maxRounds} rounds in step ${step}; make callTools return [] sooner or raise maxRounds.`,
    { data: { agentId, step, maxRounds } },
  );
}

/** `max_calls_exceeded`: one round asked for more calls than `maxCallsPerRound`. */
export function maxCallsExceeded(
  agentId: string,
  step: number,
  calls: number,
  maxCallsPerRound: number,
): CoordinatorError {
  return new CoordinatorError(
    'max_calls_exceeded',
    `Agent '${agentId}' asked for ${calls} tool calls in one round of step ${step}; the limit is ${maxCallsPerRound} (maxCallsPerRound).`,
    { data: { agentId, step, calls, maxCallsPerRound } },
  );
}

/** `agent_busy`: too many steps already wait for this agent. */
export function agentBusy(agentId: string, maxQueuedSteps: number): CoordinatorError {
  return new CoordinatorError(
    'agent_busy',
    `Agent '${agentId}' already has ${maxQueuedSteps} steps waiting; retry later or raise maxQueuedSteps.`,
    { data: { agentId, maxQueuedSteps } },
  );
}

/** `agent_not_found`: no agent accepts steps under this id. */
export function agentNotFound(agentId: string): CoordinatorError {
  return new CoordinatorError(
    'agent_not_found',
    `No agent is registered under '${agentId}'; add it first.`,
    {
      data: { agentId },
    },
  );
}

/** `agent_duplicate`: the id is taken (or its previous agent is still being removed). */
export function agentDuplicate(agentId: string, removing: boolean): CoordinatorError {
  const detail = removing ? ' and is still being removed; await remove() first' : '';
  return new CoordinatorError(
    'agent_duplicate',
    `An agent is already registered under '${agentId}'${detail}.`,
    {
      data: { agentId, removing },
    },
  );
}

/** `coordinator_closed`: the coordinator was closed. */
export function coordinatorClosed(): CoordinatorError {
  return new CoordinatorError(
    'coordinator_closed',
    'The coordinator is closed and runs no more steps; create a new one.',
  );
}
