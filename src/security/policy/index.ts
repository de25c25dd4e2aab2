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
