/** A dialog around one form: Cancel and a submit button (its label while busy) in the footer, the form in the body. */
import type { ReactNode } from 'react';
import { Dialog } from './Dialog.tsx';
import type { DialogProps } from './Dialog.tsx';

export interface FormFrameProps {
  title: string;
  description?: ReactNode;
  size?: DialogProps['size'];
  formId: string;
  submitLabel: string;
  busyLabel: string;
  busy: boolean;
  onClose: () => void;
  onSubmit: () => void;
  /** Footer content left of Cancel. */
  footerStart?: ReactNode;
  children: ReactNode;
}

export function FormFrame({ title, description, size, formId, submitLabel, busyLabel, busy, onClose, onSubmit, footerStart, children }: FormFrameProps) {
  return (
    <Dialog
      title={title}
      size={size}
      description={description}
      onClose={onClose}
      footer={
        <>
          {footerStart}
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form={formId} className="button button-primary" disabled={busy}>
            {busy ? busyLabel : submitLabel}
          </button>
        </>
      }
    >
      <form
        id={formId}
        className="form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit();
        }}
      >
        {children}
      </form>
    </Dialog>
  );
}
