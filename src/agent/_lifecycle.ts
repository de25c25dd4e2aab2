import type { Logger } from '../observability/logger.js';
import { createAbortScope } from './_abort-scope.js';
import { raceAbort } from './_async.js';
import { agentFailed, stepTimeout } from './_errors.js';
import type { AgentRecord } from './_run-step.js';
import { StepContext } from './_step-context.js';
import type { AgentContext } from './agent.js';

/**
 * Runs an agent's optional `initialize` or `cleanup` under a deadline. Rejects
 * with `agent_failed` when the method throws and `step_timeout` when it
 * overruns (the method is then abandoned and its late result dropped).
 */
export async function runLifecycle<Obs, Act>(
  record: AgentRecord<Obs, Act>,
  method: 'initialize' | 'cleanup',
  timeoutMs: number,
  logger: Logger,
): Promise<void> {
  const { agent, id: agentId } = record;
  if (typeof agent[method] !== 'function') return;
  const scope = createAbortScope();
  const timer = setTimeout(
    () => scope.abort(stepTimeout(agentId, timeoutMs, { method })),
    timeoutMs,
  );
  const ctx: AgentContext = new StepContext(scope, agentId, record.memory, logger, undefined, 0, 0);
  try {
    let value: void | Promise<void>;
    try {
      value = method === 'initialize' ? agent.initialize?.(ctx) : agent.cleanup?.(ctx);
    } catch (error) {
      throw agentFailed(agentId, method, error);
    }
    await raceAbort(value, scope, (error) => agentFailed(agentId, method, error));
  } finally {
    clearTimeout(timer);
  }
}
