export type { MemoryCapability, MemoryCapabilityMethods, MemoryWith } from './capabilities.js';
export { hasCapability, requireCapability } from './capabilities.js';
export { compareMemoryKeys } from './compare-keys.js';
export type { InMemoryMemory, InMemoryMemoryOptions } from './in-memory.js';
export { inMemoryMemory } from './in-memory.js';
export type {
  Memory,
  MemoryCapabilities,
  MemoryEntry,
  MemoryHealth,
  MemoryReader,
  MemoryTransaction,
  MemoryWriter,
  StoreOptions,
} from './memory.js';
export type { NamespacedOptions } from './namespaced.js';
export { namespaced } from './namespaced.js';
export type {
  ExportMemoryOptions,
  ImportErrorData,
  ImportMemoryOptions,
  ImportMemoryResult,
  NdjsonLinesOptions,
} from './ndjson.js';
export { exportMemory, importMemory, ndjsonLines } from './ndjson.js';
export type {
  BufferedWrite,
  OptimisticBackend,
  OptimisticCommit,
  OptimisticTransactionOptions,
  VersionedValue,
} from './optimistic-transaction.js';
export { bufferedValue, runOptimisticTransaction } from './optimistic-transaction.js';
export type {
  MemorySnapshotContent,
  ParseMemorySnapshotOptions,
  SnapshotInvalidData,
  SnapshotProblem,
} from './snapshot-format.js';
export {
  formatMemorySnapshot,
  MEMORY_SNAPSHOT_FORMAT,
  MEMORY_SNAPSHOT_VERSION,
  parseMemorySnapshot,
} from './snapshot-format.js';
export type { ConflictCheck, TransactionConflictData } from './transaction-conflict.js';
export { conflictCheck, transactionConflictError } from './transaction-conflict.js';
export type { MemoryValueErrorData, MemoryValueLimitData } from './validation.js';
export {
  validateKeyPrefix,
  validateMemoryEntries,
  validateMemoryKey,
  validateMemoryKeys,
  validateMemoryValue,
  validateStoreOptions,
} from './validation.js';
