import type { BuiltinAgent } from './builtin.js';
import { echoAgent, uppercaseTool } from './echo.js';
import { loadMultiTools, multiAgent, multiSession } from './multi.js';
import {
  DEFAULT_REASONING_PROFILE,
  formatStep,
  reasoningAgent,
  reasoningSession,
} from './reasoning.js';
import { reasoningTools } from './reasoning-tools.js';

export type { AgentOutput, AgentSession, BuiltinAgent } from './builtin.js';

/** The built-in agents by name. */
export const builtinAgents: Readonly<Record<string, BuiltinAgent>> = {
  echo: {
    summary: 'Upper-cases each input line with a tool and echoes it back',
    create: echoAgent,
    tools: async () => [uppercaseTool],
  },
  multi: {
    summary: 'One step on "Skreaver" (or each --input line) with text_uppercase and text_reverse',
    create: multiAgent,
    tools: loadMultiTools,
    session: multiSession,
  },
  reasoning: {
    summary: 'Works each problem line through analyze, deduce, conclude and reflect; quit to stop',
    create: (output) => reasoningAgent({ onStep: (step) => output.write(formatStep(step)) }),
    tools: async () => reasoningTools,
    // One round per step, up to the loop guard; the coordinator must not stop it first.
    maxRounds: DEFAULT_REASONING_PROFILE.maxLoopIters,
    session: reasoningSession,
  },
};
