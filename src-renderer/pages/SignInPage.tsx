/**
 * Sign-in: the one-time link is handled by App before this page shows; here the user can paste
 * the master key (used directly as the bearer, kept in sessionStorage only) or go through SSO.
 */
import { useState } from 'react';
import { Field, FormError } from '../components/Field.tsx';

export interface SignInPageProps {
  /** Why we are here again (expired session, refused link), if there is a reason. */
  notice: string | null;
  busy: boolean;
  error: string | null;
  onMasterKey: (key: string) => void;
  ssoUrl: string;
}

export function SignInPage({ notice, busy, error, onMasterKey, ssoUrl }: SignInPageProps) {
  const [key, setKey] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>(undefined);
  return (
    <main className="signin">
      <div className="signin-card">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          Tollgate
        </div>
        <h1>Sign in</h1>
        <p className="muted">Manage keys, budgets, providers and logs of this gateway.</p>
        {notice === null ? null : (
          <div className="banner banner-info" role="status">
            <span className="banner-message">{notice}</span>
          </div>
        )}
        <FormError message={error ?? undefined} />
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            const k = key.trim();
            if (k === '') {
              setFieldError('Enter the master key.');
              return;
            }
            setFieldError(undefined);
            onMasterKey(k);
          }}
        >
          <Field
            label="Master key"
            name="master_key"
            error={fieldError}
            hint={
              <>
                Printed by <code>tollgate serve</code> on first start. It stays in this tab only.
              </>
            }
          >
            <input type="password" autoComplete="off" spellCheck={false} value={key} onChange={(e) => setKey(e.target.value)} placeholder="sk-…" />
          </Field>
          <button type="submit" className="button button-primary button-block" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in with master key'}
          </button>
        </form>
        <div className="divider">
          <span>or</span>
        </div>
        <a className="button button-block" href={ssoUrl}>
          Sign in with SSO
        </a>
        <p className="field-hint signin-foot">
          Running headless? Open the one-time link <code>/ui/#token=…</code> that <code>tollgate serve</code> printed.
        </p>
      </div>
    </main>
  );
}
