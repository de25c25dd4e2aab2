import type { Memory } from 'skreaver';
import type { HttpErrorCode } from './error-status.js';
import type { GuardLike, MeshProbe, ReadinessCheck } from './options.js';

/** One component's state in a readiness report. */
export interface ComponentHealth {
  /** `ok`, `down`, or `not_configured` (the runtime was given none; counts as ready). */
  readonly status: 'ok' | 'down' | 'not_configured';
  /** How long the check took, in milliseconds. */
  readonly latencyMs?: number;
  /** Why it is down. */
  readonly reason?: string;
}

/** What `GET /ready` and `runtime.ready()` report. */
export interface ReadinessReport {
  /** `ready` when no component is down. */
  readonly status: 'ready' | 'not_ready';
  /** Every component by name: `runtime`, `memory`, `mesh`, `policy`, then custom checks. */
  readonly components: Readonly<Record<string, ComponentHealth>>;
  /** When the checks ran, ISO 8601. */
  readonly timestamp: string;
  /** The down components, in check order. */
  readonly failing: readonly string[];
}

/** The error code `/ready` answers with when `component` is the first one down. */
export function readinessCode(component: string): HttpErrorCode {
  switch (component) {
    case 'runtime':
      return 'shutting_down';
    case 'memory':
      return 'memory_unavailable';
    case 'mesh':
      return 'mesh_unavailable';
    case 'policy':
      return 'lockdown_active';
    default:
      return 'resource_exhausted';
  }
}

/** What the readiness checks look at. */
export interface ReadinessSources {
  readonly memory: Memory;
  readonly mesh: MeshProbe | undefined;
  readonly guard: GuardLike | undefined;
  readonly custom: Readonly<Record<string, ReadinessCheck>>;
  readonly draining: () => boolean;
  readonly timeoutMs: number;
}

const MEMORY_PROBE_KEY = 'skreaver-ready-probe';

async function timed(check: ReadinessCheck, timeoutMs: number): Promise<ComponentHealth> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<ComponentHealth>((resolve) => {
    timer = setTimeout(
      () => resolve({ status: 'down', reason: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
  });
  const run = (async (): Promise<ComponentHealth> => {
    try {
      const outcome = await check();
      const ok = typeof outcome === 'boolean' ? outcome : outcome.ok === true;
      const reason = typeof outcome === 'object' ? outcome.reason : undefined;
      return ok ? { status: 'ok' } : { status: 'down', reason: reason ?? 'the check failed' };
    } catch (error) {
      return { status: 'down', reason: (error as Error)?.message ?? String(error) };
    }
  })();
  try {
    const health = await Promise.race([run, late]);
    return { ...health, latencyMs: Math.round((performance.now() - started) * 1000) / 1000 };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every readiness check at once and reports. Never rejects. */
export async function checkReadiness(sources: ReadinessSources): Promise<ReadinessReport> {
  const { memory, mesh, guard, custom, timeoutMs } = sources;
  const checks: [string, ReadinessCheck | ComponentHealth][] = [
    ['runtime', () => (sources.draining() ? { ok: false, reason: 'shutting down' } : true)],
    [
      'memory',
      async () => {
        if (memory.health !== undefined) {
          const health = await memory.health();
          return health.status === 'ok'
            ? true
            : { ok: false, reason: health.error?.message ?? `${health.backend} is down` };
        }
        await memory.load(MEMORY_PROBE_KEY);
        return true;
      },
    ],
    [
      'mesh',
      mesh === undefined
        ? { status: 'not_configured' }
        : async () => {
            await mesh.listAgents();
            return true;
          },
    ],
    [
      'policy',
      guard === undefined
        ? { status: 'not_configured' }
        : () =>
            guard.lockdown.isActive && guard.lockdown.state?.scope !== 'named'
              ? { ok: false, reason: 'emergency lockdown is active: every tool is denied' }
              : true,
    ],
    ...Object.entries(custom),
  ];
  const results = await Promise.all(
    checks.map(([, check]) =>
      typeof check === 'function' ? timed(check, timeoutMs) : Promise.resolve(check),
    ),
  );
  const components: Record<string, ComponentHealth> = {};
  const failing: string[] = [];
  checks.forEach(([name], i) => {
    const health = results[i] as ComponentHealth;
    components[name] = health;
    if (health.status === 'down') failing.push(name);
  });
  return {
    status: failing.length === 0 ? 'ready' : 'not_ready',
    components,
    timestamp: new Date().toISOString(),
    failing,
  };
}
