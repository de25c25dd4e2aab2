export {
  createDeadlineQueue,
  type Deadline,
  type DeadlineQueue,
  type DeadlineQueueOptions,
  type Expirable,
} from './deadlines.js';
