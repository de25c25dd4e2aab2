/**
 * skreaver/memory/file: a durable, locked, crash-safe memory in one JSON
 * file, on Node's `fs`.
 *
 * @packageDocumentation
 */

export { FILE_MEMORY_FORMAT } from './_file-format.js';
export type { FileMemoryFs } from './_fs.js';
export type { FileMemoryIoErrorData } from './_io-error.js';
export type { FileMemoryLockedData } from './_lock.js';
export type { FileMemory } from './file-memory.js';
export { fileMemory } from './file-memory.js';
export type { FileMemoryOptions } from './options.js';
