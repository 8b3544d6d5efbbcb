/**
 * Change a key's alias, models, budget and limits (`POST /key/update`), validated with the shared
 * schema. A field emptied here is cleared on the server (sent as null), not left as it was.
 */
import type { KeyView } from '../../src-shared/management.ts';
import { keyUpdateSchema } from '../../src-shared/management.ts';
import { FormDialog } from '../components/FormDialog.tsx';
import type { FormValues } from '../components/FormDialog.tsx';
import { useModelNames } from '../hooks/useModelNames.ts';
import { usePost } from '../hooks/useMutation.ts';
import { DURATION_SUGGESTIONS } from './CreateKeyDialog.tsx';

type KeyRow = Partial<KeyView> & Record<string, unknown>;

function text(v: unknown): string {
  return typeof v === 'number' || typeof v === 'string' ? String(v) : '';
}

export function initialKeyValues(row: KeyRow): FormValues {
  return {
    key_alias: text(row.key_alias),
    models: Array.isArray(row.models) ? row.models : [],
    max_budget: text(row.max_budget),
    budget_duration: text(row.budget_duration),
    rpm_limit: text(row.rpm_limit),
    tpm_limit: text(row.tpm_limit),
  };
}

export function EditKeyDialog({ row, keyRef, label, onClose, onSaved }: { row: KeyRow; keyRef: string; label: string; onClose: () => void; onSaved: () => void }) {
  const post = usePost();
  const models = useModelNames();
  return (
    <FormDialog
      title={`Edit ${label}`}
      description="Changes apply to the next request. Spend so far stays with the key."
      schema={keyUpdateSchema}
      submitLabel="Save"
      emptyAs="null"
      initial={initialKeyValues(row)}
      onClose={onClose}
      shape={(flat) => ({ key: keyRef, ...flat })}
      fields={[
        { name: 'key_alias', label: 'Alias', kind: 'text' },
        { name: 'models', label: 'Models', kind: 'models', available: models.data ?? [], hint: 'None selected: every model its owner may use.' },
        { name: 'max_budget', label: 'Max budget (USD)', kind: 'number', placeholder: 'no limit', hint: 'Requests are refused once the spend reaches it.' },
        { name: 'budget_duration', label: 'Budget resets every', kind: 'text', placeholder: 'never', hint: 'e.g. 1d, 1w, 1mo', list: 'edit-duration-suggestions' },
        { name: 'rpm_limit', label: 'Requests per minute', kind: 'number', placeholder: 'no limit' },
        { name: 'tpm_limit', label: 'Tokens per minute', kind: 'number', placeholder: 'no limit' },
      ]}
      onSubmit={(body) => post('/key/update', body, `${label} saved.`, onSaved)}
    >
      <datalist id="edit-duration-suggestions">
        {DURATION_SUGGESTIONS.map((d) => (
          <option key={d} value={d} />
        ))}
      </datalist>
    </FormDialog>
  );
}
