export { createToolRegistry } from './create-registry.js';
export {
  DISPATCH_ERROR_CODES,
  type DispatchErrorCode,
  type ToolErrorData,
  type ToolInputIssue,
} from './dispatch-errors.js';
export type { JsonSchema, JsonSchemaType, JsonValue } from './json.js';
export {
  type CompiledJsonSchema,
  checkJsonSchema,
  compileJsonSchema,
  type JsonSchemaCheckOptions,
  type JsonSchemaIssue,
} from './json-schema-check.js';
export {
  findSerialisationProblem,
  isJsonSerialisable,
  type JsonSerialisableOptions,
  type SerialisationProblem,
} from './output-check.js';
export type {
  DispatchContext,
  ToolPolicyDecision,
  ToolPolicyHook,
  ToolPolicyRequest,
  ToolRegistry,
  ToolRegistryOptions,
} from './registry.js';
export type {
  StandardSchemaV1,
  StandardSchemaV1Issue,
  StandardSchemaV1Props,
  StandardSchemaV1Result,
} from './standard-schema.js';
export { defineTool, type Tool, type ToolCall, type ToolContext, type ToolResult } from './tool.js';
