/** Model names the caller may use: `GET /v1/models` (OpenAI list), falling back to `/model/info`. */
import { useApp } from '../AppContext.tsx';
import { pickString, toList } from '../api/lists.ts';
import { useResource } from './useResource.ts';
import type { Resource } from './useResource.ts';

export function useModelNames(): Resource<string[]> {
  const { client, can } = useApp();
  return useResource<string[]>(
    async (signal) => {
      const names = new Set<string>();
      if (can('GET', '/v1/models')) {
        try {
          for (const m of toList<Record<string, unknown>>(await client.get('/v1/models', undefined, signal))) {
            const id = pickString(m, 'id', 'model_name');
            if (id !== null) names.add(id);
          }
        } catch {
          // fall through to /model/info
        }
      }
      if (names.size === 0 && can('GET', '/model/info')) {
        for (const m of toList<Record<string, unknown>>(await client.get('/model/info', undefined, signal))) {
          const id = pickString(m, 'model_name');
          if (id !== null) names.add(id);
        }
      }
      return [...names].sort();
    },
    [client],
  );
}
