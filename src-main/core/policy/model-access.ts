/**
 * Model access lists (key, team, user, customer, identity narrowing): `[]` and `*` mean all;
 * entries are model names, globs (`openai/*`, `claude-*`) matched against the public name and
 * the provider model, or access groups from `model_info.access_groups`.
 */
export interface ModelFacts {
  /** The name the client sent. */
  name: string;
  /** The deployment's `litellm_params.model` (e.g. `openai/gpt-4o`), when known. */
  providerModel?: string;
  accessGroups: readonly string[];
}

function globMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(value);
}

export function allowsAll(list: readonly string[] | null | undefined): boolean {
  return list === null || list === undefined || list.length === 0 || list.includes('*') || list.includes('all-proxy-models');
}

export function modelAllowed(list: readonly string[] | null | undefined, m: ModelFacts): boolean {
  if (allowsAll(list)) return true;
  for (const entry of list!) {
    if (globMatch(entry, m.name)) return true;
    if (m.providerModel !== undefined && globMatch(entry, m.providerModel)) return true;
    if (m.accessGroups.includes(entry)) return true;
  }
  return false;
}
