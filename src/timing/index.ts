export {
  createDeadlineQueue,
  type Deadline,
  type DeadlineQueue,
  type Expirable,
} from './deadlines.js';
