/**
 * A labelled form control with hint and error. The error is linked with aria-describedby and the
 * control marked aria-invalid, so the field the gateway named in `param` is highlighted and read out.
 */
import { cloneElement, isValidElement, useId } from 'react';
import type { ReactElement, ReactNode } from 'react';

export interface FieldProps {
  label: string;
  /** Field name (matches the API body field and the error map key). */
  name: string;
  error?: string | undefined;
  hint?: ReactNode;
  children: ReactElement<Record<string, unknown>>;
  className?: string;
}

export function Field({ label, name, error, hint, children, className }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint === undefined ? null : hintId, error === undefined ? null : errorId].filter((x) => x !== null).join(' ');
  const control = isValidElement(children)
    ? cloneElement(children, {
        id,
        name,
        'aria-invalid': error === undefined ? undefined : true,
        'aria-describedby': describedBy === '' ? undefined : describedBy,
      })
    : children;
  return (
    <div className={`field${error === undefined ? '' : ' field-invalid'}${className === undefined ? '' : ` ${className}`}`} data-field={name}>
      <label htmlFor={id}>{label}</label>
      {control}
      {hint === undefined ? null : (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      {error === undefined ? null : (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** The error that belongs to no single field. */
export function FormError({ message }: { message: string | undefined }) {
  if (message === undefined) return null;
  return (
    <div className="banner banner-error" role="alert">
      <span className="banner-message">{message}</span>
    </div>
  );
}
