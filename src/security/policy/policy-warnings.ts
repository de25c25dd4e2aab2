import type { SecurityPolicy } from './policy.js';
import type { PolicyProblem } from './policy-errors.js';

/** Ports that carry remote shells; allowing one is usually a mistake. */
const SHELL_PORTS: readonly number[] = [22, 23, 3389];

/**
 * Advice about a valid policy: settings that are legal but probably not what
 * was meant (file access on with no roots, HTTP on with no domains, lockdown
 * with nothing allowed, secrets let through, ...). Nothing here stops a
 * policy from loading; `skreaver config validate` prints these as warnings.
 *
 * @example
 * ```ts
 * for (const w of policyWarnings(policy)) console.warn(`${w.path}: ${w.message}`);
 * ```
 */
export function policyWarnings(policy: SecurityPolicy): PolicyProblem[] {
  const warnings: PolicyProblem[] = [];
  const warn = (path: string, message: string) => warnings.push({ path, message });
  const { fs, http, network, resources, audit, secrets, emergency } = policy;
  if (fs.enabled && fs.allowPaths.length === 0) {
    warn('fs.allowPaths', 'file access is enabled but no root is allowed, so every path is denied');
  }
  if (fs.followSymlinks) {
    warn(
      'fs.followSymlinks',
      'symbolic links are followed; a link inside a root can point outside it',
    );
  }
  if (http.enabled && http.allowDomains.length === 0) {
    warn(
      'http.allowDomains',
      "HTTP is enabled but no domain is allowed; add hosts, or '*' for any public host",
    );
  }
  if (http.allowPrivateNetworks && http.allowDomains.includes('*')) {
    warn(
      'http.allowPrivateNetworks',
      "with allowDomains ['*'], every private and loopback address is reachable (SSRF risk)",
    );
  }
  if (http.allowUserinfo) {
    warn(
      'http.allowUserinfo',
      'URLs may carry passwords (user:password@host), which end up in logs',
    );
  }
  if (network.enabled && network.allowPorts.length === 0) {
    warn('network.allowPorts', 'network access is enabled for every port not denied');
  }
  for (const [list, ports] of [
    ['network.allowPorts', network.allowPorts],
    ['http.allowPorts', http.allowPorts],
  ] as const) {
    const shells = ports.filter((p) => SHELL_PORTS.includes(p));
    if (shells.length > 0) warn(list, `allows remote-shell port(s) ${shells.join(', ')}`);
    const denied = ports.filter((p) => network.denyPorts.includes(p));
    if (denied.length > 0) {
      warn(list, `port(s) ${denied.join(', ')} are also in network.denyPorts, which wins`);
    }
  }
  if (resources.maxConcurrentPerTool > resources.maxConcurrent) {
    warn(
      'resources.maxConcurrentPerTool',
      `is above resources.maxConcurrent (${resources.maxConcurrent}), which caps it`,
    );
  }
  if (!audit.enabled) warn('audit.enabled', 'audit logging is off; denials leave no record');
  else if (!audit.redactSecrets) {
    warn('audit.redactSecrets', 'audit events are not redacted and may carry secrets');
  }
  if (secrets.onInput === 'allow') {
    warn('secrets.onInput', 'secrets in tool inputs reach the tools unchanged');
  }
  if (secrets.onOutput === 'allow') {
    warn('secrets.onOutput', 'secrets in tool outputs reach the caller unchanged');
  }
  if (emergency.lockdown && emergency.allowedTools.length === 0) {
    warn(
      'emergency.allowedTools',
      'lockdown is on and no tool is allowed, so every call is denied',
    );
  }
  return warnings;
}
