export type {
  AgentErrorCode,
  AuthErrorCode,
  CoordinatorErrorCode,
  ErrorCode,
  ErrorFamily,
  McpErrorCode,
  MemoryErrorCode,
  MeshErrorCode,
  SecurityErrorCode,
  ToolErrorCode,
  TransactionErrorCode,
  ValidationErrorCode,
} from './codes.js';
export { ERROR_CODES } from './codes.js';
export {
  AgentError,
  AuthError,
  CoordinatorError,
  McpError,
  MemoryError,
  MeshError,
  SecurityError,
  ToolError,
  TransactionError,
  ValidationError,
} from './families.js';
export type { SkreaverErrorOptions } from './skreaver-error.js';
export { isSkreaverError, SkreaverError } from './skreaver-error.js';
