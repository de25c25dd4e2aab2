export type {
  AuditLevel,
  AuditPolicy,
  EmergencyPolicy,
  FsPolicy,
  HttpPolicy,
  NetworkPolicy,
  ResourcePolicy,
  SecretAction,
  SecretsPolicy,
  SecurityPolicy,
  SecurityPolicyInput,
  ToolPolicyOverride,
} from './policy.js';
export { DEFAULT_DENY_PATTERNS, DEFAULT_POLICY } from './policy.js';
export {
  formatPolicyProblem,
  type PolicyInvalidData,
  type PolicyProblem,
  policyInvalidError,
} from './policy-errors.js';
export { type EffectiveToolPolicy, policyForTool } from './policy-for-tool.js';
export { POLICY_LIMITS } from './policy-limits.js';
export { policyWarnings } from './policy-warnings.js';
export { parsePolicy, validatePolicy } from './validate-policy.js';
