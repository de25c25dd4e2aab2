import type { ValidationError } from '../errors/families.js';
import type { Result } from '../result.js';
import type { IdentifierKind } from './rules.js';
import { checkIdentifier, type IdentifierErrorData } from './validate.js';

declare const brand: unique symbol;

/** A string that passed the validation for identifier kind `K`. */
export type Identifier<K extends string> = string & { readonly [brand]: K };

/** A validated tool name: 1..64 UTF-8 bytes of ASCII letters, digits, `_` and `-`. */
export type ToolName = Identifier<'ToolName'>;
/** A validated memory key: 1..128 UTF-8 bytes of letters, digits, `_`, `-`, `.` and `:`. */
export type MemoryKey = Identifier<'MemoryKey'>;
/** A validated agent id: 1..128 bytes of ASCII letters, digits, `_` and `-`. */
export type AgentId = Identifier<'AgentId'>;

/** A validated mesh topic name: 1..128 bytes of ASCII letters, digits, `_`, `-` and `.`. */
export type TopicName = Identifier<'TopicName'>;

/** The error type of every identifier parser. */
export type IdentifierError = ValidationError<IdentifierErrorData>;

function make<T extends string>(kind: IdentifierKind, input: unknown): T {
  const result = checkIdentifier(kind, input);
  if (!result.ok) throw result.error;
  return result.value as T;
}

function safe<T extends string>(kind: IdentifierKind, input: unknown): Result<T, IdentifierError> {
  return checkIdentifier(kind, input) as Result<T, IdentifierError>;
}

/**
 * Validates and brands a tool name; the input is trimmed first.
 *
 * @throws {@link ValidationError} with code `invalid_identifier` (data says which character and where).
 * @example
 * ```ts
 * const name = toolName('http_get');
 * ```
 */
export function toolName(input: string): ToolName {
  return make<ToolName>('toolName', input);
}

/** Like {@link toolName}, but returns a result instead of throwing. */
export function safeParseToolName(input: unknown): Result<ToolName, IdentifierError> {
  return safe<ToolName>('toolName', input);
}

/**
 * Validates and brands a memory key; the input is trimmed first.
 *
 * @throws {@link ValidationError} with code `invalid_identifier`.
 * @example
 * ```ts
 * await memory.store(memoryKey('user:42.profile'), '{"name":"Ada"}');
 * ```
 */
export function memoryKey(input: string): MemoryKey {
  return make<MemoryKey>('memoryKey', input);
}

/** Like {@link memoryKey}, but returns a result instead of throwing. */
export function safeParseMemoryKey(input: unknown): Result<MemoryKey, IdentifierError> {
  return safe<MemoryKey>('memoryKey', input);
}

/**
 * Validates and brands an agent id; the input is trimmed first.
 *
 * @throws {@link ValidationError} with code `invalid_identifier`.
 */
export function agentId(input: string): AgentId {
  return make<AgentId>('agentId', input);
}

/** Like {@link agentId}, but returns a result instead of throwing. */
export function safeParseAgentId(input: unknown): Result<AgentId, IdentifierError> {
  return safe<AgentId>('agentId', input);
}

/**
 * Validates and brands a mesh topic name; the input is trimmed first.
 *
 * @throws {@link ValidationError} with code `invalid_identifier`.
 */
export function topicName(input: string): TopicName {
  return make<TopicName>('topicName', input);
}

/** Like {@link topicName}, but returns a result instead of throwing. */
export function safeParseTopicName(input: unknown): Result<TopicName, IdentifierError> {
  return safe<TopicName>('topicName', input);
}
