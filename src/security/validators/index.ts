// Filled by the validators work; re-exported from ../index.ts.
export {};
