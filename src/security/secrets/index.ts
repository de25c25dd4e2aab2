// Filled by the secrets work; re-exported from ../index.ts.
export {};
