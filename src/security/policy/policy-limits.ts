const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;

/**
 * The bounds `validatePolicy()` enforces. A value outside them is a problem
 * at its path; a list longer than its cap is one problem and its entries are
 * not examined, so a giant policy is refused quickly instead of slowing
 * every call that consults it.
 */
export const POLICY_LIMITS = Object.freeze({
  /** Entries in any one list (paths, patterns, domains, ports, methods, tools). */
  maxListLength: 10_000,
  /** Per-tool overrides in `tools`. */
  maxToolOverrides: 10_000,
  /** Entries in `secrets.extraPatterns` (each one runs on every scanned string). */
  maxExtraPatterns: 100,
  /** Characters in one `secrets.extraPatterns` source. */
  maxPatternLength: 1_000,
  /** Characters in one path, glob or other free-text entry. */
  maxStringLength: 4_096,
  /** Problems collected before the rest are only counted (`data.omitted`). */
  maxProblems: 1_000,
  /** `fs.maxFileSize`: 1 byte to 1 GiB. */
  fileSize: Object.freeze({ min: 1, max: GIB }),
  /** `fs.maxFilesPerOperation`. */
  filesPerOperation: Object.freeze({ min: 1, max: 10_000 }),
  /** Every `timeoutMs`: 1 ms to 24 h. */
  timeoutMs: Object.freeze({ min: 1, max: 86_400_000 }),
  /** `http.maxResponseBytes`: 1 byte to 500 MiB. */
  responseBytes: Object.freeze({ min: 1, max: 500 * MIB }),
  /** `http.maxRedirects`. */
  redirects: Object.freeze({ min: 0, max: 20 }),
  /** Every port. */
  port: Object.freeze({ min: 1, max: 65_535 }),
  /** `resources.maxConcurrentPerTool` and `resources.maxConcurrent`. */
  concurrency: Object.freeze({ min: 1, max: 100_000 }),
  /** `resources.maxInputBytes` and `resources.maxOutputBytes`: 1 byte to 1 GiB. */
  payloadBytes: Object.freeze({ min: 1, max: GIB }),
  /** `resources.maxMemoryMb`: 1 MiB to 1 TiB. */
  memoryMb: Object.freeze({ min: 1, max: 1_048_576 }),
  /** `http.userAgent` and `emergency.securityContact`, in characters. */
  headerText: Object.freeze({ min: 1, max: 256 }),
});
