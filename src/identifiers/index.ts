export type {
  AgentId,
  Identifier,
  IdentifierError,
  MemoryKey,
  ToolName,
  TopicName,
} from './identifiers.js';
export {
  agentId,
  memoryKey,
  safeParseAgentId,
  safeParseMemoryKey,
  safeParseToolName,
  safeParseTopicName,
  toolName,
  topicName,
} from './identifiers.js';
export type { IdentifierKind, IdentifierRule } from './rules.js';
export { IDENTIFIER_RULES } from './rules.js';
export type { IdentifierErrorData, IdentifierProblem } from './validate.js';
