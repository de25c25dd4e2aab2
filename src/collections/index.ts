export type {
  CollectionError,
  CollectionErrorData,
  CollectionName,
  CollectionProblem,
} from './collection-error.js';
export type { NonEmptyArray } from './non-empty-array.js';
export {
  head,
  isNonEmptyArray,
  last,
  mapNonEmpty,
  nonEmptyArray,
  safeNonEmptyArray,
  singleton,
} from './non-empty-array.js';
export type { NonEmptyQueue } from './non-empty-queue.js';
export { nonEmptyQueue, safeNonEmptyQueue } from './non-empty-queue.js';
