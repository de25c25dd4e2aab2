export type {
  AgentErrorCode,
  CoordinatorErrorCode,
  ErrorCode,
  ErrorFamily,
  MemoryErrorCode,
  ToolErrorCode,
  TransactionErrorCode,
  ValidationErrorCode,
} from './codes.js';
export { ERROR_CODES } from './codes.js';
export {
  AgentError,
  CoordinatorError,
  MemoryError,
  ToolError,
  TransactionError,
  ValidationError,
} from './families.js';
export type { SkreaverErrorOptions } from './skreaver-error.js';
export { isSkreaverError, SkreaverError } from './skreaver-error.js';
