import type {
  AgentErrorCode,
  AuthErrorCode,
  CoordinatorErrorCode,
  McpErrorCode,
  MemoryErrorCode,
  MeshErrorCode,
  SecurityErrorCode,
  ToolErrorCode,
  TransactionErrorCode,
  ValidationErrorCode,
} from './codes.js';
import { SkreaverError } from './skreaver-error.js';

/** Bad input: identifiers, schemas, empty collections, out-of-range options. */
export class ValidationError<D = unknown> extends SkreaverError<ValidationErrorCode, D> {
  /** The `instanceof` brand of this family. */
  static override readonly brand: string = 'ValidationError';
}

/** A tool call failed: not found, refused, timed out, threw, or returned junk. */
export class ToolError<D = unknown> extends SkreaverError<ToolErrorCode, D> {
  /** The `instanceof` brand of this family. */
  static override readonly brand: string = 'ToolError';
}

/** A memory backend failed or was misused. */
export class MemoryError<D = unknown> extends SkreaverError<MemoryErrorCode, D> {
  /** The `instanceof` brand of this family. */
  static override readonly brand: string = 'MemoryError';
}

/** A memory transaction did not commit; none of its writes were kept. */
export class TransactionError<D = unknown> extends SkreaverError<TransactionErrorCode, D> {
  /** The `instanceof` brand of this family. */
  static override readonly brand: string = 'TransactionError';
}

/** One of the agent's own methods failed. */
export class AgentError<D = unknown> extends SkreaverError<AgentErrorCode, D> {
  /** The `instanceof` brand of this family. */
  static override readonly brand: string = 'AgentError';
}

/** The coordinator could not complete a step. */
export class CoordinatorError<D = unknown> extends SkreaverError<CoordinatorErrorCode, D> {
  /** The `instanceof` brand of this family. */
  static override readonly brand: string = 'CoordinatorError';
}

/** A security policy refused something: a path, a URL, a secret, a size, a lockdown, RBAC. */
export class SecurityError<D = unknown> extends SkreaverError<SecurityErrorCode, D> {
  /** The `instanceof` brand of this family. */
  static override readonly brand: string = 'SecurityError';
}

/** Authentication failed: missing, invalid, expired or revoked credentials; vault failures. */
export class AuthError<D = unknown> extends SkreaverError<AuthErrorCode, D> {
  /** The `instanceof` brand of this family. */
  static override readonly brand: string = 'AuthError';
}

/** A mesh operation failed: bad message, backpressure, timeout, unavailable transport. */
export class MeshError<D = unknown> extends SkreaverError<MeshErrorCode, D> {
  /** The `instanceof` brand of this family. */
  static override readonly brand: string = 'MeshError';
}

/** An MCP connection or call failed: the server is gone, too slow, or broke the protocol. */
export class McpError<D = unknown> extends SkreaverError<McpErrorCode, D> {
  /** The `instanceof` brand of this family. */
  static override readonly brand: string = 'McpError';
}
