export type { ValueSecretFinding } from './_walk.js';
export {
  SECRET_DETECTORS,
  type SecretDetector,
  type SecretDetectorName,
  type SecretMatchFilter,
} from './detectors.js';
export { redactSecrets, redactValue, scanSecrets } from './scan-secrets.js';
export {
  createSecretScanner,
  REDACTED,
  SECRET_SCANNER_DEFAULTS,
  type SecretFinding,
  type SecretScanner,
  type SecretScannerOptions,
} from './scanner.js';
export { isSensitiveKey } from './sensitive-keys.js';
