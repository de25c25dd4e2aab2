import { type AgentId, type PresenceStore, safeParseAgentId } from 'skreaver';
import { CLAIM, LIVE_AGENTS, RELEASE } from './_scripts.js';
import type { Client } from './_settings.js';
import type { RedisMeshKeys } from './keys.js';

/** What presence needs from its transport. */
export interface PresenceHost {
  readonly client: Client;
  readonly keys: RedisMeshKeys;
  /** Agents checked per script call while listing. */
  readonly pageSize: number;
  assertOpen(): void;
  fail(error: unknown, operation: string): unknown;
}

/**
 * Presence as Redis strings with an expiry (`PX`) holding the owner node,
 * and a registry set for listing. Redis drops an expired entry by itself;
 * `list` checks each registered agent and removes the expired ones from
 * the registry in the same script, so a concurrent claim is never undone.
 */
export function redisPresence(host: PresenceHost): PresenceStore {
  const { keys } = host;

  async function guarded<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    host.assertOpen();
    try {
      return await fn();
    } catch (error) {
      throw host.fail(error, operation);
    }
  }

  return {
    claim(agent, owner, ttlMs) {
      // PX takes whole milliseconds; a fraction rounds up, never to 0.
      const px = Math.max(1, Math.ceil(ttlMs));
      return guarded('presence.claim', async () => {
        const claimed = await CLAIM.run(
          host.client,
          [keys.presence(agent), keys.agents],
          [owner, px, agent],
        );
        return claimed === 1;
      });
    },

    release(agent, owner) {
      return guarded('presence.release', async () => {
        await RELEASE.run(host.client, [keys.presence(agent), keys.agents], [owner, agent]);
      });
    },

    isPresent(agent) {
      return guarded(
        'presence.isPresent',
        async () => (await host.client.exists(keys.presence(agent))) === 1,
      );
    },

    list() {
      return guarded('presence.list', async () => {
        // Only valid ids are looked at: a foreign member of the set is ignored.
        const registered = (await host.client.smembers(keys.agents)).filter((id) => {
          const parsed = safeParseAgentId(id);
          return parsed.ok && parsed.value === id;
        }) as AgentId[];
        const live: AgentId[] = [];
        for (let i = 0; i < registered.length; i += host.pageSize) {
          const chunk = registered.slice(i, i + host.pageSize);
          const found = (await LIVE_AGENTS.run(
            host.client,
            [keys.agents, ...chunk.map((agent) => keys.presence(agent))],
            chunk,
          )) as AgentId[];
          live.push(...found);
        }
        return live;
      });
    },
  };
}
