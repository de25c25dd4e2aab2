export * from './audit/index.js';
export * from './guard/index.js';
export * from './policy/index.js';
export * from './secrets/index.js';
export * from './validators/index.js';
