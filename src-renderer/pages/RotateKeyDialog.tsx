/** Rotate a key (`POST /key/regenerate {key, grace_period}`): the old key keeps working for the grace period. */
import { useState } from 'react';
import { durationString } from '../../src-shared/management.ts';
import { useApp } from '../AppContext.tsx';
import { Field, FormError } from '../components/Field.tsx';
import { FormFrame } from '../components/FormFrame.tsx';
import type { FieldErrors } from '../lib/forms.ts';
import { serverFieldErrors } from '../lib/forms.ts';
import type { GeneratedKey } from './CreateKeyDialog.tsx';

export function RotateKeyDialog({ keyRef, label, onClose, onRotated }: { keyRef: string; label: string; onClose: () => void; onRotated: (key: GeneratedKey) => void }) {
  const { client } = useApp();
  const [grace, setGrace] = useState('24h');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const submit = async (): Promise<void> => {
    const g = grace.trim();
    if (g !== '') {
      const ok = durationString.safeParse(g);
      if (!ok.success) {
        setErrors({ grace_period: 'Use a duration like 30m, 24h or 7d, or leave empty to stop the old key now.' });
        return;
      }
    }
    setBusy(true);
    setErrors({});
    try {
      const body = g === '' ? { key: keyRef } : { key: keyRef, grace_period: g };
      onRotated(await client.post<GeneratedKey>('/key/regenerate', body));
    } catch (err) {
      setErrors(serverFieldErrors(err, ['grace_period']));
      setBusy(false);
    }
  };
  return (
    <FormFrame title={`Rotate ${label}`} size="small" formId="rotate-form" submitLabel="Rotate key" busyLabel="Rotating…" busy={busy} onClose={onClose} onSubmit={() => void submit()}>
      <p>A new secret is issued. Budgets, spend, limits and logs stay with the key.</p>
      <FormError message={errors._form} />
      <Field label="Grace period" name="grace_period" error={errors.grace_period} hint="The old secret keeps working this long, so you can update your apps. Empty = stop it now.">
        <input type="text" value={grace} onChange={(e) => setGrace(e.target.value)} data-autofocus />
      </Field>
    </FormFrame>
  );
}
