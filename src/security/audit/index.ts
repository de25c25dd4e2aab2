// Filled by the audit work; re-exported from ../index.ts.
export {};
