/**
 * A dialog holding one small management form, described by field specs. Values are read from
 * inputs as text, turned into a body (numbers parsed, empty fields left out), validated with a
 * zod schema, then sent; a server error naming a field lands on that field.
 */
import { useState } from 'react';
import type { ReactNode } from 'react';
import type { z } from 'zod';
import { Field, FormError } from './Field.tsx';
import { FormFrame } from './FormFrame.tsx';
import { ModelPicker } from './ModelPicker.tsx';
import type { FieldErrors } from '../lib/forms.ts';
import { compact, optionalNumber, optionalText, serverFieldErrors, zodFieldErrors } from '../lib/forms.ts';

export type FieldSpec =
  | { name: string; label: string; kind: 'text' | 'number' | 'password'; hint?: ReactNode; placeholder?: string; list?: string }
  | { name: string; label: string; kind: 'select'; options: readonly { value: string; label: string }[]; hint?: ReactNode }
  | { name: string; label: string; kind: 'checkbox'; hint?: ReactNode }
  | { name: string; label: string; kind: 'models'; available: readonly string[]; hint?: ReactNode };

export type FormValues = Record<string, string | boolean | string[]>;

export interface FormDialogProps<S extends z.ZodType> {
  title: string;
  description?: ReactNode;
  fields: readonly FieldSpec[];
  schema: S;
  initial?: FormValues;
  submitLabel: string;
  /** Turn the validated body into a request; return nothing on success. */
  onSubmit: (body: z.output<S>) => Promise<void>;
  onClose: () => void;
  /** Extra content under the fields (explanations). */
  children?: ReactNode;
  /** Reshape the flat body before validation (e.g. nest provider params). */
  shape?: (flat: Record<string, unknown>) => unknown;
  /** Extra buttons left of Cancel (e.g. "Test connection"). */
  extraActions?: (values: () => unknown) => ReactNode;
  /**
   * What an empty field sends: `'omit'` (default: left out, for creating) or `'null'` (text and
   * numbers as null, models as [], for editing: emptying a field clears it on the server).
   */
  emptyAs?: 'omit' | 'null';
}

function emptyValue(f: FieldSpec): string | boolean | string[] {
  if (f.kind === 'checkbox') return false;
  if (f.kind === 'models') return [];
  if (f.kind === 'select') return f.options[0]?.value ?? '';
  return '';
}

/** A custom field's hint and error lines, as Field renders them. */
function FieldNotes({ hint, error }: { hint: ReactNode; error: string | undefined }) {
  return (
    <>
      {hint === undefined ? null : <p className="field-hint">{hint}</p>}
      {error === undefined ? null : <p className="field-error">{error}</p>}
    </>
  );
}

export function FormDialog<S extends z.ZodType>({ title, description, fields, schema, initial, submitLabel, onSubmit, onClose, children, shape, extraActions, emptyAs = 'omit' }: FormDialogProps<S>) {
  const [values, setValues] = useState<FormValues>(() => Object.fromEntries(fields.map((f) => [f.name, initial?.[f.name] ?? emptyValue(f)])));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const formId = `form-${title.replace(/\W+/g, '-').toLowerCase()}`;

  const flatBody = (): { body?: Record<string, unknown>; errors?: FieldErrors } => {
    const out: Record<string, unknown> = {};
    const errs: FieldErrors = {};
    const clear = emptyAs === 'null';
    for (const f of fields) {
      const v = values[f.name];
      if (f.kind === 'number') {
        const n = optionalNumber(typeof v === 'string' ? v : '');
        if (Number.isNaN(n)) errs[f.name] = 'Enter a number.';
        out[f.name] = n === undefined && clear ? null : n;
      } else if (f.kind === 'checkbox') {
        out[f.name] = v === true ? true : clear ? false : undefined;
      } else if (f.kind === 'models') {
        out[f.name] = Array.isArray(v) && v.length > 0 ? v : clear ? [] : undefined;
      } else {
        const t = optionalText(typeof v === 'string' ? v : '');
        out[f.name] = t === undefined && clear ? null : t;
      }
    }
    return Object.keys(errs).length > 0 ? { errors: errs } : { body: compact(out) };
  };

  const validated = (): { ok: true; data: z.output<S> } | { ok: false; errors: FieldErrors } => {
    const flat = flatBody();
    if (flat.body === undefined) return { ok: false, errors: flat.errors ?? {} };
    const parsed = schema.safeParse(shape === undefined ? flat.body : shape(flat.body));
    return parsed.success ? { ok: true, data: parsed.data } : { ok: false, errors: zodFieldErrors(parsed.error, fields.map((f) => f.name)) };
  };

  const submit = async (): Promise<void> => {
    const v = validated();
    if (!v.ok) {
      setErrors(v.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      await onSubmit(v.data);
      onClose();
    } catch (err) {
      setErrors(serverFieldErrors(err, fields.map((f) => f.name)));
      setBusy(false);
    }
  };

  const set = (name: string, value: string | boolean | string[]): void => {
    setValues((prev) => ({ ...prev, [name]: value }));
    setErrors((prev) => {
      if (prev[name] === undefined) return prev;
      const next = { ...prev };
      delete next[name];
      return next;
    });
  };

  return (
    <FormFrame
      title={title}
      description={description}
      formId={formId}
      submitLabel={submitLabel}
      busyLabel="Saving…"
      busy={busy}
      onClose={onClose}
      onSubmit={() => void submit()}
      footerStart={
        <>
          {extraActions?.(() => {
            const v = validated();
            if (!v.ok) {
              setErrors(v.errors);
              return undefined;
            }
            return v.data;
          })}
          <span className="spacer" />
        </>
      }
    >
      <FormError message={errors._form} />
      {fields.map((f, i) => {
        const v = values[f.name];
        const auto = i === 0 ? { 'data-autofocus': true } : {};
        if (f.kind === 'models') {
          return (
            <div key={f.name} data-field={f.name} className={errors[f.name] === undefined ? '' : 'field-invalid'}>
              <ModelPicker label={f.label} available={f.available} selected={Array.isArray(v) ? v : []} onChange={(m) => set(f.name, m)} invalid={errors[f.name] !== undefined} />
              <FieldNotes hint={f.hint} error={errors[f.name]} />
            </div>
          );
        }
        if (f.kind === 'checkbox') {
          return (
            <div key={f.name} className={`field field-check${errors[f.name] === undefined ? '' : ' field-invalid'}`} data-field={f.name}>
              <label className="check">
                <input type="checkbox" name={f.name} checked={v === true} onChange={(e) => set(f.name, e.target.checked)} {...auto} />
                <span>{f.label}</span>
              </label>
              <FieldNotes hint={f.hint} error={errors[f.name]} />
            </div>
          );
        }
        return (
          <Field key={f.name} label={f.label} name={f.name} error={errors[f.name]} hint={f.hint}>
            {f.kind === 'select' ? (
              <select value={typeof v === 'string' ? v : ''} onChange={(e) => set(f.name, e.target.value)} {...auto}>
                {f.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            ) : (
              <input
                type={f.kind === 'password' ? 'password' : 'text'}
                inputMode={f.kind === 'number' ? 'decimal' : undefined}
                autoComplete="off"
                spellCheck={false}
                placeholder={f.placeholder}
                list={f.list}
                value={typeof v === 'string' ? v : ''}
                onChange={(e) => set(f.name, e.target.value)}
                {...auto}
              />
            )}
          </Field>
        );
      })}
      {children}
    </FormFrame>
  );
}
