import type { Logger } from '../observability/logger.js';
import type { MeshEvent, MeshEventType } from './mesh.js';

type Listener = (event: MeshEvent) => void;

/** Fan-out of mesh events; a listener that throws is logged and never breaks the mesh. */
export interface MeshEvents {
  /** Whether anyone listens to `type` (lets hot paths skip building events). */
  wants(type: MeshEventType): boolean;
  emit(event: MeshEvent): void;
  on(type: MeshEventType, listener: Listener): () => void;
  clear(): void;
}

export function createMeshEvents(logger: Logger): MeshEvents {
  const byType = new Map<MeshEventType, Set<Listener>>();
  return {
    wants: (type) => (byType.get(type)?.size ?? 0) > 0,
    emit(event) {
      const listeners = byType.get(event.type);
      if (listeners === undefined) return;
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          logger.error('A mesh event listener threw; the mesh goes on.', {
            event: event.type,
            error,
          });
        }
      }
    },
    on(type, listener) {
      let set = byType.get(type);
      if (set === undefined) {
        set = new Set();
        byType.set(type, set);
      }
      // Wrapped, so one function subscribed twice is two subscriptions.
      const entry: Listener = (event) => listener(event);
      set.add(entry);
      return () => {
        set.delete(entry);
      };
    },
    clear: () => byType.clear(),
  };
}
