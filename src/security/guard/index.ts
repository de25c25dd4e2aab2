// Filled by the guard work; re-exported from ../index.ts.
export {};
