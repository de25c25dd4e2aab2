export {
  guardTool,
  type RegistryOptionsFromPolicy,
  registryOptionsFromPolicy,
} from './guard-tool.js';
export {
  createLockdown,
  type Lockdown,
  type LockdownChange,
  type LockdownOptions,
  type LockdownState,
} from './lockdown.js';
export {
  createSecurityGuard,
  type GuardDenialData,
  type SecurityGuard,
  type SecurityGuardOptions,
  type ToolAccessCheck,
} from './security-guard.js';
