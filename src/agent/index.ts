export type { Agent, AgentContext, ToolOutcome } from './agent.js';
export type { Coordinator, CoordinatorOptions, StepOptions } from './coordinator.js';
export { createCoordinator } from './create-coordinator.js';
export type {
  AgentFailureData,
  AgentMethod,
  CoordinatorEvent,
  CoordinatorEventOf,
  CoordinatorEventType,
  CoordinatorListener,
  StepError,
  StepEventBase,
  StepFailedEvent,
  StepFinishedEvent,
  StepStartedEvent,
  ToolCalledEvent,
  ToolResultEvent,
} from './events.js';
