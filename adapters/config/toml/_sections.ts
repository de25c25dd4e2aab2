import { fsAccess, httpAccess } from './_original.js';
import { alias, ignored, logLevel, type SectionRules, seconds, section } from './_rules.js';

/** Keys of every policy section: the policy's own names in camelCase and snake_case, plus the original layout's. */
export const SECTION_RULES: Readonly<Record<string, SectionRules>> = {
  fs: section(
    [
      'enabled',
      'allowPaths',
      'denyPatterns',
      'followSymlinks',
      'maxFileSize',
      'maxFilesPerOperation',
    ],
    {
      access: { kind: 'special', apply: fsAccess },
      max_file_size_bytes: alias('maxFileSize'),
    },
  ),
  http: section(
    [
      'enabled',
      'allowDomains',
      'denyDomains',
      'allowPrivateNetworks',
      'allowUserinfo',
      'allowMethods',
      'allowPorts',
      'allowContentTypes',
      'timeoutMs',
      'maxResponseBytes',
      'maxRedirects',
      'userAgent',
    ],
    {
      access: { kind: 'special', apply: httpAccess },
      allow_local: alias('allowPrivateNetworks'),
      timeout: alias('timeoutMs', seconds),
      timeout_seconds: alias('timeoutMs', seconds),
      max_response_size: alias('maxResponseBytes'),
      default_headers: ignored('default headers are set by each HTTP tool'),
    },
  ),
  network: section(['enabled', 'allowPorts', 'denyPorts'], {
    ttl: ignored('DNS results are not cached by the policy'),
    ttl_seconds: ignored('DNS results are not cached by the policy'),
    allow_private_networks: ignored(
      'private addresses are governed by [http] allow_private_networks',
    ),
  }),
  resources: section(
    [
      'timeoutMs',
      'maxConcurrentPerTool',
      'maxConcurrent',
      'maxInputBytes',
      'maxOutputBytes',
      'maxMemoryMb',
    ],
    {
      max_execution_time: alias('timeoutMs', seconds),
      max_execution_time_seconds: alias('timeoutMs', seconds),
      max_concurrent_operations: alias('maxConcurrent'),
      max_cpu_percent: ignored('CPU use is not limited per call'),
      max_open_files: ignored('open files are not limited per call'),
      max_disk_usage_mb: ignored('disk use is not limited per call'),
    },
  ),
  audit: section(['enabled', 'logAllowed', 'redactSecrets', 'level'], {
    log_all_operations: alias('logAllowed'),
    log_level: alias('level', logLevel),
    secret_patterns: ignored('extra secret detectors go in [secrets] extra_patterns'),
    retain_logs_days: ignored('retention belongs to the audit sink'),
    include_stack_traces: ignored('audit events carry no stack traces'),
    log_format: ignored('the audit sink decides the format (consoleAuditSink writes JSON lines)'),
  }),
  secrets: section(['onInput', 'onOutput', 'extraPatterns', 'envPrefix'], {
    environment_only: ignored('the policy does not load secrets'),
    auto_rotate: ignored('the policy does not rotate secrets'),
    min_secret_length: ignored('detectors have their own length rules'),
  }),
  emergency: section(['lockdown', 'allowedTools', 'securityContact'], {
    lockdown_enabled: alias('lockdown'),
    lockdown_allowed_tools: alias('allowedTools'),
    auto_lockdown_triggers: ignored('lockdown is switched by calling lockdown.activate()'),
  }),
};

/** Keys of a `[tools.<name>]` table besides the section sub-tables. */
export const TOOL_RULES = section(['enabled'], {
  fs_enabled: { kind: 'field', target: 'fs.enabled' },
  http_enabled: { kind: 'field', target: 'http.enabled' },
  network_enabled: { kind: 'field', target: 'network.enabled' },
  rate_limit_per_minute: ignored('rate limits are not part of the tool policy'),
  additional_restrictions: ignored('free-form restrictions are not enforced'),
});

/** Sections a tool override may hold as sub-tables. */
export const TOOL_SECTIONS: readonly string[] = ['fs', 'http', 'network', 'resources', 'secrets'];

/** Top-level tables of the original that are accepted and ignored, with why. */
export const IGNORED_SECTIONS: Readonly<Record<string, string>> = {
  metadata: 'informational only',
  alerting:
    'skreaver sends no alerts; route audit events (tool.denied, policy.violation) to your alerting',
  development: 'there are no development relaxations; keep a separate policy file for development',
};
