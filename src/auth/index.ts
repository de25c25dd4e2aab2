export {
  API_KEY_ID_LENGTH,
  type ApiKeyFormat,
  type ApiKeyFormatErrorData,
  type ApiKeyFormatProblem,
  type ParsedApiKey,
  parseApiKey,
} from './api-key-format.js';
export {
  type ApiKeyRecord,
  type ApiKeyRecordPatch,
  type ApiKeyStore,
  memoryApiKeyStore,
} from './api-key-store.js';
export {
  API_KEY_DEFAULTS,
  type ApiKeyErrorData,
  type ApiKeyInfo,
  type ApiKeyManager,
  type ApiKeyManagerOptions,
  type ApiKeyStatus,
  type IssueApiKeyOptions,
  type IssuedApiKey,
} from './api-key-types.js';
export { createApiKeyManager } from './api-keys.js';
export {
  type CredentialStorage,
  type CredentialStore,
  createCredentialStore,
  memoryCredentialStorage,
} from './credential-store.js';
export {
  type MemoryRevocationStore,
  type MemoryRevocationStoreOptions,
  memoryRevocationStore,
} from './memory-revocation-store.js';
export {
  BUILTIN_PERMISSIONS,
  BUILTIN_ROLES,
  type BuiltinPermission,
  type RoleDefinition,
  TOOL_EXECUTE_PERMISSION,
  type ToolRules,
} from './permissions.js';
export { createRbac } from './rbac.js';
export type {
  PermissionDeniedData,
  Rbac,
  RbacOptions,
  RbacProblem,
  ToolAccessDecision,
} from './rbac-types.js';
export type {
  RevocationStore,
  TokenClaims,
  TokenType,
  TokenVerifier,
  TokenVerifyOptions,
  VerifiedToken,
} from './tokens.js';
export { compileToolGlob, type ToolNameMatcher, toolGlobProblem } from './tool-glob.js';
export {
  createVault,
  VAULT_KEY_ENV,
  type Vault,
  type VaultDecryptErrorData,
  type VaultKeyErrorData,
  type VaultKeyInput,
  type VaultKeyProblem,
  type VaultOpenProblem,
  type VaultOptions,
} from './vault.js';
