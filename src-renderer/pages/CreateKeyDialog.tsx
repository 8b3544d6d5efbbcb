/**
 * Create a virtual key (`POST /key/generate`). Validated in the browser with the same zod schema
 * the gateway uses; a server error naming a field (`param`) is shown on that field.
 */
import { useState } from 'react';
import type { ChangeEvent } from 'react';
import { keyGenerateSchema } from '../../src-shared/management.ts';
import { useApp } from '../AppContext.tsx';
import { FormFrame } from '../components/FormFrame.tsx';
import { Field, FormError } from '../components/Field.tsx';
import { ModelPicker } from '../components/ModelPicker.tsx';
import { useModelNames } from '../hooks/useModelNames.ts';
import type { FieldErrors } from '../lib/forms.ts';
import { compact, optionalNumber, optionalText, serverFieldErrors, zodFieldErrors } from '../lib/forms.ts';

export interface GeneratedKey {
  key: string;
  key_name?: string;
  key_id?: string;
  token?: string;
  expires?: string | null;
  models?: string[];
}

const FIELDS = ['key_alias', 'models', 'max_budget', 'budget_duration', 'duration', 'rpm_limit', 'tpm_limit', 'user_id', 'team_id'] as const;
const NUMERIC = ['max_budget', 'rpm_limit', 'tpm_limit'] as const;

export const DURATION_SUGGESTIONS = ['1h', '24h', '1d', '7d', '30d', '1w', '1mo'];

export function CreateKeyDialog({ onClose, onCreated, availableModelsHint }: { onClose: () => void; onCreated: (key: GeneratedKey, models: string[]) => void; availableModelsHint?: string }) {
  const { client, can } = useApp();
  const models = useModelNames();
  const canAssign = can('GET', '/user/list');
  const [form, setForm] = useState({ key_alias: '', max_budget: '', budget_duration: '', duration: '', rpm_limit: '', tpm_limit: '', user_id: '', team_id: '' });
  const [selected, setSelected] = useState<string[]>([]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const clearError = (name: string): void =>
    setErrors((prev) => {
      if (prev[name] === undefined) return prev;
      const next = { ...prev };
      delete next[name];
      return next;
    });
  const set = (name: keyof typeof form) => (e: ChangeEvent<HTMLInputElement>) => {
    setForm((f) => ({ ...f, [name]: e.target.value }));
    clearError(name);
  };

  const submit = async (): Promise<void> => {
    const numberErrors: FieldErrors = {};
    for (const n of NUMERIC) if (Number.isNaN(optionalNumber(form[n]))) numberErrors[n] = 'Enter a number.';
    if (Object.keys(numberErrors).length > 0) {
      setErrors(numberErrors);
      return;
    }
    const body = compact({
      key_alias: optionalText(form.key_alias),
      models: selected.length > 0 ? selected : undefined,
      max_budget: optionalNumber(form.max_budget),
      budget_duration: optionalText(form.budget_duration),
      duration: optionalText(form.duration),
      rpm_limit: optionalNumber(form.rpm_limit),
      tpm_limit: optionalNumber(form.tpm_limit),
      user_id: canAssign ? optionalText(form.user_id) : undefined,
      team_id: canAssign ? optionalText(form.team_id) : undefined,
    });
    const parsed = keyGenerateSchema.safeParse(body);
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error));
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const created = await client.post<GeneratedKey>('/key/generate', parsed.data);
      onCreated(created, selected);
    } catch (err) {
      setErrors(serverFieldErrors(err, FIELDS));
      setBusy(false);
    }
  };

  return (
    <FormFrame
      title="Create key"
      size="large"
      description="A virtual key for an app or a person. Limits and budgets are enforced by the gateway."
      formId="create-key-form"
      submitLabel="Create key"
      busyLabel="Creating…"
      busy={busy}
      onClose={onClose}
      onSubmit={() => void submit()}
    >
      <FormError message={errors._form} />
      <Field label="Alias" name="key_alias" error={errors.key_alias} hint="A name you will recognise in logs, e.g. “notebook” or “ci”.">
        <input type="text" value={form.key_alias} onChange={set('key_alias')} data-autofocus autoComplete="off" />
      </Field>
      <div className={errors.models === undefined ? '' : 'field-invalid'} data-field="models">
        <ModelPicker label="Models" available={models.data ?? []} selected={selected} onChange={(m) => {
            setSelected(m);
            clearError('models');
          }} loading={models.loading} invalid={errors.models !== undefined} />
        <p className="field-hint">{availableModelsHint ?? 'None selected: the key may use every model its owner may use.'}</p>
        {errors.models === undefined ? null : <p className="field-error">{errors.models}</p>}
      </div>
      <div className="form-row">
        <Field label="Max budget (USD)" name="max_budget" error={errors.max_budget}>
          <input type="text" inputMode="decimal" value={form.max_budget} onChange={set('max_budget')} placeholder="no limit" />
        </Field>
        <Field label="Budget resets every" name="budget_duration" error={errors.budget_duration} hint="e.g. 1d, 1w, 1mo">
          <input type="text" list="duration-suggestions" value={form.budget_duration} onChange={set('budget_duration')} placeholder="never" />
        </Field>
        <Field label="Expires after" name="duration" error={errors.duration} hint="e.g. 30d; empty = never">
          <input type="text" list="duration-suggestions" value={form.duration} onChange={set('duration')} placeholder="never" />
        </Field>
      </div>
      <div className="form-row">
        <Field label="Requests per minute" name="rpm_limit" error={errors.rpm_limit}>
          <input type="text" inputMode="numeric" value={form.rpm_limit} onChange={set('rpm_limit')} placeholder="no limit" />
        </Field>
        <Field label="Tokens per minute" name="tpm_limit" error={errors.tpm_limit}>
          <input type="text" inputMode="numeric" value={form.tpm_limit} onChange={set('tpm_limit')} placeholder="no limit" />
        </Field>
      </div>
      {canAssign ? (
        <div className="form-row">
          <Field label="Owner user ID" name="user_id" error={errors.user_id} hint="Optional. The key acts with this user’s role.">
            <input type="text" value={form.user_id} onChange={set('user_id')} autoComplete="off" />
          </Field>
          <Field label="Team ID" name="team_id" error={errors.team_id} hint="Optional. Team budgets and model access apply.">
            <input type="text" value={form.team_id} onChange={set('team_id')} autoComplete="off" />
          </Field>
        </div>
      ) : null}
      <datalist id="duration-suggestions">
        {DURATION_SUGGESTIONS.map((d) => (
          <option key={d} value={d} />
        ))}
      </datalist>
    </FormFrame>
  );
}
